""""Why this time?": the intervals a due time counted, with holidays, closed days and pauses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Target, Unit
from deskapp.core.calendar import Calendar, StepKind, format_duration
from deskapp.core.clocks import TargetClock, read_timeline
from deskapp.core.lifecycle import Event
from deskapp.core.sla import DueTime
from deskapp.ui.countdown import calendar_state_text, moment_text

Pause = tuple[datetime, datetime]


def due_time_explanation(due: DueTime, office_zone: ZoneInfo) -> str:
    """For a due time previewed before the incident is logged."""
    return explanation(due.agreement, due.target, due.calendar, due.start, due.due, [],
                       office_zone)


def clock_explanation(clock: TargetClock, agreement: Agreement | None, events: Sequence[Event],
                      office_zone: ZoneInfo, now: datetime) -> str:
    """For a logged incident's target: its pauses come from the timeline up to ``now``."""
    due = clock.due_at(now)
    if due is None or clock.clock_start is None:
        head = _heading(agreement, clock.target)
        return "\n".join([*head, "", f"Not started: {clock.note or 'no clock start yet'}"])
    pauses: list[Pause] = []
    if clock.target.pausable and events:
        for start, end in read_timeline(events).pauses:
            lo, hi = max(start, clock.clock_start), min(end or now, due)
            if lo < hi:
                pauses.append((lo, hi))
    text = explanation(agreement, clock.target, clock.calendar, clock.clock_start, due, pauses,
                       office_zone)
    extra = []
    if clock.cycles > 1:
        extra.append(f"Response cycle {clock.cycles}: each customer update opens a new one; "
                     "this one started at the clock start above.")
    if clock.met_at is not None:
        late = clock.met_at > due
        extra.append(f"Met {moment_text(clock.met_at, clock.calendar.zone)}"
                     + (" (late)" if late else " (in time)"))
    elif clock.paused_since is not None:
        extra.append("Paused now: the due time moves later while the desk waits on the "
                     "customer.")
    extra.append(f"Calendar now: {calendar_state_text(clock.calendar, clock.target.unit, now)}")
    return text + "\n\n" + "\n".join(extra)


def _heading(agreement: Agreement | None, target: Target) -> list[str]:
    if agreement is None:
        return [f"Severity {target.severity}, {target.metric}: {target.describe()}"]
    severity = agreement.severity(target.severity).name
    metric = agreement.metric(target.metric)
    lines = [f"{agreement.name} severity {target.severity} ({severity}), {metric.name}: "
             f"{target.describe()}"]
    spec = agreement.calendars.get(target.calendar)
    if spec is not None:
        lines.append(f"Calendar: {spec.name}: {spec.describe_hours()}; holidays: "
                     f"{spec.describe_holidays()}")
    return lines


def explanation(agreement: Agreement | None, target: Target, calendar: Calendar,
                start: datetime, due: datetime, pauses: Sequence[Pause],
                office_zone: ZoneInfo) -> str:
    zone = calendar.zone
    lines = _heading(agreement, target)
    lines.append(f"Time zone: {zone.key}" + (
        f" (the office is in {office_zone.key})" if office_zone.key != zone.key else ""))
    lines.append(f"Clock start:     {moment_text(start, zone)}")
    elapsed = target.unit is Unit.CALENDAR_HOURS
    if not elapsed:
        effective = calendar.effective_start(start)
        if effective != start:
            lines.append(f"Effective start: {moment_text(effective, zone)}  "
                         "(the first open minute)")
    lines.append("")
    counted = 0.0
    paused = 0.0
    if elapsed:
        lines.append("Elapsed time: every hour counts, nights, weekends and holidays too.")
        for lo, hi in pauses:
            seconds = (hi - lo).total_seconds()
            paused += seconds
            lines.append(f"  {moment_text(lo, zone)} - {hi.astimezone(zone):%H:%M}  "
                         f"paused, waiting on the customer: {format_duration(seconds)} "
                         "not counted")
        counted = (due - start).total_seconds() - paused
    else:
        entries: list[_Entry] = []
        for step in calendar.explain(start, due):
            if step.kind is StepKind.SKIPPED:
                entries.append(_Entry("skipped", step.day, step.day, "", 0.0, step.reason))
                continue
            assert step.start is not None and step.end is not None
            for lo, hi, is_pause in _split(step.start, step.end, pauses):
                span = f"{lo.astimezone(zone):%H:%M}-{_end_text(hi, lo, zone)}"
                seconds = (hi - lo).total_seconds()
                if is_pause:
                    paused += seconds
                else:
                    counted += seconds
                entries.append(_Entry("paused" if is_pause else "counted", step.day, step.day,
                                      span, seconds, "" if is_pause else step.reason))
        lines.extend(entry.describe() for entry in _merged(entries))
    lines.append(f"  total counted: {format_duration(counted)}"
                 + (f"; paused: {format_duration(paused)}" if paused else ""))
    lines.append("")
    lines.append(f"Due: {moment_text(due, zone)}")
    if office_zone.key != zone.key:
        lines.append(f"     {moment_text(due, office_zone)} in the office")
    warning = calendar.holiday_data_warning(start, due)
    if warning:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)


