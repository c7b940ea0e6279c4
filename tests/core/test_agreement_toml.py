"""Export then import gives the same agreement: the writer's text read back equals what was
written, for generated agreements and for the four shipped ones."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement import (
    SITE,
    Agreement,
    CalendarSpec,
    ClockStart,
    Contact,
    Goal,
    Metric,
    Severity,
    Target,
    Tier,
    Unit,
)
from deskapp.core.agreement_check import check_agreement
from deskapp.core.agreement_file import CHANNELS, parse_agreement
from deskapp.core.agreement_toml import agreement_data, write_agreement
from deskapp.core.calendar import MINUTES_PER_DAY, HolidayKind, OpenInterval

# Text as the loader keeps it: stripped, never empty, any characters TOML can hold.
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
                min_size=1, max_size=12).map(str.strip).filter(bool)
keys = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
vendors = st.from_regex(r"[a-z0-9][a-z0-9-]{0,7}", fullmatch=True)
amounts = st.one_of(st.integers(1, 500).map(float),
                    st.floats(0.01, 500, allow_nan=False, allow_infinity=False))


@st.composite
def weeks(draw: st.DrawFn) -> tuple[tuple[OpenInterval, ...], ...]:
    """Open hours of a week: up to two intervals a day, one of which may run overnight."""
    days: list[tuple[OpenInterval, ...]] = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 95), max_size=4)))
        if len(cuts) % 2:
            cuts.pop()
        days.append(tuple(OpenInterval(a * 15, b * 15) for a, b in zip(cuts[::2], cuts[1::2],
                                                                         strict=True)))
    if not any(days):
        days[0] = (OpenInterval(8 * 60, 17 * 60),)
    # An overnight interval on Sunday, closing before Monday's first opening.
    monday = days[0][0].start if days[0] else MINUTES_PER_DAY
    last = days[6][-1].end if days[6] else 0
    if draw(st.booleans()) and monday > 15 and last < 23 * 60:
        days[6] = (*days[6], OpenInterval(23 * 60, MINUTES_PER_DAY + min(monday, 600) - 15))
    return tuple(days)


@st.composite
def calendars(draw: st.DrawFn, key: str) -> CalendarSpec:
    always = draw(st.booleans())
    country = draw(st.sampled_from([None, "US", "SG", SITE]))
    zone = SITE if country == SITE and draw(st.booleans()) else draw(
        st.sampled_from(["UTC", "America/New_York", "Asia/Manila", "Europe/Paris"]))
    days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
    return CalendarSpec(
        key=key, name=draw(texts), zone=zone,
        weekly=((),) * 7 if always else draw(weeks()), always_open=always,
        holiday_country=country,
        holiday_subdivision="NY" if country == "US" and draw(st.booleans()) else None,
        holiday_kind=draw(st.sampled_from(list(HolidayKind))),
        added_holidays=tuple(sorted(draw(st.dictionaries(days, texts, max_size=2)).items())),
        removed_holidays=frozenset(draw(st.sets(days, max_size=2))),
    )


@st.composite
def targets(draw: st.DrawFn, metric: str, severity: str, calendar: str) -> Target:
    unit = draw(st.sampled_from(list(Unit)))
    agreed = draw(st.integers(0, 5)) == 0
    amount = None if agreed else draw(amounts)
    if unit is Unit.BUSINESS_DAYS and amount is not None:
        amount = float(max(1, round(amount)))
    warning = None
    if amount is not None:
        warning = amount * draw(st.floats(0.05, 0.95))
    elif draw(st.booleans()):
        warning = draw(amounts)
    return Target(metric, severity, unit, amount, calendar, draw(st.booleans()), warning)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    calendar_keys = draw(st.lists(keys, min_size=1, max_size=3, unique=True))
    specs = {key: draw(calendars(key)) for key in calendar_keys}
    severities = tuple(
        Severity(key, draw(texts), draw(texts), tuple(draw(st.lists(texts, max_size=2))),
                 tuple(draw(st.lists(st.sampled_from(CHANNELS), max_size=2))),
                 draw(st.none() | amounts))
        for key in draw(st.lists(keys, min_size=1, max_size=3, unique=True)))
    tiers = tuple(Tier(key, draw(texts), draw(st.just("") | texts))
                  for key in draw(st.lists(keys, min_size=1, max_size=3, unique=True)))
    metrics = tuple(
        Metric(key, draw(texts), draw(st.just("") | texts),
               draw(st.sampled_from(list(ClockStart))), draw(st.booleans()))
        for key in draw(st.lists(st.sampled_from(["response", "workaround", "resolution"]),
                                 min_size=1, unique=True)))
    pairs = draw(st.lists(st.tuples(st.sampled_from(metrics), st.sampled_from(severities)),
                          min_size=1, max_size=6, unique=True))
    goal_list = tuple(
        Goal(draw(keys), draw(texts), draw(st.floats(0.1, 100)),
             draw(st.none() | st.sampled_from([m.key for m in metrics])),
             draw(st.none() | st.sampled_from([s.key for s in severities])),
             draw(st.none() | st.sampled_from([t.key for t in tiers])) if tiers else None,
             (2.0, Unit.BUSINESS_DAYS, calendar_keys[0]) if draw(st.booleans()) else None,
             draw(st.none() | amounts))
        for _ in range(draw(st.integers(0, 2))))
    return Agreement(
        vendor=draw(vendors), name=draw(texts), version=draw(texts),
        products=tuple(draw(st.lists(texts, max_size=2))),
        contacts=tuple(Contact(draw(st.sampled_from(CHANNELS)), draw(texts),
                               draw(st.just("") | texts))
                       for _ in range(draw(st.integers(0, 2)))),
        calendars=specs, severities=severities, tiers=tiers, metrics=metrics,
        targets=tuple(draw(targets(metric.key, severity.key,
                                   draw(st.sampled_from(calendar_keys))))
                      for metric, severity in pairs),
        goals=goal_list,
        in_scope=tuple(draw(st.lists(texts, max_size=2))),
        out_of_scope=tuple(draw(st.lists(texts, max_size=2))),
        notes=tuple(draw(st.lists(texts, max_size=2))),
    )


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_a_written_agreement_reads_back_the_same(agreement: Agreement) -> None:
    text = write_agreement(agreement)
    assert parse_agreement(text, "exported.toml") == agreement
    # And from the tables an editor holds, without the text.
    checked = check_agreement(agreement_data(agreement), "editor")
    assert checked.agreement == agreement and checked.ok


@pytest.mark.parametrize("vendor", ["maqsu", "magaya", "acelynk", "catapult"])
def test_the_shipped_agreements_read_back_the_same(vendor: str) -> None:
    shipped = shipped_agreements()[vendor]
    again = parse_agreement(write_agreement(shipped), f"{vendor}.toml")
    assert again == shipped
    assert write_agreement(again) == write_agreement(shipped)  # a fixed point
    assert tomllib.loads(write_agreement(shipped))["vendor"] == vendor


def test_the_source_of_an_agreement_from_tables_is_the_written_file() -> None:
    shipped = shipped_agreements()["acelynk"]
    checked = check_agreement(agreement_data(shipped), "editor")
    assert checked.agreement is not None
    assert checked.agreement.source == write_agreement(shipped)
