"""The calendar linter: what an agreement that loads may still get wrong (holiday data that
ends too soon, a week without open time, targets no incident lives to see, a warning point
after its target, a zone abbreviation that contradicts the zone)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskapp.core.agreement import SITE, Agreement, CalendarSpec, Target, Unit
from deskapp.core.agreement_check import Finding, Level
from deskapp.core.calendar import Calendar
from deskapp.core.sla import CalendarBook, Site

# Longer than this, a target outlives every incident a desk keeps open.
LONGEST_LIFE = timedelta(days=366)
# How far ahead a week without open time is looked for.
LOOK_AHEAD = timedelta(days=366)

# What people mean by a zone abbreviation or name in a calendar's name: its UTC offsets in
# hours (the readings deskapp uses elsewhere: "CST" is US Central, "PST" is US Pacific).
ABBREVIATIONS: dict[str, frozenset[float]] = {
    "UTC": frozenset({0}), "GMT": frozenset({0}), "WET": frozenset({0}),
    "BST": frozenset({1}), "CET": frozenset({1}), "CEST": frozenset({2}),
    "EET": frozenset({2}), "EEST": frozenset({3}),
    "EST": frozenset({-5}), "EDT": frozenset({-4}), "ET": frozenset({-5, -4}),
    "CST": frozenset({-6}), "CDT": frozenset({-5}), "CT": frozenset({-6, -5}),
    "MST": frozenset({-7}), "MDT": frozenset({-6}), "MT": frozenset({-7, -6}),
    "PST": frozenset({-8}), "PDT": frozenset({-7}), "PT": frozenset({-8, -7}),
    "AKST": frozenset({-9}), "AKDT": frozenset({-8}), "HST": frozenset({-10}),
    "IST": frozenset({5.5}), "SGT": frozenset({8}), "PHT": frozenset({8}),
    "HKT": frozenset({8}), "JST": frozenset({9}), "KST": frozenset({9}),
    "AEST": frozenset({10}), "AEDT": frozenset({11}), "NZST": frozenset({12}),
    "NZDT": frozenset({13}),
    "Eastern Time": frozenset({-5, -4}), "Central Time": frozenset({-6, -5}),
    "Mountain Time": frozenset({-7, -6}), "Pacific Time": frozenset({-8, -7}),
}
_ABBREVIATION = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")\b")


def lint_agreement(agreement: Agreement, source: str, today: date) -> list[Finding]:
    """Every finding of the linter, errors first; each says whether it is an error (the
    agreement cannot be stored) or a warning."""
    found = [*_warning_points(agreement, source), *_zone_names(agreement, source),
             *_lifetimes(agreement, source), *_holiday_data(agreement, source, today),
             *_closed_weeks(agreement, source, today)]
    return sorted(found, key=lambda f: f.level is not Level.ERROR)


def _warning_points(agreement: Agreement, source: str) -> Iterator[Finding]:
    for index, target in enumerate(agreement.targets):
        if (target.amount is not None and target.warning_after is not None
                and target.warning_after >= target.amount):
            yield Finding(Level.ERROR, source, f"targets[{index}].warning_after",
                          f"the warning point ({target.warning_after:g}) is not before the "
                          f"target ({target.amount:g} {target.unit.value})")


def _zone_names(agreement: Agreement, source: str) -> Iterator[Finding]:
    for spec in agreement.calendars.values():
        if spec.zone == SITE:
            continue
        offsets = zone_offsets(spec.zone)
        for match in _ABBREVIATION.finditer(spec.name):
            meant = ABBREVIATIONS[match.group(1)]
            if not meant & offsets:
                yield Finding(
                    Level.WARNING, source, f"calendars.{spec.key}.name",
                    f"{match.group(1)!r} in the name means UTC{_hours(min(meant))}, but the "
                    f"zone {spec.zone} is UTC{'/'.join(_hours(o) for o in sorted(offsets))}; "
                    "fix the zone or the name")


def zone_offsets(zone: str, year: int = 2026) -> frozenset[float]:
    """The UTC offsets (hours) a zone keeps in a year, winter and summer."""
    found = set()
    for month in (1, 7):
        offset = datetime(year, month, 1, tzinfo=ZoneInfo(zone)).utcoffset()
        assert offset is not None
        found.add(offset.total_seconds() / 3600)
    return frozenset(found)


def _hours(offset: float) -> str:
    sign = "+" if offset >= 0 else "-"
    whole, part = divmod(abs(offset) * 60, 60)
    return f"{sign}{int(whole):02d}:{int(part):02d}"


def reach(target: Target, spec: CalendarSpec) -> timedelta | None:
    """About how much elapsed time a target spans (None: agreed per incident): business
    time spread over the calendar's open time of a week."""
    if target.amount is None:
        return None
    if target.unit is Unit.CALENDAR_HOURS or spec.always_open:
        hours = target.amount if target.unit is not Unit.BUSINESS_DAYS else target.amount * 24
        return timedelta(hours=hours)
    open_days = sum(1 for day in spec.weekly if day) or 1
    if target.unit is Unit.BUSINESS_DAYS:
        return timedelta(days=target.amount * 7 / open_days)
    weekly_hours = sum(i.end - i.start for day in spec.weekly for i in day) / 60 or 1
    return timedelta(weeks=target.amount / weekly_hours)


