"""Due times of an agreement's targets: which calendar, from which start, by how much."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from deskapp.core.agreement import SITE, Agreement, CalendarSpec, ClockStart, Target, Unit
from deskapp.core.calendar import (
    Calendar,
    CalendarRules,
    ExplanationStep,
)
from deskapp.core.errors import InputError
from deskapp.core.holiday_countries import country_holidays


class SlaError(InputError):
    """A due time that cannot be given, with what is wrong and what was expected."""


@dataclass(frozen=True)
class Site:
    """The client site: its zone and holiday country, for calendars that follow the site."""

    zone: str
    country: str | None  # None: no public holidays known for the site


def _country_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    found: Any = country_holidays(country, subdiv=subdivision, years=year)
    return dict(found.items())


def _holiday_data_until(country: str) -> int | None:
    """The last year the holidays package has rules for this country."""
    end_year = getattr(country_holidays(country).__class__, "end_year", None)
    return int(end_year) if end_year is not None else None


class CalendarBook:
    """Calendars built once per (agreement calendar, zone, country) and shared."""

    def __init__(self, *, first_year: int | None = None) -> None:
        self._calendars: dict[tuple[CalendarSpec, str, str | None], Calendar] = {}
        self._by_identity: dict[tuple[int, str, str | None], tuple[CalendarSpec, Calendar]] = {}
        self._data_until: dict[str, int | None] = {}
        self._lock = threading.Lock()
        self._first_year = first_year
        self._targets: dict[tuple[int, str, str, str | None],
                            tuple[Agreement, tuple[tuple[Target, Calendar], ...]]] = {}

    def calendar(self, spec: CalendarSpec, site: Site) -> Calendar:
        # Hashing a whole CalendarSpec costs more than the arithmetic that follows, so the
        # same spec object with the same site is remembered by identity first (the spec is
        # kept alive by the entry, so its id cannot be reused).
        quick = (id(spec), site.zone, site.country)
        seen = self._by_identity.get(quick)
        if seen is not None:
            return seen[1]
        zone = site.zone if spec.zone == SITE else spec.zone
        country = site.country if spec.holiday_country == SITE else spec.holiday_country
        key = (spec, zone, country)
        found = self._calendars.get(key)
        if found is not None:
            self._by_identity[quick] = (spec, found)
            return found
        with self._lock:
            found = self._calendars.get(key)
            if found is None:
                found = Calendar(self._rules(spec, zone, country), first_year=self._first_year)
                self._calendars[key] = found
            return found

    def targets(self, agreement: Agreement, severity: str, site: Site
                ) -> tuple[tuple[Target, Calendar], ...]:
        """The agreement's targets at ``severity``, each with its calendar at ``site``.

        Remembered by the agreement's identity (kept alive by the entry), as ``calendar``
        does: every incident's clocks ask for them.
        """
        quick = (id(agreement), severity, site.zone, site.country)
        seen = self._targets.get(quick)
        if seen is None:
            seen = (agreement, tuple((target, self.calendar(agreement.calendars[target.calendar],
                                                            site))
                                     for target in agreement.targets_for(severity)))
            self._targets[quick] = seen
        return seen[1]

    def _rules(self, spec: CalendarSpec, zone: str, country: str | None) -> CalendarRules:
        source = None
        until = None
        if country is not None:
            source = partial(_country_holidays, country, spec.holiday_subdivision)
            if country not in self._data_until:
                self._data_until[country] = _holiday_data_until(country)
            until = self._data_until[country]
        return CalendarRules(
            zone=zone,
            weekly=spec.weekly,
            always_open=spec.always_open,
            holiday_kind=spec.holiday_kind,
            holiday_source=source,
            holiday_label=country or "",
            added_holidays=spec.added_holidays,
            removed_holidays=spec.removed_holidays,
            holiday_data_until=until,
        )


@dataclass(frozen=True, slots=True)
class DueTime:
    """One target's due instant from a clock start, with the calendar that decided it."""

    agreement: Agreement
    target: Target
    calendar: Calendar
    start: datetime
    due: datetime  # UTC

    @property
    def effective_start(self) -> datetime:
        """The first open instant at or after the start (the start itself in elapsed time)."""
        if self.target.unit is Unit.CALENDAR_HOURS:
            return self.start.astimezone(UTC)
        return self.calendar.effective_start(self.start)

    @property
    def zone_name(self) -> str:
        return self.calendar.rules.zone

    def remaining(self, now: datetime) -> float:
        """Business seconds left at ``now``; negative once overdue."""
        return time_left(self.target, self.calendar, self.due, now)

    def explain(self) -> list[ExplanationStep]:
        """From the clock start, so days skipped before the first open minute are named."""
        if self.target.unit is Unit.CALENDAR_HOURS:
            return []
        return self.calendar.explain(self.start, self.due)

    def holiday_warning(self) -> str | None:
        return self.calendar.holiday_data_warning(self.start, self.due)


