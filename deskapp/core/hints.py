"""What an agreement suggests while an incident is logged: severity, channel and scope hints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from deskapp.core.agreement import Agreement
from deskapp.core.calendar import HolidayKind
from deskapp.core.clocks import TargetState

# Limited-staff holidays are named for the next two weeks: a target due in three months
# does not warn about a holiday in February every day of December.
_LOOK_AHEAD_DAYS = 14


def scope_of(agreement: Agreement, category: str) -> str | None:
    """``"in"``, ``"out"``, or None when the agreement lists no such category."""
    wanted = category.strip().lower()
    if wanted in (c.lower() for c in agreement.in_scope):
        return "in"
    if wanted in (c.lower() for c in agreement.out_of_scope):
        return "out"
    return None


def intake_hints(agreement: Agreement, severity: str, channel: str | None,
                 category: str | None, filing_deadline: datetime | None,
                 reported_at: datetime) -> list[str]:
    """Warnings for the agent; none of them stops an incident from being logged."""
    hints = []
    chosen = agreement.severity(severity)
    if channel and chosen.channels and channel not in chosen.channels:
        allowed = " or ".join(chosen.channels)
        hints.append(f"{agreement.name} wants severity {severity} reported by {allowed}")
    if "phone" in chosen.channels[:1] and len(chosen.channels) == 1:
        phone = agreement.contact("phone")
        number = phone.value if phone else "the vendor's support line"
        hints.append(f"Call the vendor: {number}")
    if category and scope_of(agreement, category) == "out":
        hints.append(f"{category!r} is out of scope for {agreement.name}'s support")
    if filing_deadline is not None:
        left = filing_deadline - reported_at
        for urgent in agreement.severities:
            if urgent.filing_deadline_hours is None:
                continue
            hours = f"{urgent.filing_deadline_hours:g} hours"
            within = left <= timedelta(hours=urgent.filing_deadline_hours)
            if within and severity != urgent.key:
                hints.append(f"A filing deadline within {hours} suggests {urgent.name.lower()}")
            elif not within and severity == urgent.key:
                hints.append(f"A filing deadline more than {hours} away is not "
                             f"{urgent.name.lower()}")
    return hints


def calendar_warnings(agreement: Agreement, states: Sequence[TargetState], now: datetime
                      ) -> list[str]:
    """What the calendars say about targets still open at ``now``: limited-staff holidays
    before they are due, and holiday dates that are estimates or missing."""
    found: list[str] = []
    for state in states:
        clock = state.clock
        if state.due is None or clock.met_at is not None or state.due <= now:
            continue
        calendar = clock.calendar
        data = calendar.holiday_data_warning(clock.clock_start or now, state.due)
        if data:
            found.append(f"{data} (the {state.metric} target)")
        day = now.astimezone(calendar.zone).date()
        last = min(state.due.astimezone(calendar.zone).date(),
                   day + timedelta(days=_LOOK_AHEAD_DAYS))
        while day <= last:
            holiday = calendar.holiday_on(day)
            if holiday is not None and holiday.kind is HolidayKind.LIMITED:
                label = calendar.rules.holiday_label
                found.append(f"{day:%a %Y-%m-%d} is a {label} holiday ({holiday.name}): "
                             f"{agreement.name} has limited staff")
            day += timedelta(days=1)
    return list(dict.fromkeys(found))