def _lifetimes(agreement: Agreement, source: str) -> Iterator[Finding]:
    for index, target in enumerate(agreement.targets):
        span = reach(target, agreement.calendars[target.calendar])
        if span is not None and span > LONGEST_LIFE:
            yield Finding(Level.WARNING, source, f"targets[{index}].amount",
                          f"{target.describe()} in calendar {target.calendar} spans about "
                          f"{span.days} days; no incident stays open that long (a unit "
                          "mistaken, hours for days?)")


def _holiday_data(agreement: Agreement, source: str, today: date) -> Iterator[Finding]:
    book = CalendarBook(first_year=today.year)
    for spec in agreement.calendars.values():
        country = spec.holiday_country
        if country is None or country == SITE:
            continue
        spans = [s for t in agreement.targets if t.calendar == spec.key
                 if (s := reach(t, spec)) is not None]
        if not spans:
            continue
        reached = today + max(spans)
        until = book.calendar(spec, Site("UTC", None)).rules.holiday_data_until
        if until is not None and reached.year > until:
            yield Finding(Level.WARNING, source, f"calendars.{spec.key}.holidays.country",
                          f"the holidays package has {country} holidays until {until}, but "
                          f"targets in this calendar reach {reached.year}; add that year's "
                          "holidays by hand or update the holidays package")


def _closed_weeks(agreement: Agreement, source: str, today: date) -> Iterator[Finding]:
    book = CalendarBook(first_year=today.year)
    start = datetime.combine(today, time(), UTC)
    for spec in agreement.calendars.values():
        if spec.always_open:
            continue
        calendar = book.calendar(spec, Site("UTC", None))
        gap = longest_closed(calendar, start, start + LOOK_AHEAD)
        if gap is not None and gap[1] - gap[0] >= timedelta(days=7):
            zone = calendar.zone
            yield Finding(Level.WARNING, source, f"calendars.{spec.key}",
                          f"no open time from {gap[0].astimezone(zone):%Y-%m-%d %H:%M} to "
                          f"{gap[1].astimezone(zone):%Y-%m-%d %H:%M}: a week or more in "
                          "which no target moves")


def open_time(calendar: Calendar, start: datetime, end: datetime
              ) -> list[tuple[datetime, datetime]]:
    """The calendar's open intervals between two instants (UTC), as a bar chart draws them."""
    return [(step.start, step.end) for step in calendar.explain(start, end)
            if step.start is not None and step.end is not None]


def longest_closed(calendar: Calendar, start: datetime, end: datetime
                   ) -> tuple[datetime, datetime] | None:
    """The longest stretch between two instants without open time."""
    edges = [start.astimezone(UTC)]
    for opened, closed in open_time(calendar, start, end):
        edges.extend((opened, closed))
    edges.append(end.astimezone(UTC))
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None
