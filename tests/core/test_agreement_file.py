"""Agreement files: every way a TOML agreement can be wrong gives a clear ``AgreementError``.

Each bad variant is derived from one small valid agreement (``VALID``) by replacing a piece
of its text, so a test shows exactly what changed. The error must name the file, the key path
and what is wrong; random mutations must never escape as any other exception.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.core.agreement import Unit
from deskapp.core.agreement_file import (
    AgreementError,
    load_agreement,
    load_agreements,
    parse_agreement,
)
from deskapp.core.calendar import MINUTES_PER_DAY, HolidayKind, OpenInterval
from deskapp.paths import policies_dir

SOURCE = "acme.toml"

VALID = """\
vendor = "acme"
name = "Acme"
version = "2026-01"
products = ["Widget"]
notes = ["Severity 1 by phone."]

[[contacts]]
channel = "email"
value = "help@acme.test"

[calendars.office]
name = "Acme office hours"
zone = "America/New_York"
[calendars.office.hours]
mon = ["08:00-12:00", "13:00-17:00"]
tue = ["08:00-17:00"]
[calendars.office.holidays]
country = "US"
subdivision = "NY"
kind = "closed"
add = [{ date = 2026-12-24, name = "Christmas Eve" }]
remove = [2026-11-26]

[calendars.always]
zone = "UTC"
always_open = true

[[tiers]]
key = "I"
name = "Tier I"

[[severities]]
key = "1"
name = "Down"
definition = "Nothing works."
channels = ["phone"]

[[severities]]
key = "2"
name = "Slow"
definition = "It works, slowly."

[metrics.response]
name = "Response"

[metrics.resolution]
name = "Resolution"

[[targets]]
metric = "response"
severity = "1"
amount = 2
unit = "calendar hours"
calendar = "always"

[[targets]]
metric = "response"
severity = "2"
amount = 4
unit = "business hours"
calendar = "office"

[[targets]]
metric = "resolution"
severity = "1"
amount = 3
unit = "business days"
calendar = "office"
pausable = true

[[targets]]
metric = "resolution"
severity = "2"
agreed_per_incident = true
unit = "business days"
calendar = "office"

[[goals]]
key = "fast"
description = "90 % of severity 1 responses on time"
percent = 90
metric = "response"
severity = "1"
within = { amount = 1, unit = "business days", calendar = "office" }

[scope]
in = ["Bug fix"]
out = ["Data entry"]
"""

EXTRA_TARGET = """
[[targets]]
metric = "response"
severity = "1"
amount = 5
unit = "business hours"
calendar = "office"
"""


def variant(*changes: tuple[str, str], text: str = VALID) -> str:
    """``text`` with each ``(old, new)`` applied; ``old`` must occur exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def without(line: str) -> str:
    return variant((line + "\n", ""))


def without_section(name: str) -> str:
    """``VALID`` without the tables ``[name...]`` and ``[[name]]`` (up to the next header)."""
    header = re.compile(rf"\[\[?{name}[.\]]")
    kept: list[str] = []
    skipping = False
    for line in VALID.splitlines(keepends=True):
        if line.startswith("["):
            skipping = bool(header.match(line))
        if not skipping:
            kept.append(line)
    return "".join(kept)


def expect_error(text: str, key: str, *gist: str, source: str = SOURCE) -> AgreementError:
    """Parsing ``text`` fails at ``key``; the message contains every ``gist`` fragment."""
    with pytest.raises(AgreementError) as caught:
        parse_agreement(text, source)
    error = caught.value
    assert error.source == source
    assert error.key == key
    for fragment in gist:
        assert fragment in error.message, f"{fragment!r} not in {error.message!r}"
    assert str(error) == f"{source}: {key}: {error.message}"
    return error


# ----- the valid texts --------------------------------------------------------------------


