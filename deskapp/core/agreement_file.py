"""Reading and validating an agreement file (TOML) into an ``Agreement``."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Collection, Iterator, Mapping
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
from deskapp.core.calendar import HolidayKind
from deskapp.core.errors import InputError
from deskapp.core.holiday_countries import country_holidays
from deskapp.core.open_hours import MINUTES_PER_DAY, OpenInterval, parse_interval

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNELS = ("phone", "email", "portal", "pageone")
DEFAULT_WARNING_FRACTION = 0.75


class AgreementError(InputError):
    """An agreement file that cannot be used, naming the file, the key and what is wrong."""

    def __init__(self, source: str, key: str, message: str) -> None:
        super().__init__(f"{source}: {key}: {message}")
        self.source = source
        self.key = key
        self.message = message


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@cache
def country_subdivisions(code: str) -> tuple[str, ...] | None:
    """The subdivisions the holidays package knows for a country; None for an unknown code.

    Asks for the one country only: listing every supported country imports them all.
    """
    if not code.isascii() or not code.isalpha() or not code.isupper():
        return None
    try:
        found = country_holidays(code)
    except NotImplementedError:
        return None
    return tuple(found.subdivisions)


def is_known_country(code: str) -> bool:
    return country_subdivisions(code) is not None


class _Reader:
    """Typed access to the parsed TOML that reports errors with their full key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> AgreementError:
        return AgreementError(self.source, key, message)

    def table(self, data: dict[str, Any], key: str, path: str, *, required: bool = True
              ) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if not required:
                return {}
            raise self.fail(_join(path, key), "is missing; expected a table")
        if not isinstance(value, dict):
            raise self.fail(_join(path, key), "expected a table")
        return value

    def array(self, data: dict[str, Any], key: str, path: str, *, required: bool = False
              ) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(_join(path, key), "is missing")
            return []
        if not isinstance(value, list):
            raise self.fail(_join(path, key), "expected a list")
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, default: str | None = None
             ) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.fail(_join(path, key), "is missing")
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(_join(path, key), "expected a non-empty string")
        return value.strip()

    def texts(self, data: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.array(data, key, path)
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{_join(path, key)}[{index}]", "expected a non-empty string")
        return tuple(v.strip() for v in values)

    def number(self, data: dict[str, Any], key: str, path: str, *, positive: bool = True
               ) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(_join(path, key), "expected a number")
        if positive and not value > 0:
            raise self.fail(_join(path, key), f"expected a number above 0, not {value}")
        try:
            number = float(value)
        except OverflowError:
            raise self.fail(_join(path, key), "is too large; expected a finite number") from None
        if not math.isfinite(number):
            raise self.fail(_join(path, key), f"expected a finite number, not {number}")
        return number

    def flag(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), "expected true or false")
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, options: tuple[str, ...],
               default: str | None = None) -> str:
        value = self.text(data, key, path, default=default)
        if value not in options:
            raise self.fail(
                _join(path, key), f"{value!r} is not one of: {', '.join(options)}"
            )
        return value

    def unknown_keys(self, data: dict[str, Any], path: str, allowed: Collection[str]) -> None:
        for key in data:
            if key not in allowed:
                shown = allowed if isinstance(allowed, tuple) else sorted(allowed)
                raise self.fail(
                    _join(path, key), f"is not a known setting; expected one of: {', '.join(shown)}"
                )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_agreement(path: Path) -> Agreement:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise AgreementError(
            str(path), "(file)",
            f"is not UTF-8 text (byte {error.start}); expected a file saved as UTF-8",
        ) from error
    except OSError as error:
        raise AgreementError(str(path), "(file)", f"cannot be read: {error}") from error
    return parse_agreement(text, path.name)