def target_time_between(target: Target, calendar: Calendar, start: datetime, end: datetime
                        ) -> float:
    """How much of the target's time passes from ``start`` to ``end`` (negative if earlier)."""
    if target.unit is Unit.CALENDAR_HOURS:
        return (end - start).total_seconds()
    return calendar.business_seconds_between(start, end)


def time_left(target: Target, calendar: Calendar, due: datetime, now: datetime) -> float:
    return target_time_between(target, calendar, now, due)


def add_target_time(target: Target, calendar: Calendar, start: datetime, amount: float
                    ) -> datetime:
    """``start`` plus ``amount`` of the target's unit, in the target's calendar."""
    if target.unit is Unit.CALENDAR_HOURS:
        return start.astimezone(UTC) + timedelta(hours=amount)
    if target.unit is Unit.BUSINESS_HOURS:
        return calendar.add_business_seconds(start, amount * 3600)
    return calendar.add_business_days(start, int(amount))


def add_target_time_ts(target: Target, calendar: Calendar, start: float, amount: float
                       ) -> float:
    """``add_target_time`` on UTC timestamps: for the thousands of tickets of a report."""
    if target.unit is Unit.CALENDAR_HOURS:
        return start + amount * 3600
    if target.unit is Unit.BUSINESS_HOURS:
        return calendar.add_seconds_ts(start, amount * 3600)
    return calendar.add_business_days_ts(start, int(amount))


def target_calendar(agreement: Agreement, target: Target, site: Site, book: CalendarBook
                    ) -> Calendar:
    return book.calendar(agreement.calendars[target.calendar], site)


def timed_target(agreement: Agreement, metric: str, severity: str, site: Site,
                 book: CalendarBook) -> tuple[Target, Calendar]:
    """The target with a default amount for ``metric`` at ``severity``, and its calendar."""
    target = agreement.target(metric, severity)
    if target.amount is None:
        raise SlaError(
            f"{agreement.name} severity {severity} {metric} has no default target: "
            "the due date is agreed per incident"
        )
    return target, target_calendar(agreement, target, site, book)


def due_time(agreement: Agreement, metric: str, severity: str, start: datetime, site: Site,
             book: CalendarBook) -> DueTime:
    """When ``metric`` at ``severity`` is due for a clock started at ``start``."""
    target, calendar = timed_target(agreement, metric, severity, site, book)
    return due_from(agreement, target, calendar, start)


def due_from(agreement: Agreement, target: Target, calendar: Calendar, start: datetime
             ) -> DueTime:
    assert target.amount is not None
    due = add_target_time(target, calendar, start, target.amount)
    return DueTime(agreement, target, calendar, start, due)


def documents_reminder_at(agreement: Agreement, severity: str, site: Site, book: CalendarBook,
                          reported: datetime, after_seconds: float
                          ) -> tuple[str, datetime] | None:
    """When to remind the assignee that an incident still waits for its documentation:
    ``after_seconds`` of business time after it was reported, in the calendar of its first
    target that waits for the documents (with that target's metric); None when none waits."""
    for target in agreement.targets_for(severity):
        if agreement.metric(target.metric).clock_start is ClockStart.DOCUMENTATION_COMPLETE:
            calendar = target_calendar(agreement, target, site, book)
            if target.unit is Unit.CALENDAR_HOURS:
                return target.metric, reported.astimezone(UTC) + timedelta(
                    seconds=after_seconds)
            return target.metric, calendar.add_business_seconds(
                calendar.effective_start(reported), after_seconds)
    return None