def test_valid_text_parses() -> None:
    agreement = parse_agreement(VALID, SOURCE)
    assert agreement.vendor == "acme"
    assert agreement.name == "Acme"
    assert agreement.version == "2026-01"
    assert [s.key for s in agreement.severities] == ["1", "2"]
    assert set(agreement.calendars) == {"office", "always"}
    assert agreement.calendars["always"].always_open
    assert agreement.target("resolution", "2").agreed_per_incident
    assert agreement.contact("email") is not None
    assert agreement.in_scope == ("Bug fix",)
    assert agreement.source == VALID
    goal = agreement.goals[0]
    assert goal.within == (1.0, Unit.BUSINESS_DAYS, "office")


def test_shipped_agreements_load() -> None:
    agreements = load_agreements(policies_dir())
    assert set(agreements) == {"maqsu", "magaya", "acelynk", "catapult"}
    for vendor, agreement in agreements.items():
        assert agreement.vendor == vendor
        assert agreement.targets
        for target in agreement.targets:
            assert target.calendar in agreement.calendars


def test_each_shipped_file_loads_alone() -> None:
    for path in sorted(policies_dir().glob("*.toml")):
        assert load_agreement(path).vendor == path.stem


def test_magaya_severity_1_resolution_warns_after_one_business_day() -> None:
    magaya = load_agreement(policies_dir() / "magaya.toml")
    target = magaya.target("resolution", "1")
    assert target.unit is Unit.BUSINESS_DAYS
    assert target.amount == 2
    assert target.warning_after == 1
    assert target.pausable
    assert magaya.calendars["magaya"].holiday_kind is HolidayKind.LIMITED


def test_overnight_interval_parses_as_overnight() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'tue = ["22:00-06:00+1"]'))
    tuesday = parse_agreement(text, SOURCE).calendars["office"].weekly[1]
    assert tuesday == (OpenInterval(22 * 60, MINUTES_PER_DAY + 6 * 60),)
    assert tuesday[0].overnight
    assert str(tuesday[0]) == "22:00-06:00+1"


def test_sunday_overnight_into_monday_morning_parses() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'sun = ["20:00-07:00+1"]'))
    weekly = parse_agreement(text, SOURCE).calendars["office"].weekly
    assert weekly[6][0].overnight
    assert weekly[1] == ()


def test_closing_at_24_00_works() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'tue = ["13:00-24:00"]'))
    tuesday = parse_agreement(text, SOURCE).calendars["office"].weekly[1]
    assert tuesday == (OpenInterval(13 * 60, MINUTES_PER_DAY),)
    assert not tuesday[0].overnight


def test_touching_intervals_are_not_an_overlap() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'tue = ["13:00-17:00", "08:00-13:00"]'))
    tuesday = parse_agreement(text, SOURCE).calendars["office"].weekly[1]
    assert tuesday == (OpenInterval(480, 780), OpenInterval(780, 1020))


def test_hand_added_and_removed_holidays_are_read() -> None:
    text = variant((
        'add = [{ date = 2026-12-24, name = "Christmas Eve" }]',
        'add = [{ date = 2026-12-31, name = "New Year\'s Eve" },'
        ' { date = "2026-12-24", name = "Christmas Eve" }]',
    ))
    office = parse_agreement(text, SOURCE).calendars["office"]
    assert office.added_holidays == (
        (date(2026, 12, 24), "Christmas Eve"),
        (date(2026, 12, 31), "New Year's Eve"),
    )
    assert office.removed_holidays == frozenset({date(2026, 11, 26)})
    assert office.holiday_country == "US"
    assert office.holiday_subdivision == "NY"
    assert office.holiday_kind is HolidayKind.CLOSED


def test_default_warning_is_three_quarters_of_the_amount() -> None:
    agreement = parse_agreement(VALID, SOURCE)
    assert agreement.target("response", "2").warning_after == pytest.approx(3.0)
    assert agreement.target("response", "1").warning_after == pytest.approx(1.5)
    assert agreement.target("resolution", "2").warning_after is None


def test_warning_fraction_changes_the_default_warning() -> None:
    agreement = parse_agreement("warning_fraction = 0.5\n" + VALID, SOURCE)
    assert agreement.target("response", "2").warning_after == pytest.approx(2.0)
    assert agreement.target("response", "1").warning_after == pytest.approx(1.0)


