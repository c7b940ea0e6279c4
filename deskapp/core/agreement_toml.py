"""Writing an agreement back as the TOML file its loader reads: export, then import, gives
the same agreement."""

from __future__ import annotations

from typing import Any

import tomli_w

from deskapp.core.agreement import (
    Agreement,
    CalendarSpec,
    ClockStart,
    Contact,
    Goal,
    Metric,
    Severity,
    Target,
    Tier,
)
from deskapp.core.calendar import HolidayKind

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def agreement_data(agreement: Agreement) -> dict[str, Any]:
    """The agreement as the plain tables and lists of its file (what TOML writes)."""
    data: dict[str, Any] = {
        "vendor": agreement.vendor,
        "name": agreement.name,
        "version": agreement.version,
    }
    if agreement.products:
        data["products"] = list(agreement.products)
    if agreement.notes:
        data["notes"] = list(agreement.notes)
    if agreement.contacts:
        data["contacts"] = [_contact(c) for c in agreement.contacts]
    data["calendars"] = {key: _calendar(spec) for key, spec in agreement.calendars.items()}
    data["tiers"] = [_tier(t) for t in agreement.tiers]
    data["severities"] = [_severity(s) for s in agreement.severities]
    if agreement.metrics:
        data["metrics"] = {m.key: _metric(m) for m in agreement.metrics}
    data["targets"] = [_target(t) for t in agreement.targets]
    if agreement.goals:
        data["goals"] = [_goal(g) for g in agreement.goals]
    if agreement.in_scope or agreement.out_of_scope:
        data["scope"] = {"in": list(agreement.in_scope), "out": list(agreement.out_of_scope)}
    return data


def write_agreement(agreement: Agreement) -> str:
    """The agreement's file text (TOML); reading it back gives an equal agreement."""
    return tomli_w.dumps(agreement_data(agreement), multiline_strings=False, indent=2)


def _number(value: float) -> int | float:
    """A whole number written as one (``amount = 4``), as people write them."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _contact(contact: Contact) -> dict[str, Any]:
    found: dict[str, Any] = {"channel": contact.channel, "value": contact.value}
    if contact.note:
        found["note"] = contact.note
    return found


def _calendar(spec: CalendarSpec) -> dict[str, Any]:
    found: dict[str, Any] = {"name": spec.name, "zone": spec.zone}
    if spec.always_open:
        found["always_open"] = True
    else:
        found["hours"] = {day: [str(interval) for interval in intervals]
                          for day, intervals in zip(WEEKDAYS, spec.weekly, strict=True)
                          if intervals}
    holidays: dict[str, Any] = {}
    if spec.holiday_country is not None:
        holidays["country"] = spec.holiday_country
    if spec.holiday_subdivision is not None:
        holidays["subdivision"] = spec.holiday_subdivision
    if holidays or spec.added_holidays or spec.removed_holidays or (
            spec.holiday_kind is not HolidayKind.CLOSED):
        holidays["kind"] = spec.holiday_kind.value
    if spec.added_holidays:
        holidays["add"] = [{"date": day, "name": name} for day, name in spec.added_holidays]
    if spec.removed_holidays:
        holidays["remove"] = sorted(spec.removed_holidays)
    if holidays:
        found["holidays"] = holidays
    return found


def _tier(tier: Tier) -> dict[str, Any]:
    found = {"key": tier.key, "name": tier.name}
    if tier.description:
        found["description"] = tier.description
    return found


def _severity(severity: Severity) -> dict[str, Any]:
    found: dict[str, Any] = {"key": severity.key, "name": severity.name,
                             "definition": severity.definition}
    if severity.examples:
        found["examples"] = list(severity.examples)
    if severity.channels:
        found["channels"] = list(severity.channels)
    if severity.filing_deadline_hours is not None:
        found["filing_deadline_hours"] = _number(severity.filing_deadline_hours)
    return found


def _metric(metric: Metric) -> dict[str, Any]:
    found: dict[str, Any] = {"name": metric.name}
    if metric.description:
        found["description"] = metric.description
    if metric.clock_start is not ClockStart.LOGGED:
        found["clock_start"] = metric.clock_start.value
    if metric.per_update:
        found["per_update"] = True
    return found


def _target(target: Target) -> dict[str, Any]:
    found: dict[str, Any] = {"metric": target.metric, "severity": target.severity}
    if target.amount is None:
        found["agreed_per_incident"] = True
    else:
        found["amount"] = _number(target.amount)
    found["unit"] = target.unit.value
    found["calendar"] = target.calendar
    if target.pausable:
        found["pausable"] = True
    # Written even when it came from the agreement's warning fraction: the point is part
    # of the target as it is in force.
    if target.warning_after is not None:
        found["warning_after"] = _number(target.warning_after)
    return found


def _goal(goal: Goal) -> dict[str, Any]:
    found: dict[str, Any] = {"key": goal.key, "description": goal.description,
                             "percent": _number(goal.percent)}
    for name in ("metric", "severity", "tier"):
        value = getattr(goal, name)
        if value is not None:
            found[name] = value
    if goal.within is not None:
        amount, unit, calendar = goal.within
        found["within"] = {"amount": _number(amount), "unit": unit.value, "calendar": calendar}
    if goal.max_downtime_minutes is not None:
        found["max_downtime_minutes"] = _number(goal.max_downtime_minutes)
    return found
