"""A changed agreement becomes a new version; incidents stay pinned to the one they began under."""

from __future__ import annotations

import pytest

from deskapp.app import agreements as agreements_module
from deskapp.app.desk import Desk
from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from tests.app.support import Clock, at, clock_of, draft, open_desk

OLD_HIGH = 'severity = "high"\namount = 12\n'


def faster_maqsu() -> dict[str, Agreement]:
    """The shipped agreements, with MAQSU's high resolution cut from 12 to 6 hours."""
    agreements = shipped_agreements()
    source = agreements["maqsu"].source
    assert source.count(OLD_HIGH) == 1 and 'version = "2026-11"' in source
    source = source.replace(OLD_HIGH, 'severity = "high"\namount = 6\n').replace(
        'version = "2026-11"', 'version = "2027-01"')
    agreements["maqsu"] = parse_agreement(source, "maqsu.toml (2027-01)")
    return agreements


def resolution_due(desk: Desk, key: str) -> object:
    return clock_of(desk.show(key).clocks, "resolution").due


def test_incidents_keep_the_agreement_they_were_logged_under(
        desk: Desk, clock: Clock, any_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set("2026-12-11T16:00+08:00")
    # Under 2026-11, high resolution is 12 business hours: Fri 15:00 -> Mon 13:30.
    old = desk.log(draft("maqsu", "high"), author="ana", at=at("2026-12-11T15:00+08:00"))
    assert old.incident.agreement_version == "2026-11"
    assert resolution_due(desk, old.incident.key) == at("2026-12-14T13:30+08:00")

    monkeypatch.setattr(agreements_module, "shipped_texts",
                        lambda: {v: a.source for v, a in faster_maqsu().items()})
    assert desk.load_shipped_agreements() == ["maqsu"]
    assert desk.load_shipped_agreements() == []  # the same text is not stored twice
    assert desk.agreements()["maqsu"].version == "2027-01"

    # The old incident's due does not move, not even when it is written or recomputed.
    key = old.incident.key
    assert desk.show(key).agreement_version == "2026-11"
    assert resolution_due(desk, key) == at("2026-12-14T13:30+08:00")
    desk.comment(key, "still on the old contract", author="ana")
    assert desk.recompute_all() == 1
    assert resolution_due(desk, key) == at("2026-12-14T13:30+08:00")
    assert desk.cached_clocks(key) == desk.fresh_clocks(key)

    # A new incident uses the new text: 6h from Fri 15:00 = Fri 2h30 + Sat 3h30 = Sat 12:00.
    new = desk.log(draft("maqsu", "high"), author="ana", at=at("2026-12-11T15:00+08:00"))
    assert new.incident.agreement_version == "2027-01"
    assert resolution_due(desk, new.incident.key) == at("2026-12-12T12:00+08:00")

    # Another workstation (no agreements in memory yet) reads each incident the same way.
    other = open_desk(any_database_url, clock)
    try:
        assert resolution_due(other, key) == at("2026-12-14T13:30+08:00")
        assert resolution_due(other, new.incident.key) == at("2026-12-12T12:00+08:00")
        rows = {row.key: row.next_due_at for row in other.queue()}
        assert rows[key] == clock_of(other.show(key).clocks, "response").due
    finally:
        other.shutdown()

    # Shipping the old text again (an older deskapp on another workstation) changes
    # nothing: it is not newer than the last shipped version. A lead who wants it back
    # imports it as the team's own version; the 2027-01 incident stays put.
    monkeypatch.undo()
    assert desk.load_shipped_agreements() == []
    assert desk.agreements()["maqsu"].version == "2027-01"
    desk.import_agreement(shipped_agreements()["maqsu"].source, "maqsu.toml", author="lead")
    assert desk.agreements()["maqsu"].version == "2026-11"
    again = desk.log(draft("maqsu", "high"), author="ana", at=at("2026-12-11T15:00+08:00"))
    assert again.incident.agreement_version == "2026-11"
    assert resolution_due(desk, again.incident.key) == at("2026-12-14T13:30+08:00")
    assert resolution_due(desk, new.incident.key) == at("2026-12-12T12:00+08:00")