def test_warning_after_overrides_the_fraction() -> None:
    text = "warning_fraction = 0.5\n" + variant(
        ('amount = 4\nunit = "business hours"',
         'amount = 4\nwarning_after = 3.5\nunit = "business hours"'),
    )
    agreement = parse_agreement(text, SOURCE)
    assert agreement.target("response", "2").warning_after == pytest.approx(3.5)
    assert agreement.target("response", "1").warning_after == pytest.approx(1.0)


def test_optional_sections_may_be_left_out() -> None:
    text = variant(
        ('notes = ["Severity 1 by phone."]\n', ""),
        ('products = ["Widget"]\n', ""),
        ('[[contacts]]\nchannel = "email"\nvalue = "help@acme.test"\n', ""),
        ('[scope]\nin = ["Bug fix"]\nout = ["Data entry"]\n', ""),
    )
    agreement = parse_agreement(text, SOURCE)
    assert agreement.contacts == ()
    assert agreement.products == ()
    assert agreement.in_scope == agreement.out_of_scope == ()


# ----- the file as a whole ----------------------------------------------------------------


def test_invalid_toml() -> None:
    expect_error(variant(('vendor = "acme"', 'vendor = "acme')), "(file)", "not valid TOML")


def test_a_table_defined_twice_is_invalid_toml() -> None:
    text = VALID + '\n[calendars.always]\nzone = "UTC"\n'
    expect_error(text, "(file)", "not valid TOML")


@pytest.mark.parametrize(
    "line", ['vendor = "acme"', 'name = "Acme"', 'version = "2026-01"'],
    ids=["vendor", "name", "version"],
)
def test_missing_vendor_name_or_version(line: str) -> None:
    key = line.split(" = ")[0]
    expect_error(without(line), key, "is missing")


@pytest.mark.parametrize(
    "vendor", ["Acme", "acme corp", "acme_corp", "-", "ácme"],
)
def test_bad_vendor_key(vendor: str) -> None:
    expect_error(
        variant(('vendor = "acme"', f"vendor = {json.dumps(vendor)}")),
        "vendor", repr(vendor), "lower-case letters, digits or '-'",
    )


def test_empty_vendor() -> None:
    expect_error(variant(('vendor = "acme"', 'vendor = "  "')), "vendor", "non-empty string")


def test_unknown_top_level_key() -> None:
    error = expect_error("colour = \"red\"\n" + VALID, "colour", "is not a known setting")
    assert "vendor" in error.message  # names what was expected


@pytest.mark.parametrize("key", ["calendars", "metrics", "severities", "targets"])
def test_missing_required_section(key: str) -> None:
    expect_error(without_section(key), key, "missing")


def test_calendars_table_empty() -> None:
    text = "calendars = {}\n" + without_section("calendars")
    expect_error(text, "calendars", "at least one calendar")


def test_warning_fraction_out_of_range() -> None:
    for value in ("1", "0", "1.5", "-0.2", '"0.5"', "true", "nan"):
        expect_error(
            f"warning_fraction = {value}\n" + VALID, "warning_fraction", "between 0 and 1"
        )


# ----- calendars --------------------------------------------------------------------------


def test_unknown_time_zone() -> None:
    expect_error(
        variant(('zone = "America/New_York"', 'zone = "Mars/Olympus_Mons"')),
        "calendars.office.zone", "unknown time zone 'Mars/Olympus_Mons'", "IANA",
    )


@pytest.mark.parametrize(
    "zone", ["America", "America/", "../etc/passwd", "/etc/localtime", "new_york", "EST 5"]
)
def test_odd_time_zone_names_are_rejected(zone: str) -> None:
    text = variant(('zone = "America/New_York"', f"zone = {json.dumps(zone)}"))
    expect_error(text, "calendars.office.zone", "unknown time zone")


def test_site_zone_follows_the_client_site() -> None:
    text = variant(('zone = "America/New_York"', 'zone = "site"'), ('country = "US"\n', ""),
                   ('subdivision = "NY"\n', ""))
    office = parse_agreement(text, SOURCE).calendars["office"]
    assert office.zone == "site"
    assert office.follows_site


