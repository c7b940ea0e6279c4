""""Why this time?" as the window shows it: the core explanation, a day's intervals and runs of
like days on one line each, with the office's time beside the vendor's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Target
from deskapp.core.clocks import TargetClock
from deskapp.core.explain import (
    Explanation,
    calendar_line,
    clock_notes,
    explain_clock,
    explain_due,
    moment_text,
    pause_line,
    target_line,
)
from deskapp.core.lifecycle import Event
from deskapp.core.sla import DueTime
from deskapp.ui.countdown import calendar_state_text


def due_time_explanation(due: DueTime, office_zone: ZoneInfo) -> str:
    """For a due time previewed before the incident is logged."""
    return explanation_text(explain_due(due), office_zone)


def clock_explanation(clock: TargetClock, agreement: Agreement | None, events: Sequence[Event],
                      office_zone: ZoneInfo, now: datetime) -> str:
    """For a logged incident's target: its pauses come from the timeline up to ``now``."""
    explained = explain_clock(clock, agreement, events, now)
    if explained is None:
        return "\n".join([*_heading(agreement, clock.target), "",
                          f"Not started: {clock.note or 'no clock start yet'}"])
    notes = clock_notes(clock, explained.due)
    notes.append(f"Calendar now: {calendar_state_text(clock.calendar, clock.target.unit, now)}")
    return explanation_text(explained, office_zone) + "\n\n" + "\n".join(notes)


def _heading(agreement: Agreement | None, target: Target) -> list[str]:
    calendar = calendar_line(agreement, target)
    return [target_line(agreement, target), *([calendar] if calendar is not None else [])]


def explanation_text(explained: Explanation, office_zone: ZoneInfo) -> str:
    zone = explained.zone
    lines = _heading(explained.agreement, explained.target)
    lines.append(f"Time zone: {zone.key}" + (
        f" (the office is in {office_zone.key})" if office_zone.key != zone.key else ""))
    lines.extend(explained.start_lines())
    lines.append("")
    if explained.elapsed:
        lines.append("Elapsed time: every hour counts, nights, weekends and holidays too.")
        lines.extend("  " + pause_line(pause, zone) for pause in explained.pauses)
    else:
        lines.extend("  " + entry.describe() for entry in explained.merged())
    lines.append("  " + explained.total_line())
    lines.append("")
    lines.append(explained.due_line())
    if office_zone.key != zone.key:
        lines.append(f"     {moment_text(explained.due, office_zone)} in the office")
    if explained.warning:
        lines.append(f"Warning: {explained.warning}")
    return "\n".join(lines)
