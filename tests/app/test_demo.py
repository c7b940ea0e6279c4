"""The demo's year of incidents is made of core's changes: planned, applied and stored by the
same rules the desk applies to an agent's writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from deskapp.app import demo
from deskapp.app.demo_year import logged
from deskapp.app.desk import Desk
from deskapp.core import workflow
from deskapp.core.lifecycle import EventKind, Status
from deskapp.core.sla import target_calendar
from deskapp.core.workflow import Change, Context, Editable, Respond, Step

END = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


def year(desk: Desk, incidents: int, seed: int) -> list[demo.Plan]:
    return list(demo.plans(desk.agreements(), incidents, seed, END, desk.sla.office_zone,
                           desk.sla.site,
                           lambda a, t, s: target_calendar(a, t, s, desk.sla.book)))


def test_a_plan_is_cores_changes_and_what_applying_them_did(sqlite_desk: Desk) -> None:
    agreements = sqlite_desk.agreements()
    plans = year(sqlite_desk, 150, 11)
    assert any(Status(p.worked.status).is_open for p in plans)  # some stop before the end
    for plan in plans:
        agreement = agreements[plan.draft.vendor]
        incident = logged(plan.draft, 0, agreement,
                          sqlite_desk.sla.site(plan.draft.site_zone, plan.draft.site_country))
        for action in plan.actions:
            assert isinstance(action.change, Change)
            context = Context("INC-000001", agreement, action.at, sqlite_desk.sla.site)
            assert action.change.apply(incident, context) == list(action.steps)
        assert incident == plan.worked, demo.describe_plan(plan)


def test_the_stored_year_follows_cores_rules(sqlite_desk: Desk,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Were a reply to record more, the demo's stored replies would record it too.
    made = Respond.make

    def marked(self: Respond, incident: Editable, context: Context) -> list[Step]:
        steps = made(self, incident, context)
        kind, details = steps[0]
        return [(kind, {**details, "checked": "yes"}), *steps[1:]]

    monkeypatch.setattr(workflow.Respond, "make", marked)
    result = demo.fill(sqlite_desk, 40, seed=2, end=END)
    replies: list[dict[str, Any]] = [
        dict(event.data)
        for number in range(1, result.incidents + 1)
        for event in sqlite_desk.show(f"INC-{number:06d}").events
        if event.kind in (EventKind.RESPONSE_SENT, EventKind.VENDOR_RESPONSE)]
    assert len(replies) >= 40
    assert all(reply["checked"] == "yes" for reply in replies)