def load_agreements(folder: Path) -> dict[str, Agreement]:
    """Every ``*.toml`` in ``folder``, by vendor key; two files for one vendor is an error."""
    agreements: dict[str, Agreement] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        agreement = load_agreement(path)
        if agreement.vendor in agreements:
            raise AgreementError(
                path.name, "vendor",
                f"{agreement.vendor!r} is defined twice; also in {files[agreement.vendor]}",
            )
        agreements[agreement.vendor] = agreement
        files[agreement.vendor] = path.name
    return agreements


def parse_agreement(text: str, source: str) -> Agreement:
    """Validate an agreement file's text; every problem names ``source`` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgreementError(source, "(file)", f"is not valid TOML: {error}") from error
    return parse_agreement_data(data, source, text)


def parse_agreement_data(data: Mapping[str, Any], source: str, text: str = "") -> Agreement:
    """Validate an agreement's tables as TOML reads them (``text``: the file they came
    from, kept as the agreement's source); the same messages as for a file."""
    reader = _Reader(source)
    if not isinstance(data, Mapping):
        raise reader.fail("(file)", "expected a table of settings")
    data = dict(data)
    reader.unknown_keys(data, "", {
        "vendor", "name", "version", "products", "contacts", "calendars", "severities",
        "tiers", "metrics", "targets", "goals", "scope", "notes", "warning_fraction",
    })
    vendor = reader.text(data, "vendor", "")
    if (not vendor.isascii() or not vendor.replace("-", "").isalnum()
            or vendor != vendor.lower()):
        raise reader.fail("vendor", f"{vendor!r} must be lower-case letters, digits or '-'")
    fraction = data.get("warning_fraction", DEFAULT_WARNING_FRACTION)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
        0 < fraction < 1
    ):
        raise reader.fail("warning_fraction", "expected a number between 0 and 1")

    calendars = {
        key: _calendar(reader, key, value)
        for key, value in reader.table(data, "calendars", "").items()
    }
    if not calendars:
        raise reader.fail("calendars", "an agreement needs at least one calendar")
    severities = tuple(_keyed(reader, data, "severities", _severity))
    tiers = tuple(_keyed(reader, data, "tiers", _tier))
    metrics = tuple(
        _metric(reader, key, value) for key, value in reader.table(data, "metrics", "").items()
    )
    if not severities:
        raise reader.fail("severities", "an agreement needs at least one severity")
    targets = tuple(
        _target(reader, index, value, calendars, severities, metrics, float(fraction))
        for index, value in enumerate(reader.array(data, "targets", "", required=True))
    )
    seen: set[tuple[str, str]] = set()
    for index, target in enumerate(targets):
        if (target.metric, target.severity) in seen:
            raise reader.fail(
                f"targets[{index}]",
                f"a second {target.metric} target for severity {target.severity}",
            )
        seen.add((target.metric, target.severity))
    goals = tuple(
        _goal(reader, index, value, calendars, severities, metrics, tiers)
        for index, value in enumerate(reader.array(data, "goals", ""))
    )
    scope = reader.table(data, "scope", "", required=False)
    reader.unknown_keys(scope, "scope", {"in", "out"})
    contacts = tuple(
        _contact(reader, index, value)
        for index, value in enumerate(reader.array(data, "contacts", ""))
    )
    return Agreement(
        vendor=vendor,
        name=reader.text(data, "name", ""),
        version=reader.text(data, "version", ""),
        products=reader.texts(data, "products", ""),
        contacts=contacts,
        calendars=calendars,
        severities=severities,
        tiers=tiers,
        metrics=metrics,
        targets=targets,
        goals=goals,
        in_scope=reader.texts(scope, "in", "scope"),
        out_of_scope=reader.texts(scope, "out", "scope"),
        notes=reader.texts(data, "notes", ""),
        source=text,
    )


def _keyed(reader: _Reader, data: dict[str, Any], name: str, build: Any) -> Iterator[Any]:
    seen: set[str] = set()
    for index, value in enumerate(reader.array(data, name, "", required=True)):
        path = f"{name}[{index}]"
        if not isinstance(value, dict):
            raise reader.fail(path, "expected a table")
        item = build(reader, path, value)
        if item.key in seen:
            raise reader.fail(f"{path}.key", f"{item.key!r} is defined twice")
        seen.add(item.key)
        yield item


