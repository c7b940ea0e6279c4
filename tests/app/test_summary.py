"""A database at a glance: incidents by status and targets past their due time."""

from __future__ import annotations

from datetime import timedelta

from deskapp.app.desk import Desk
from deskapp.app.summary import summarize
from deskapp.core.lifecycle import ResolutionType
from tests.app.support import Clock, draft


def test_a_summary_counts_incidents_by_status_and_targets_past_due(desk: Desk,
                                                                   clock: Clock) -> None:
    now = clock.now
    # MAQSU high: response 4 and resolution 12 business hours, both long past for one
    # logged ten days ago; a new one and one resolved at once are not past due.
    desk.log(draft("maqsu", "high"), author="ana", at=now - timedelta(days=10))
    desk.log(draft("maqsu", "high"), author="ana")
    resolved = desk.log(draft("maqsu", "high"), author="ana").incident.key
    desk.resolve(resolved, ResolutionType.ANSWER, author="ana")

    summary = summarize(desk, now)
    assert summary.by_status == (("new", 2), ("resolved", 1))
    assert summary.breached == 2
    assert summarize(desk, now - timedelta(days=10)).breached == 0
    assert summary.database.startswith(("the database file ", "the PostgreSQL database "))
    assert "password" not in summary.database