@dataclass
class _Entry:
    """One line of an explanation: a day's counted or paused time, or skipped days."""

    kind: str  # counted, paused or skipped
    first: date
    last: date
    span: str
    seconds: float
    note: str
    days: int = 1

    def describe(self) -> str:
        days = f"{self.first:%a %Y-%m-%d}"
        if self.last != self.first:
            days += f" to {self.last:%a %Y-%m-%d}"
        if self.kind == "skipped":
            note = "closed days" if self.note == "closed day" and self.days > 1 else self.note
            return f"  {days}  skipped: {note}"
        if self.kind == "paused":
            return (f"  {days}  {self.span}  paused, waiting on the customer: "
                    f"{format_duration(self.seconds)} not counted")
        each = f" each day ({self.days} days)" if self.days > 1 else ""
        note = f"  ({self.note})" if self.note else ""
        return f"  {days}  {self.span}{each}  counted {format_duration(self.seconds)}{note}"


def _merged(entries: list[_Entry]) -> list[_Entry]:
    """A day's open intervals on one line; runs of like days (and of closed days) on one."""
    days: list[_Entry] = []
    for entry in entries:
        last = days[-1] if days else None
        if (last is not None and entry.kind == last.kind == "counted"
                and entry.first == last.last and not entry.note and not last.note):
            last.span += f", {entry.span}"
            last.seconds += entry.seconds
        else:
            days.append(replace(entry))
    runs: list[_Entry] = []
    for entry in days:
        last = runs[-1] if runs else None
        follows = last is not None and entry.first == last.last + timedelta(days=1)
        if (last is not None and follows and entry.kind == last.kind == "counted"
                and entry.span == last.span and not entry.note and not last.note
                and last.seconds / last.days == entry.seconds):
            last.last, last.days = entry.last, last.days + 1
            last.seconds += entry.seconds
        elif (last is not None and follows and entry.kind == last.kind == "skipped"
              and entry.note == last.note == "closed day"):
            last.last, last.days = entry.last, last.days + 1
        else:
            runs.append(entry)
    return runs


def _end_text(end: datetime, start: datetime, zone: ZoneInfo) -> str:
    local = end.astimezone(zone)
    text = f"{local:%H:%M}"
    if text == "00:00" and local.date() != start.astimezone(zone).date():
        return "24:00"
    return text


def _split(start: datetime, end: datetime, pauses: Sequence[Pause]
           ) -> list[tuple[datetime, datetime, bool]]:
    """``start``-``end`` cut into counted and paused pieces."""
    pieces = []
    cursor = start
    for lo, hi in sorted(pauses):
        lo, hi = max(lo, cursor), min(hi, end)
        if lo >= hi:
            continue
        if cursor < lo:
            pieces.append((cursor, lo, False))
        pieces.append((lo, hi, True))
        cursor = hi
    if cursor < end:
        pieces.append((cursor, end, False))
    return pieces