def _calendar(reader: _Reader, key: str, data: Any) -> CalendarSpec:
    path = f"calendars.{key}"
    if not isinstance(data, dict):
        raise reader.fail(path, "expected a table")
    reader.unknown_keys(data, path, {"name", "zone", "hours", "always_open", "holidays"})
    zone = reader.text(data, "zone", path)
    if zone != SITE and not is_known_zone(zone):
        raise reader.fail(
            f"{path}.zone",
            f"unknown time zone {zone!r}; expected an IANA name such as America/New_York, "
            f"or {SITE!r}",
        )
    always_open = reader.flag(data, "always_open", path, False)
    if not always_open and "hours" not in data:
        raise reader.fail(
            f"{path}.hours", "is missing; expected open hours per weekday, or always_open = true"
        )
    hours = reader.table(data, "hours", path, required=False)
    if always_open and hours:
        raise reader.fail(f"{path}.hours", "a 24x7 calendar (always_open) takes no hours")
    reader.unknown_keys(hours, f"{path}.hours", WEEKDAYS)
    weekly: list[tuple[OpenInterval, ...]] = []
    for day in WEEKDAYS:
        intervals = []
        for index, text in enumerate(reader.texts(hours, day, f"{path}.hours")):
            try:
                if not text.isascii():  # int() reads other scripts' digits, or fails oddly
                    raise ValueError(f"{text!r} is not an interval; expected HH:MM-HH:MM")
                intervals.append(parse_interval(text))
            except ValueError as error:
                raise reader.fail(f"{path}.hours.{day}[{index}]", str(error)) from error
        intervals.sort()
        for before, after in pairwise(intervals):
            if after.start < before.end:
                raise reader.fail(
                    f"{path}.hours.{day}", f"intervals {before} and {after} overlap"
                )
        weekly.append(tuple(intervals))
    for number, day in enumerate(WEEKDAYS):  # an overnight interval runs into the next day
        last, following = weekly[number][-1:], weekly[(number + 1) % 7][:1]
        if last and following and following[0].start < last[0].end - MINUTES_PER_DAY:
            raise reader.fail(
                f"{path}.hours.{day}",
                f"overnight interval {last[0]} and {WEEKDAYS[(number + 1) % 7]} "
                f"{following[0]} overlap",
            )
    if not always_open and not any(weekly):
        raise reader.fail(f"{path}.hours", "no open hours on any weekday")

    holidays = reader.table(data, "holidays", path, required=False)
    hpath = f"{path}.holidays"
    reader.unknown_keys(holidays, hpath, {"country", "subdivision", "kind", "add", "remove"})
    country = holidays.get("country")
    subdivision = holidays.get("subdivision")
    if country is not None:
        country = reader.text(holidays, "country", hpath)
        if country != SITE and not is_known_country(country):
            raise reader.fail(
                f"{hpath}.country",
                f"unknown country code {country!r}; expected an ISO code such as US, or {SITE!r}",
            )
        if subdivision is not None:
            subdivision = reader.text(holidays, "subdivision", hpath)
            if country == SITE:
                raise reader.fail(
                    f"{hpath}.subdivision",
                    "a calendar that follows the client site's holidays takes no subdivision",
                )
            supported = country_subdivisions(country) or ()
            if subdivision not in supported:
                expected = f"one of: {', '.join(supported)}" if supported else "none"
                raise reader.fail(
                    f"{hpath}.subdivision",
                    f"{subdivision!r} is not a subdivision of {country}; expected {expected}",
                )
    elif subdivision is not None:
        raise reader.fail(f"{hpath}.subdivision", "needs a country")
    kind = HolidayKind(
        reader.choice(holidays, "kind", hpath, tuple(k.value for k in HolidayKind), "closed")
    )
    added = []
    for index, entry in enumerate(reader.array(holidays, "add", hpath)):
        epath = f"{hpath}.add[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(epath, 'expected a table like { date = 2026-12-24, name = "..." }')
        reader.unknown_keys(entry, epath, {"date", "name"})
        added.append((_date(reader, entry.get("date"), f"{epath}.date"),
                      reader.text(entry, "name", epath)))
    removed = frozenset(
        _date(reader, value, f"{hpath}.remove[{index}]")
        for index, value in enumerate(reader.array(holidays, "remove", hpath))
    )
    return CalendarSpec(
        key=key,
        name=reader.text(data, "name", path, default=key),
        zone=zone,
        weekly=tuple(weekly),
        always_open=always_open,
        holiday_country=country,
        holiday_subdivision=subdivision,
        holiday_kind=kind,
        added_holidays=tuple(sorted(added)),
        removed_holidays=removed,
    )


