"""A vendor's support agreement: calendars, severities, tiers, targets, goals and scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from deskapp.core.calendar import HolidayKind, OpenInterval
from deskapp.core.errors import InputError
from deskapp.core.wording import plural

SITE = "site"
"""Zone or holiday country of a calendar that follows the incident's client site."""


class Unit(StrEnum):
    CALENDAR_HOURS = "calendar hours"
    BUSINESS_HOURS = "business hours"
    BUSINESS_DAYS = "business days"


class ClockStart(StrEnum):
    LOGGED = "logged"
    DOCUMENTATION_COMPLETE = "documentation complete"


@dataclass(frozen=True)
class CalendarSpec:
    """A calendar as an agreement words it; the zone or country may be ``SITE``."""

    key: str
    name: str
    zone: str
    weekly: tuple[tuple[OpenInterval, ...], ...]
    always_open: bool = False
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    holiday_kind: HolidayKind = HolidayKind.CLOSED
    added_holidays: tuple[tuple[date, str], ...] = ()
    removed_holidays: frozenset[date] = frozenset()

    @property
    def follows_site(self) -> bool:
        return SITE in (self.zone, self.holiday_country)

    def describe_hours(self) -> str:
        if self.always_open:
            return "24x7"
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        parts = []
        first = 0
        for day in range(1, 8):  # group runs of weekdays with the same hours: "Mon-Fri 07:00-20:00"
            if day < 7 and self.weekly[day] == self.weekly[first]:
                continue
            if self.weekly[first]:
                names = days[first] if day - 1 == first else f"{days[first]}-{days[day - 1]}"
                parts.append(f"{names} " + ", ".join(str(i) for i in self.weekly[first]))
            first = day
        return "; ".join(parts)

    def describe_holidays(self) -> str:
        if self.holiday_country is None:
            return "none" if not self.added_holidays else f"{len(self.added_holidays)} by hand"
        country = "client site's" if self.holiday_country == SITE else self.holiday_country
        text = f"{country} public holidays, {self.holiday_kind.value}"
        if self.added_holidays or self.removed_holidays:
            text += f" (+{len(self.added_holidays)} / -{len(self.removed_holidays)} by hand)"
        return text


@dataclass(frozen=True)
class Severity:
    key: str
    name: str
    definition: str
    examples: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # how the vendor wants this severity reported
    filing_deadline_hours: float | None = None  # this severity when a filing is due this soon


@dataclass(frozen=True)
class Tier:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    description: str
    clock_start: ClockStart = ClockStart.LOGGED
    per_update: bool = False  # every customer update opens a new cycle (Magaya response)


@dataclass(frozen=True)
class Target:
    """How long the vendor has for one metric at one severity."""

    metric: str
    severity: str
    unit: Unit
    amount: float | None  # None: a due date agreed per incident
    calendar: str
    pausable: bool
    warning_after: float | None  # in ``unit``; when the countdown turns to a warning

    @property
    def agreed_per_incident(self) -> bool:
        return self.amount is None

    def describe(self) -> str:
        if self.amount is None:
            return "due date agreed per incident"
        return plural(self.amount, self.unit.value[:-1])  # "1 business hour"


@dataclass(frozen=True)
class Goal:
    """An aggregate goal reported per vendor per period (e.g. 95 % of critical responses)."""

    key: str
    description: str
    percent: float
    metric: str | None = None
    severity: str | None = None
    tier: str | None = None
    within: tuple[float, Unit, str] | None = None  # amount, unit, calendar key
    max_downtime_minutes: float | None = None


@dataclass(frozen=True)
class Contact:
    channel: str  # phone, email, portal, pageone
    value: str
    note: str = ""


@dataclass(frozen=True)
class Agreement:
    vendor: str
    name: str
    version: str
    products: tuple[str, ...]
    contacts: tuple[Contact, ...]
    calendars: dict[str, CalendarSpec]
    severities: tuple[Severity, ...]
    tiers: tuple[Tier, ...]
    metrics: tuple[Metric, ...]
    targets: tuple[Target, ...]
    goals: tuple[Goal, ...] = ()
    in_scope: tuple[str, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The agreement file's text, kept so a stored version can be reread; two texts that
    # say the same (comments, order, spacing apart) are the same agreement.
    source: str = field(default="", compare=False)

    def __hash__(self) -> int:
        return hash((self.vendor, self.version))

    def severity(self, key: str) -> Severity:
        for severity in self.severities:
            if severity.key == key:
                return severity
        known = ", ".join(s.key for s in self.severities)
        raise UnknownKeyError(f"{self.name} has no severity {key!r}; expected one of: {known}")

    def metric(self, key: str) -> Metric:
        for metric in self.metrics:
            if metric.key == key:
                return metric
        known = ", ".join(m.key for m in self.metrics)
        raise UnknownKeyError(f"{self.name} has no metric {key!r}; expected one of: {known}")

    def tier(self, key: str) -> Tier:
        for tier in self.tiers:
            if tier.key == key:
                return tier
        known = ", ".join(t.key for t in self.tiers)
        raise UnknownKeyError(f"{self.name} has no tier {key!r}; expected one of: {known}")

    def target(self, metric: str, severity: str) -> Target:
        self.severity(severity)
        self.metric(metric)
        for target in self.targets:
            if target.metric == metric and target.severity == severity:
                return target
        raise UnknownKeyError(
            f"{self.name} has no {metric} target for severity {severity}"
        )

    def targets_for(self, severity: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.severity == severity)

    def contact(self, channel: str) -> Contact | None:
        return next((c for c in self.contacts if c.channel == channel), None)


class UnknownKeyError(InputError):
    """A vendor, severity, metric or tier the agreement does not define."""