@pytest.mark.parametrize(
    ("interval", "gist"),
    [
        ("08:00-25:00", ["'25:00'", "00:00 to 24:00"]),
        ("25:00-26:00", ["'25:00'", "00:00 to 24:00"]),
        ("08:60-17:00", ["'08:60'", "00:00 to 24:00"]),
        ("8am-5pm", ["'8am'", "HH:MM"]),
        ("0800-1700", ["HH:MM"]),
        ("08:00", ["not an interval", "HH:MM-HH:MM"]),
        ("08:00 to 17:00", ["HH:MM"]),
        ("08:00-17:00-18:00", ["HH:MM"]),
        ("+8:00-17:00", ["HH:MM"]),
        ("24:00-06:00+1", ["opens at 24:00"]),
        ("08:00-17:00+1", ["overnight (+1)", "does not close the next morning"]),
        ("22:00-00:00+1", ["overnight (+1)"]),
        ("08:00-08:00", ["closes before it opens"]),
        ("\u0661\u0663:00-17:00", ["HH:MM"]),
        ("\u00b2\u00b2:00-23:00", ["HH:MM"]),
    ],
)
def test_malformed_interval(interval: str, gist: list[str]) -> None:
    text = variant(('tue = ["08:00-17:00"]', f"tue = [{json.dumps(interval)}]"))
    expect_error(text, "calendars.office.hours.tue[0]", *gist)


def test_second_interval_of_a_day_is_named_by_index() -> None:
    text = variant(('"13:00-17:00"', '"13:00-17:61"'))
    expect_error(text, "calendars.office.hours.mon[1]", "'17:61'")


def test_closing_before_opening_suggests_the_overnight_form() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'tue = ["22:00-06:00"]'))
    expect_error(
        text, "calendars.office.hours.tue[0]", "closes before it opens", "22:00-06:00+1"
    )


def test_overlapping_intervals_on_one_day() -> None:
    text = variant(('"13:00-17:00"', '"11:00-17:00"'))
    expect_error(text, "calendars.office.hours.mon", "08:00-12:00", "11:00-17:00", "overlap")


def test_overnight_interval_overlapping_the_next_day() -> None:
    text = variant(('mon = ["08:00-12:00", "13:00-17:00"]', 'mon = ["22:00-09:00+1"]'))
    expect_error(text, "calendars.office.hours.mon", "22:00-09:00+1", "tue", "overlap")


def test_sunday_overnight_overlapping_monday() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'sun = ["20:00-08:30+1"]'))
    expect_error(text, "calendars.office.hours.sun", "mon", "overlap")


def test_calendar_with_no_open_hours() -> None:
    text = variant(
        ('mon = ["08:00-12:00", "13:00-17:00"]\n', ""),
        ('tue = ["08:00-17:00"]', "tue = []"),
    )
    expect_error(text, "calendars.office.hours", "no open hours")


def test_calendar_without_hours_or_always_open() -> None:
    text = variant(('always_open = true\n', ""))
    expect_error(text, "calendars.always.hours", "missing", "always_open")


def test_hours_on_a_24x7_calendar() -> None:
    text = variant(
        ("always_open = true\n", 'always_open = true\nhours = { mon = ["08:00-17:00"] }\n')
    )
    expect_error(text, "calendars.always.hours", "24x7", "takes no hours")


def test_unknown_weekday_key() -> None:
    text = variant(('tue = ["08:00-17:00"]', 'tuesday = ["08:00-17:00"]'))
    error = expect_error(text, "calendars.office.hours.tuesday", "is not a known setting")
    assert "mon, tue, wed, thu, fri, sat, sun" in error.message


def test_unknown_calendar_setting() -> None:
    text = variant(('always_open = true\n', 'always_open = true\nopen = "always"\n'))
    expect_error(text, "calendars.always.open", "is not a known setting", "always_open")


def test_unknown_holiday_country() -> None:
    text = variant(('country = "US"', 'country = "XX"'))
    expect_error(text, "calendars.office.holidays.country", "unknown country code 'XX'", "US")


def test_lower_case_country_is_unknown() -> None:
    text = variant(('country = "US"', 'country = "us"'))
    expect_error(text, "calendars.office.holidays.country", "'us'")