def _date(reader: _Reader, value: Any, path: str) -> date:
    if value is None:
        raise reader.fail(path, "is missing; expected a date YYYY-MM-DD")
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise reader.fail(path, f"{value!r} is not a date; expected YYYY-MM-DD")


def _severity(reader: _Reader, path: str, data: dict[str, Any]) -> Severity:
    reader.unknown_keys(data, path, {
        "key", "name", "definition", "examples", "channels", "filing_deadline_hours",
    })
    channels = reader.texts(data, "channels", path)
    for index, channel in enumerate(channels):
        if channel not in CHANNELS:
            raise reader.fail(
                f"{path}.channels[{index}]", f"{channel!r} is not one of: {', '.join(CHANNELS)}"
            )
    return Severity(
        key=_key(reader, data, path),
        name=reader.text(data, "name", path),
        definition=reader.text(data, "definition", path),
        examples=reader.texts(data, "examples", path),
        channels=channels,
        filing_deadline_hours=reader.number(data, "filing_deadline_hours", path)
        if "filing_deadline_hours" in data else None,
    )


def _tier(reader: _Reader, path: str, data: dict[str, Any]) -> Tier:
    reader.unknown_keys(data, path, {"key", "name", "description"})
    return Tier(
        key=_key(reader, data, path),
        name=reader.text(data, "name", path),
        description=reader.text(data, "description", path, default=""),
    )


def _key(reader: _Reader, data: dict[str, Any], path: str) -> str:
    value = data.get("key")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise reader.fail(f"{path}.key", "expected a non-empty string")
    return value.strip()


def _metric(reader: _Reader, key: str, data: Any) -> Metric:
    path = f"metrics.{key}"
    if not isinstance(data, dict):
        raise reader.fail(path, "expected a table")
    reader.unknown_keys(data, path, {"name", "description", "clock_start", "per_update"})
    return Metric(
        key=key,
        name=reader.text(data, "name", path),
        description=reader.text(data, "description", path, default=""),
        clock_start=ClockStart(reader.choice(
            data, "clock_start", path, tuple(c.value for c in ClockStart), "logged"
        )),
        per_update=reader.flag(data, "per_update", path, False),
    )


def _reference(reader: _Reader, data: dict[str, Any], key: str, path: str,
               known: list[str] | tuple[str, ...], what: str) -> str:
    value = data.get(key)
    if value is None:
        raise reader.fail(_join(path, key), f"is missing; expected one of: {', '.join(known)}")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value not in known:
        raise reader.fail(
            _join(path, key),
            f"unknown {what} {value!r}; expected one of: {', '.join(known)}",
        )
    return value


def _unit(reader: _Reader, data: dict[str, Any], path: str) -> Unit:
    return Unit(reader.choice(data, "unit", path, tuple(u.value for u in Unit)))


