"""The team's own agreements: imported versions with effective dates, shipped texts that never
replace them, and a new version applied to open incidents only after a preview."""

from __future__ import annotations

import pytest

from deskapp.app import agreements as agreements_module
from deskapp.app.agreement_change import StalePreviewError
from deskapp.app.desk import Desk
from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement_file import AgreementError
from deskapp.core.agreement_versions import SINCE_ALWAYS, Origin
from deskapp.core.clocks import ClockState
from deskapp.core.lifecycle import ResolutionType
from tests.app.support import Clock, at, clock_of, draft, open_desk

ACME = """\
vendor = "acme"
name = "Acme"
version = "1"
products = ["Anvil"]

[calendars.office]
name = "Acme office (Eastern Time)"
zone = "America/New_York"
[calendars.office.hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]

[[tiers]]
key = "1"
name = "Tier 1"

[[severities]]
key = "high"
name = "High"
definition = "It is down."

[metrics.resolution]
name = "Resolution"

[[targets]]
metric = "resolution"
severity = "high"
amount = 8
unit = "business hours"
calendar = "office"
pausable = true
"""


def maqsu_with(old: str, new: str, version: str) -> str:
    source = shipped_agreements()["maqsu"].source
    assert source.count(old) == 1
    return source.replace(old, new).replace('version = "2026-11"', f'version = "{version}"')


FASTER = ('severity = "high"\namount = 12\n', 'severity = "high"\namount = 6\n')
# Saturdays closed: the calendar changes, so due times across a weekend move.
NO_SATURDAY = ('sat = ["08:30-13:00"]\n', "")


def test_a_new_database_is_seeded_with_the_shipped_versions(desk: Desk) -> None:
    versions = desk.agreement_versions("maqsu")
    assert [(v.number, v.origin, v.effective_at, v.made_by, v.is_current)
            for v in versions] == [(1, Origin.SHIPPED, SINCE_ALWAYS, "deskapp", True)]


def test_an_imported_vendor_is_logged_against_and_exported_back(desk: Desk, clock: Clock
                                                                ) -> None:
    imported = desk.import_agreement(ACME, "acme.toml", author="lead")
    assert imported.version.number == 1 and imported.version.origin is Origin.TEAM
    assert desk.agreements()["acme"].name == "Acme"
    logged = desk.log(draft("acme", "high", product="Anvil"), author="ana",
                      at=at("2027-03-01T06:00-05:00"))
    # Logged before opening on Monday: 8 business hours from 09:00 is 17:00.
    assert clock_of(logged.incident.clocks, "resolution").due == at("2027-03-01T17:00-05:00")
    number, text = desk.agreement_text("acme")
    assert number == 1 and text == ACME