def test_unknown_holiday_kind() -> None:
    text = variant(('kind = "closed"', 'kind = "sometimes"'))
    expect_error(
        text, "calendars.office.holidays.kind", "'sometimes'", "closed, limited"
    )


def test_bad_subdivision() -> None:
    text = variant(('subdivision = "NY"', 'subdivision = "ZZ"'))
    expect_error(
        text, "calendars.office.holidays.subdivision", "'ZZ'", "subdivision of US", "NY"
    )


def test_subdivision_without_country() -> None:
    text = variant(('country = "US"\n', ""))
    expect_error(text, "calendars.office.holidays.subdivision", "needs a country")


def test_subdivision_of_the_client_site() -> None:
    text = variant(('country = "US"', 'country = "site"'))
    expect_error(text, "calendars.office.holidays.subdivision", "client site")


@pytest.mark.parametrize(
    "value", ['"2026-13-01"', '"Christmas"', "2026-12-24T10:00:00", "10:00:00", "20261224"],
)
def test_bad_added_holiday_date(value: str) -> None:
    text = variant(("date = 2026-12-24", f"date = {value}"))
    expect_error(text, "calendars.office.holidays.add[0].date", "not a date", "YYYY-MM-DD")


def test_added_holiday_without_date() -> None:
    text = variant(("{ date = 2026-12-24, name", "{ name"))
    expect_error(text, "calendars.office.holidays.add[0].date", "missing", "YYYY-MM-DD")


def test_added_holiday_that_is_not_a_table() -> None:
    text = variant(('[{ date = 2026-12-24, name = "Christmas Eve" }]', "[2026-12-24]"))
    expect_error(text, "calendars.office.holidays.add[0]", "expected a table")


def test_bad_removed_holiday_date() -> None:
    text = variant(("remove = [2026-11-26]", 'remove = [2026-11-26, "Thanksgiving"]'))
    expect_error(text, "calendars.office.holidays.remove[1]", "'Thanksgiving'", "YYYY-MM-DD")


# ----- severities, tiers, metrics, contacts -----------------------------------------------


def test_duplicate_severity_key() -> None:
    text = variant(('key = "2"', 'key = "1"'))
    expect_error(text, "severities[1].key", "'1' is defined twice")


def test_integer_severity_key_is_read_as_text() -> None:
    text = variant(('key = "2"', "key = 2"))
    assert [s.key for s in parse_agreement(text, SOURCE).severities] == ["1", "2"]


def test_unknown_severity_channel() -> None:
    text = variant(('channels = ["phone"]', 'channels = ["phone", "fax"]'))
    expect_error(text, "severities[0].channels[1]", "'fax'", "phone, email, portal, pageone")


def test_unknown_contact_channel() -> None:
    text = variant(('channel = "email"', 'channel = "fax"'))
    expect_error(text, "contacts[0].channel", "'fax'", "phone, email, portal, pageone")


def test_unknown_clock_start() -> None:
    text = variant(('name = "Resolution"', 'name = "Resolution"\nclock_start = "later"'))
    expect_error(text, "metrics.resolution.clock_start", "'later'", "logged")


def test_no_severities() -> None:
    text = "severities = []\n" + without_section("severities")
    expect_error(text, "severities", "at least one severity")


# ----- targets ----------------------------------------------------------------------------


def test_target_for_an_unknown_severity() -> None:
    text = variant(('severity = "2"\namount = 4', 'severity = "9"\namount = 4'))
    expect_error(text, "targets[1].severity", "unknown severity '9'", "1, 2")


def test_target_with_a_float_severity() -> None:
    text = variant(('severity = "2"\namount = 4', "severity = 2.0\namount = 4"))
    expect_error(text, "targets[1].severity", "unknown severity 2.0")


def test_target_without_a_severity() -> None:
    text = variant(('severity = "2"\namount = 4', "amount = 4"))
    expect_error(text, "targets[1].severity", "missing", "1, 2")


def test_target_for_an_unknown_metric() -> None:
    text = variant(('metric = "response"\nseverity = "2"', 'metric = "answer"\nseverity = "2"'))
    expect_error(text, "targets[1].metric", "unknown metric 'answer'", "response, resolution")