def _target(reader: _Reader, index: int, data: Any, calendars: dict[str, CalendarSpec],
            severities: tuple[Severity, ...], metrics: tuple[Metric, ...],
            fraction: float) -> Target:
    path = f"targets[{index}]"
    if not isinstance(data, dict):
        raise reader.fail(path, "expected a table")
    reader.unknown_keys(data, path, {
        "metric", "severity", "amount", "unit", "calendar", "pausable", "warning_after",
        "agreed_per_incident",
    })
    metric = _reference(reader, data, "metric", path, [m.key for m in metrics], "metric")
    severity = _reference(reader, data, "severity", path, [s.key for s in severities], "severity")
    calendar = _reference(reader, data, "calendar", path, list(calendars), "calendar")
    unit = _unit(reader, data, path)
    agreed = reader.flag(data, "agreed_per_incident", path, False)
    amount: float | None
    if agreed:
        if "amount" in data:
            raise reader.fail(f"{path}.amount", "a target agreed per incident has no amount")
        amount = None
    else:
        amount = reader.number(data, "amount", path)
        if unit is Unit.BUSINESS_DAYS and amount != int(amount):
            raise reader.fail(f"{path}.amount", "business days must be a whole number")
    warning = None
    if "warning_after" in data:
        warning = reader.number(data, "warning_after", path)
        if amount is not None and warning >= amount:
            raise reader.fail(
                f"{path}.warning_after", f"{warning:g} is not before the target of {amount:g}"
            )
    elif amount is not None:
        warning = amount * fraction
    return Target(
        metric=metric,
        severity=severity,
        unit=unit,
        amount=amount,
        calendar=calendar,
        pausable=reader.flag(data, "pausable", path, False),
        warning_after=warning,
    )


def _goal(reader: _Reader, index: int, data: Any, calendars: dict[str, CalendarSpec],
          severities: tuple[Severity, ...], metrics: tuple[Metric, ...],
          tiers: tuple[Tier, ...]) -> Goal:
    path = f"goals[{index}]"
    if not isinstance(data, dict):
        raise reader.fail(path, "expected a table")
    reader.unknown_keys(data, path, {
        "key", "description", "percent", "metric", "severity", "tier", "within",
        "max_downtime_minutes",
    })
    percent = reader.number(data, "percent", path)
    if percent > 100:
        raise reader.fail(f"{path}.percent", f"{percent:g} is above 100")
    within = None
    if "within" in data:
        wpath = f"{path}.within"
        table = reader.table(data, "within", path)
        reader.unknown_keys(table, wpath, {"amount", "unit", "calendar"})
        within = (
            reader.number(table, "amount", wpath),
            _unit(reader, table, wpath),
            _reference(reader, table, "calendar", wpath, list(calendars), "calendar"),
        )
        if within[1] is Unit.BUSINESS_DAYS and within[0] != int(within[0]):
            raise reader.fail(f"{wpath}.amount", "business days must be a whole number")
    return Goal(
        key=reader.text(data, "key", path),
        description=reader.text(data, "description", path),
        percent=percent,
        metric=_reference(reader, data, "metric", path, [m.key for m in metrics], "metric")
        if "metric" in data else None,
        severity=_reference(reader, data, "severity", path, [s.key for s in severities],
                            "severity") if "severity" in data else None,
        tier=_reference(reader, data, "tier", path, [t.key for t in tiers], "tier")
        if "tier" in data else None,
        within=within,
        max_downtime_minutes=reader.number(data, "max_downtime_minutes", path)
        if "max_downtime_minutes" in data else None,
    )


def _contact(reader: _Reader, index: int, data: Any) -> Contact:
    path = f"contacts[{index}]"
    if not isinstance(data, dict):
        raise reader.fail(path, "expected a table")
    reader.unknown_keys(data, path, {"channel", "value", "note"})
    return Contact(
        channel=reader.choice(data, "channel", path, CHANNELS),
        value=reader.text(data, "value", path),
        note=reader.text(data, "note", path, default=""),
    )