def test_a_team_version_is_never_replaced_by_a_shipped_one(
        desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    team = maqsu_with(*FASTER, version="2026-12")
    desk.import_agreement(team, "maqsu.toml", author="lead")
    assert desk.agreements()["maqsu"].version == "2026-12"
    # deskapp ships a newer text: it is stored, but not in force over the team's own.
    shipped = maqsu_with(*NO_SATURDAY, version="2027-01")
    monkeypatch.setattr(agreements_module, "shipped_texts", lambda: {"maqsu.toml": shipped})
    assert desk.load_shipped_agreements() == ["maqsu"]
    assert desk.load_shipped_agreements() == []
    assert desk.agreements()["maqsu"].version == "2026-12"
    versions = desk.agreement_versions("maqsu")
    assert [(v.number, v.origin, v.effective_at is None, v.is_current) for v in versions] == [
        (1, Origin.SHIPPED, False, False), (2, Origin.TEAM, False, True),
        (3, Origin.SHIPPED, True, False)]
    # A shipped text that is not newer (the same version, edited) is not stored at all.
    monkeypatch.setattr(agreements_module, "shipped_texts",
                        lambda: {"maqsu.toml": shipped.replace("MAQSU", "Maqsu", 1)})
    assert desk.load_shipped_agreements() == []
    assert len(desk.agreement_versions("maqsu")) == 3


def test_a_version_takes_effect_at_its_date(desk: Desk, clock: Clock) -> None:
    clock.set("2027-03-01T12:00+08:00")
    desk.import_agreement(maqsu_with(*FASTER, version="2027-04"), "maqsu.toml",
                          effective=at("2027-04-01T00:00+08:00"), author="lead")
    assert desk.agreements()["maqsu"].version == "2026-11"
    before = desk.log(draft("maqsu", "high"), author="ana")
    assert before.incident.agreement_version == "2026-11"
    clock.set("2027-04-01T00:00+08:00")
    after = desk.log(draft("maqsu", "high"), author="ana")
    assert after.incident.agreement_version == "2027-04"
    assert desk.show(before.incident.key).agreement_version == "2026-11"


def test_a_new_version_reaches_open_incidents_only_after_a_preview(
        desk: Desk, clock: Clock, any_database_url: str) -> None:
    clock.set("2026-12-11T16:00+08:00")
    # Friday 15:00, 12 business hours: Fri 2h30, Sat 4h30, Mon 5h -> Monday 13:30.
    friday = desk.log(draft("maqsu", "high"), author="ana", at=at("2026-12-11T15:00+08:00"))
    closed = desk.log(draft("maqsu", "high"), author="ana", at=at("2026-12-11T15:00+08:00"))
    desk.resolve(closed.incident.key, ResolutionType.ANSWER, author="ana")
    desk.close(closed.incident.key, author="ana")
    assert clock_of(desk.show(friday.incident.key).clocks, "resolution").due == at(
        "2026-12-14T13:30+08:00")

    text = maqsu_with(*NO_SATURDAY, version="2027-01")
    clock.set("2026-12-15T12:00+08:00")
    preview = desk.preview_agreement_change("maqsu", text)
    assert preview.open_incidents == 1
    # Without Saturday: Fri 2h30, Mon 9h, Tue 0h30 -> Tuesday 09:00, already past at noon.
    resolution = next(c for c in preview.changes if c.metric == "resolution")
    assert (resolution.key, resolution.before, resolution.after) == (
        friday.incident.key, at("2026-12-14T13:30+08:00"), at("2026-12-15T09:00+08:00"))
    assert preview.changed_incidents == 1
    days = {c.calendar: c for c in preview.calendars}["maqsu"]
    assert len(days.intervals) == 10  # two working weeks, no Saturdays
    assert all(start < end for start, end in days.intervals)

    imported = desk.import_agreement(text, "maqsu.toml", author="lead")
    number = imported.version.number
    # The open incident keeps its version until the change is applied.
    assert desk.show(friday.incident.key).agreement_version == "2026-11"
    stale = desk.preview_agreement_change("maqsu", text)
    desk.comment(friday.incident.key, "a write after the preview", author="ana")
    with pytest.raises(StalePreviewError, match="preview the change again"):
        desk.apply_agreement_change("maqsu", number, stale, author="lead")
    assert desk.show(friday.incident.key).agreement_version == "2026-11"

    fresh = desk.preview_agreement_change("maqsu", text)
    assert desk.apply_agreement_change("maqsu", number, fresh.token, author="lead") == 1
    shown = desk.show(friday.incident.key)
    assert shown.agreement_version == "2027-01" and shown.updated_by == "lead"
    assert clock_of(shown.clocks, "resolution").due == at("2026-12-15T09:00+08:00")
    assert clock_of(shown.clocks, "resolution").state is ClockState.BREACHED
    assert desk.cached_clocks(friday.incident.key) == desk.fresh_clocks(friday.incident.key)
    # The closed incident keeps its version and its clocks.
    assert desk.show(closed.incident.key).agreement_version == "2026-11"
    # Another workstation reads the same.
    other = open_desk(any_database_url, clock)
    try:
        assert other.show(friday.incident.key).agreement_version == "2027-01"
    finally:
        other.shutdown()


def test_an_agreement_with_an_error_is_not_stored(desk: Desk) -> None:
    with pytest.raises(AgreementError, match=r"acme.toml: targets\[0\].severity: unknown "
                                             "severity 'urgent'"):
        desk.import_agreement(ACME.replace('severity = "high"\namount',
                                           'severity = "urgent"\namount'), "acme.toml")
    assert "acme" not in desk.agreements()