def test_target_on_an_unknown_calendar() -> None:
    text = variant(('calendar = "always"\n', 'calendar = "nights"\n'))
    expect_error(text, "targets[0].calendar", "unknown calendar 'nights'", "office, always")


def test_target_with_an_unknown_unit() -> None:
    text = variant(('unit = "business hours"\ncalendar = "office"',
                    'unit = "business weeks"\ncalendar = "office"'))
    expect_error(
        text, "targets[1].unit", "'business weeks'",
        "calendar hours, business hours, business days",
    )


@pytest.mark.parametrize("amount", ["0", "-1", "-0.5", "0.0"])
def test_non_positive_amount(amount: str) -> None:
    text = variant(("amount = 4", f"amount = {amount}"))
    expect_error(text, "targets[1].amount", "above 0")


@pytest.mark.parametrize(
    ("amount", "gist"),
    [
        ("inf", "finite number, not inf"),
        ("1e400", "finite number, not inf"),
        ("nan", "above 0, not nan"),
        ("-inf", "above 0"),
        ("1" + "0" * 400, "too large"),
    ],
)
@pytest.mark.parametrize(("old", "index"), [("amount = 4", 1), ("amount = 3", 2)],
                         ids=["business hours", "business days"])
def test_non_finite_amount(amount: str, gist: str, old: str, index: int) -> None:
    expect_error(variant((old, f"amount = {amount}")), f"targets[{index}].amount", gist)


def test_non_finite_goal_numbers() -> None:
    expect_error(variant(("percent = 90", "percent = inf")), "goals[0].percent", "finite")
    text = variant(("within = { amount = 1,", "within = { amount = nan,"))
    expect_error(text, "goals[0].within.amount", "above 0")


def test_fractional_business_days() -> None:
    text = variant(("amount = 3", "amount = 2.5"))
    expect_error(text, "targets[2].amount", "whole number")


def test_whole_float_business_days_are_fine() -> None:
    text = variant(("amount = 3", "amount = 3.0"))
    assert parse_agreement(text, SOURCE).target("resolution", "1").amount == 3


def test_fractional_business_days_in_a_goal() -> None:
    text = variant(("within = { amount = 1,", "within = { amount = 1.5,"))
    expect_error(text, "goals[0].within.amount", "whole number")


@pytest.mark.parametrize("warning", ["4", "5", "4.0"])
def test_warning_after_not_before_the_target(warning: str) -> None:
    text = variant(("amount = 4", f"amount = 4\nwarning_after = {warning}"))
    expect_error(text, "targets[1].warning_after", "not before the target of 4")


def test_warning_after_must_be_positive() -> None:
    text = variant(("amount = 4", "amount = 4\nwarning_after = 0"))
    expect_error(text, "targets[1].warning_after", "above 0")


def test_amount_on_an_agreed_per_incident_target() -> None:
    text = variant(("agreed_per_incident = true", "agreed_per_incident = true\namount = 5"))
    expect_error(text, "targets[3].amount", "agreed per incident has no amount")


def test_target_without_an_amount() -> None:
    text = variant(("amount = 4\n", ""))
    expect_error(text, "targets[1].amount", "expected a number")


def test_duplicate_target() -> None:
    expect_error(
        VALID + EXTRA_TARGET, "targets[4]", "second response target for severity 1"
    )


def test_unknown_target_setting() -> None:
    text = variant(("pausable = true", "pausable = true\npaused = true"))
    expect_error(text, "targets[2].paused", "is not a known setting", "pausable")


# ----- goals ------------------------------------------------------------------------------


@pytest.mark.parametrize("percent", ["100.5", "250"])
def test_goal_percent_over_100(percent: str) -> None:
    text = variant(("percent = 90", f"percent = {percent}"))
    expect_error(text, "goals[0].percent", "above 100")


def test_goal_percent_of_100_is_fine() -> None:
    text = variant(("percent = 90", "percent = 100"))
    assert parse_agreement(text, SOURCE).goals[0].percent == 100


