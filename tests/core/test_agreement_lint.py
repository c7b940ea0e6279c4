"""The calendar linter: each finding, whether it is an error or a warning, and none for the
shipped agreements."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement_check import Level, check_agreement
from deskapp.core.agreement_lint import lint_agreement
from tests.app.test_team_agreements import ACME

TODAY = date(2026, 12, 3)


def findings(text: str) -> list[tuple[Level, str, str]]:
    checked = check_agreement(text, "acme.toml", TODAY)
    assert checked.agreement is not None, checked.findings
    return [(f.level, f.key, f.message) for f in checked.findings]


@pytest.mark.parametrize("vendor", ["maqsu", "magaya", "acelynk", "catapult"])
def test_the_shipped_agreements_are_clean(vendor: str) -> None:
    agreement = shipped_agreements()[vendor]
    assert lint_agreement(agreement, f"{vendor}.toml", TODAY) == []


def test_a_clean_agreement_has_no_findings() -> None:
    assert findings(ACME) == []


def test_a_zone_abbreviation_that_contradicts_the_zone_is_a_warning() -> None:
    [(level, key, message)] = findings(ACME.replace(
        'name = "Acme office (Eastern Time)"\nzone = "America/New_York"',
        'name = "Acme office (PST)"\nzone = "Asia/Manila"'))
    assert (level, key) == (Level.WARNING, "calendars.office.name")
    assert message == ("'PST' in the name means UTC-08:00, but the zone Asia/Manila is "
                       "UTC+08:00; fix the zone or the name")
    # Read as the zone does in summer and winter: EST and EDT both fit New York.
    assert findings(ACME.replace("(Eastern Time)", "(EST/EDT)")) == []


def test_targets_longer_than_any_incident_lives_are_a_warning() -> None:
    [(level, key, message)] = findings(ACME.replace(
        'amount = 8\nunit = "business hours"', 'amount = 400\nunit = "business days"'))
    assert (level, key) == (Level.WARNING, "targets[0].amount")
    assert "400 business days in calendar office spans about 560 days" in message


def test_holiday_data_that_ends_before_targets_reach_is_a_warning() -> None:
    text = ACME.replace('fri = ["09:00-17:00"]\n',
                        'fri = ["09:00-17:00"]\n[calendars.office.holidays]\ncountry = "US"\n')
    assert findings(text) == []
    far = findings(text.replace('amount = 8\nunit = "business hours"',
                                'amount = 60000\nunit = "business days"'))
    messages = {key: (level, message) for level, key, message in far}
    level, message = messages["calendars.office.holidays.country"]
    assert level is Level.WARNING
    assert message.startswith("the holidays package has US holidays until 2100, but targets "
                              "in this calendar reach 2256")


def test_a_week_without_open_time_is_a_warning() -> None:
    closed = "\n".join(f'  {{ date = 2027-01-{day:02d}, name = "Closed" }},'
                       for day in range(4, 16))
    text = ACME.replace('fri = ["09:00-17:00"]\n', 'fri = ["09:00-17:00"]\n'
                        f"[calendars.office.holidays]\nadd = [\n{closed}\n]\n")
    [(level, key, message)] = findings(text)
    assert (level, key) == (Level.WARNING, "calendars.office")
    assert message.startswith("no open time from 2027-01-01 17:00 to 2027-01-18 09:00")


def test_a_warning_point_after_its_target_is_an_error() -> None:
    # The loader refuses it in a file; the linter says so of an agreement built otherwise.
    agreement = check_agreement(ACME, "acme.toml").agreement
    assert agreement is not None
    late = replace(agreement, targets=(replace(agreement.targets[0], warning_after=9.0),))
    [finding] = lint_agreement(late, "acme.toml", TODAY)
    assert (finding.level, finding.key) == (Level.ERROR, "targets[0].warning_after")
    assert str(finding) == ("acme.toml: targets[0].warning_after: the warning point (9) is "
                            "not before the target (8 business hours)")
    text = ACME.replace("pausable = true", "pausable = true\nwarning_after = 9")
    checked = check_agreement(text, "acme.toml", TODAY)
    assert not checked.ok and str(checked.errors[0]) == (
        "acme.toml: targets[0].warning_after: 9 is not before the target of 8")