def test_goal_for_an_unknown_tier() -> None:
    text = variant(('severity = "1"\nwithin', 'tier = "IV"\nwithin'))
    expect_error(text, "goals[0].tier", "unknown tier 'IV'", "I")


def test_goal_within_an_unknown_calendar() -> None:
    text = variant(('calendar = "office" }', 'calendar = "nights" }'))
    expect_error(text, "goals[0].within.calendar", "unknown calendar 'nights'")


# ----- wrong types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "gist"),
    [
        ("amount = 4", 'amount = "4"', "targets[1].amount", "expected a number"),
        ("amount = 4", "amount = true", "targets[1].amount", "expected a number"),
        ("amount = 4", "amount = [4]", "targets[1].amount", "expected a number"),
        ("percent = 90", 'percent = "90%"', "goals[0].percent", "expected a number"),
        ("pausable = true", 'pausable = "yes"', "targets[2].pausable", "true or false"),
        ("always_open = true", "always_open = 1", "calendars.always.always_open",
         "true or false"),
        ('products = ["Widget"]', 'products = "Widget"', "products", "expected a list"),
        ('products = ["Widget"]', "products = [1]", "products[0]", "non-empty string"),
        ('notes = ["Severity 1 by phone."]', 'notes = { a = "b" }', "notes",
         "expected a list"),
        ('zone = "America/New_York"', "zone = 5", "calendars.office.zone",
         "non-empty string"),
        ('tue = ["08:00-17:00"]', 'tue = "08:00-17:00"', "calendars.office.hours.tue",
         "expected a list"),
        ('tue = ["08:00-17:00"]', "tue = [800]", "calendars.office.hours.tue[0]",
         "non-empty string"),
        ("within = { amount = 1, unit = \"business days\", calendar = \"office\" }",
         'within = [1, "business days"]', "goals[0].within", "expected a table"),
        ('version = "2026-01"', "version = 2026", "version", "non-empty string"),
        ('version = "2026-01"', "version = 2026-01-01", "version", "non-empty string"),
        ('name = "Down"', 'name = ["Down"]', "severities[0].name", "non-empty string"),
        ('key = "I"', "key = true", "tiers[0].key", "non-empty string"),
        ('value = "help@acme.test"', "value = {}", "contacts[0].value", "non-empty string"),
        ('name = "Acme office hours"', "name = 12", "calendars.office.name",
         "non-empty string"),
        ("remove = [2026-11-26]", "remove = 2026-11-26", "calendars.office.holidays.remove",
         "expected a list"),
        ('country = "US"', "country = 1", "calendars.office.holidays.country",
         "non-empty string"),
    ],
)
def test_wrong_types(old: str, new: str, key: str, gist: str) -> None:
    expect_error(variant((old, new)), key, gist)


@pytest.mark.parametrize(
    ("prefix", "key", "gist"),
    [
        ('calendars = "office"\n', "calendars", "expected a table"),
        ("metrics = [1]\n", "metrics", "expected a table"),
        ('scope = ["Bug fix"]\n', "scope", "expected a table"),
        ('contacts = ["help@acme.test"]\n', "contacts[0]", "expected a table"),
        ('severities = "1"\n', "severities", "expected a list"),
        ('tiers = ["I"]\n', "tiers[0]", "expected a table"),
        ('targets = [1]\n', "targets[0]", "expected a table"),
        ('goals = [1]\n', "goals[0]", "expected a table"),
    ],
)
def test_wrong_type_of_a_whole_section(prefix: str, key: str, gist: str) -> None:
    """A top-level section replaced by a value of the wrong type."""
    expect_error(prefix + without_section(prefix.split(" = ")[0]), key, gist)


def test_calendar_that_is_not_a_table() -> None:
    text = variant(("[calendars.office]", "[calendars]\nnights = 5\n\n[calendars.office]"))
    expect_error(text, "calendars.nights", "expected a table")


def test_metric_that_is_not_a_table() -> None:
    text = variant(("[metrics.response]\n", "[metrics]\nspeed = 1\n\n[metrics.response]\n"))
    expect_error(text, "metrics.speed", "expected a table")


# ----- files and folders ------------------------------------------------------------------


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(VALID.replace("Acme", "Acm\u00e9").encode("latin-1"))
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    assert caught.value.source.endswith("latin.toml")
    assert caught.value.key == "(file)"
    assert "UTF-8" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AgreementError) as caught:
        load_agreement(tmp_path / "gone.toml")
    assert "gone.toml" in caught.value.source
    assert "cannot be read" in caught.value.message


def test_load_agreement_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(variant(('kind = "closed"', 'kind = "never"')), encoding="utf-8")
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    assert caught.value.source == "acme.toml"
    assert str(caught.value).startswith("acme.toml: calendars.office.holidays.kind: ")


def test_two_files_for_the_same_vendor(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "acme-copy.toml").write_text(VALID, encoding="utf-8")
    with pytest.raises(AgreementError) as caught:
        load_agreements(tmp_path)
    error = caught.value
    assert error.source == "acme.toml"  # sorted: acme-copy.toml is read first
    assert error.key == "vendor"
    assert "'acme' is defined twice" in error.message
    assert "acme-copy.toml" in error.message


def test_folder_of_distinct_vendors(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "other.toml").write_text(
        variant(('vendor = "acme"', 'vendor = "other"')), encoding="utf-8"
    )
    (tmp_path / "readme.txt").write_text("not an agreement", encoding="utf-8")
    assert set(load_agreements(tmp_path)) == {"acme", "other"}


# ----- fuzzing ----------------------------------------------------------------------------

LINES = VALID.splitlines()
VALUE_LINES = [i for i, line in enumerate(LINES) if " = " in line]

toml_strings = st.one_of(
    st.text(max_size=20),
    st.sampled_from([
        "", " ", "acme", "1", "2", "US", "NY", "site", "UTC", "America/New_York", "closed",
        "limited", "business days", "business hours", "calendar hours", "office", "always",
        "response", "resolution", "phone", "fax", "documentation complete", "2026-12-24",
        "08:00-17:00", "22:00-06:00+1", "24:00-01:00", "13:00-24:00", "25:00-26:00",
        "\u00b2\u00b2:00-23:00", "08:00-17:00+1",
    ]),
).map(json.dumps)
toml_scalars = st.one_of(
    toml_strings,
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.sampled_from(["0", "1", "-1", "4", "100", "101", "1" + "0" * 400]),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda x: {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(x), repr(x))
    ),
    st.sampled_from(["0.5", "0.75", "2.5", "1e400", "true", "false"]),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["07:00:00", "2026-12-24T08:00:00", "2026-12-24T08:00:00Z"]),
)
toml_values = st.one_of(
    toml_scalars,
    st.lists(toml_scalars, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.sampled_from(["{}", "[]", "{ date = 2026-12-24 }", '{ amount = 1, unit = 5 }']),
)


@st.composite
def mutated_agreements(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if draw(st.booleans()):
            del lines[draw(st.integers(min_value=0, max_value=len(lines) - 1))]
        else:
            candidates = [i for i, line in enumerate(lines) if " = " in line]
            index = draw(st.sampled_from(candidates))
            key = lines[index].split(" = ", 1)[0]
            lines[index] = f"{key} = {draw(toml_values)}"
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_agreements())
def test_mutations_parse_or_raise_agreement_error(text: str) -> None:
    try:
        agreement = parse_agreement(text, SOURCE)
    except AgreementError as error:
        assert error.source == SOURCE
        assert error.key
        assert error.message
        assert str(error).startswith(f"{SOURCE}: {error.key}: ")
    else:
        assert agreement.vendor
        assert agreement.calendars
        for target in agreement.targets:
            assert target.calendar in agreement.calendars
            if target.amount is not None:
                assert 0 < target.amount < float("inf")
                assert target.warning_after is not None
                assert 0 < target.warning_after < target.amount


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(VALID)), st.text(max_size=8))
def test_text_splices_parse_or_raise_agreement_error(position: int, insert: str) -> None:
    text = VALID[:position] + insert + VALID[position:]
    try:
        parse_agreement(text, SOURCE)
    except AgreementError as error:
        assert error.source == SOURCE
