""""Why this time?": the intervals a due time counted, the days it skipped and the pauses it
left out, with the words a person reads; the window and `deskapp sla explain` lay them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Target, Unit
from deskapp.core.calendar import Calendar, StepKind, format_duration
from deskapp.core.clocks import TargetClock, read_timeline
from deskapp.core.lifecycle import Event
from deskapp.core.sla import DueTime
from deskapp.core.wording import moment_label

Pause = tuple[datetime, datetime]

FIRST_OPEN_MINUTE = "  (the first open minute)"
WAITING = "paused, waiting on the customer"


class EntryKind(StrEnum):
    COUNTED = "counted"
    PAUSED = "paused"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Entry:
    """One line of an explanation: time counted or paused on a day (or on a run of like
    days), or days skipped."""

    kind: EntryKind
    first: date
    last: date
    span: str  # local "08:30-17:30", several joined by ", "; empty for skipped days
    seconds: float
    note: str  # a holiday's name, "closed day", or empty
    days: int = 1

    def describe(self) -> str:
        days = f"{self.first:%a %Y-%m-%d}"
        if self.last != self.first:
            days += f" to {self.last:%a %Y-%m-%d}"
        if self.kind is EntryKind.SKIPPED:
            note = "closed days" if self.note == "closed day" and self.days > 1 else self.note
            return f"{days}  skipped: {note}"
        if self.kind is EntryKind.PAUSED:
            return f"{days}  {self.span}  {WAITING}: {format_duration(self.seconds)} not counted"
        each = f" each day ({self.days} days)" if self.days > 1 else ""
        note = f"  ({self.note})" if self.note else ""
        return f"{days}  {self.span}{each}  counted {format_duration(self.seconds)}{note}"


@dataclass(frozen=True)
class Explanation:
    """How a target's due time follows from its clock start, its calendar and its pauses."""

    agreement: Agreement | None  # None: the incident's agreement is not at hand
    target: Target
    calendar: Calendar
    start: datetime
    effective_start: datetime  # the first open minute; the start itself in elapsed time
    due: datetime
    entries: tuple[Entry, ...]  # in calendar time, one per piece of a day; none in elapsed
    pauses: tuple[Pause, ...]  # the waits on the customer left out
    counted: float
    paused: float
    warning: str | None  # about the holiday data the due time relied on

    @property
    def elapsed(self) -> bool:
        """Every hour counts: no calendar intervals to list."""
        return self.target.unit is Unit.CALENDAR_HOURS

    @property
    def zone(self) -> ZoneInfo:
        return self.calendar.zone

    def merged(self) -> list[Entry]:
        """A day's intervals on one line; runs of like days (and of closed days) on one."""
        days: list[Entry] = []
        for entry in self.entries:
            last = days[-1] if days else None
            if (last is not None and entry.kind is last.kind is EntryKind.COUNTED
                    and entry.first == last.last and not entry.note and not last.note):
                days[-1] = replace(last, span=f"{last.span}, {entry.span}",
                                   seconds=last.seconds + entry.seconds)
            else:
                days.append(entry)
        runs: list[Entry] = []
        for entry in days:
            last = runs[-1] if runs else None
            follows = last is not None and entry.first == last.last + timedelta(days=1)
            if (last is not None and follows and entry.kind is last.kind is EntryKind.COUNTED
                    and entry.span == last.span and not entry.note and not last.note
                    and last.seconds / last.days == entry.seconds):
                runs[-1] = replace(last, last=entry.last, days=last.days + 1,
                                   seconds=last.seconds + entry.seconds)
            elif (last is not None and follows and entry.kind is last.kind is EntryKind.SKIPPED
                  and entry.note == last.note == "closed day"):
                runs[-1] = replace(last, last=entry.last, days=last.days + 1)
            else:
                runs.append(entry)
        return runs

    # ----- the words ---------------------------------------------------------------------

    def start_lines(self) -> list[str]:
        lines = [f"Clock start:     {moment_text(self.start, self.zone)}"]
        if self.effective_start != self.start:
            lines.append(f"Effective start: {moment_text(self.effective_start, self.zone)}"
                         + FIRST_OPEN_MINUTE)
        return lines

    def total_line(self) -> str:
        return (f"total counted: {format_duration(self.counted)}"
                + (f"; paused: {format_duration(self.paused)}" if self.paused else ""))

    def due_line(self) -> str:
        return f"Due: {moment_text(self.due, self.zone)}"


def target_line(agreement: Agreement | None, target: Target) -> str:
    """The target explained: whose, which severity and metric, how much time."""
    if agreement is None:
        return f"Severity {target.severity}, {target.metric}: {target.describe()}"
    severity = agreement.severity(target.severity).name
    metric = agreement.metric(target.metric)
    return (f"{agreement.name} severity {target.severity} ({severity}), {metric.name}: "
            f"{target.describe()}")


def calendar_line(agreement: Agreement | None, target: Target, zone_name: str | None = None
                  ) -> str | None:
    """The target's calendar in the agreement, its hours and holidays (and ``zone_name``
    when given); None when the agreement is not at hand."""
    spec = agreement.calendars.get(target.calendar) if agreement is not None else None
    if spec is None:
        return None
    where = f" [{zone_name}]" if zone_name else ""
    return (f"Calendar: {spec.name}{where}: {spec.describe_hours()}; holidays: "
            f"{spec.describe_holidays()}")


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """``Tue 2026-12-08 11:00 EST``, ``Wed 2025-12-10 17:30 +08`` (see ``zone_label``)."""
    return moment_label(moment, zone)


def pause_line(pause: Pause, zone: ZoneInfo) -> str:
    """A pause in elapsed time, where it is not cut into a calendar's days."""
    lo, hi = pause
    return (f"{moment_text(lo, zone)} - {hi.astimezone(zone):%H:%M}  {WAITING}: "
            f"{format_duration((hi - lo).total_seconds())} not counted")


def explain(agreement: Agreement | None, target: Target, calendar: Calendar, start: datetime,
            due: datetime, pauses: Sequence[Pause] = ()) -> Explanation:
    """The explanation of ``due`` for a clock started at ``start``, ``pauses`` left out."""
    zone = calendar.zone
    elapsed = target.unit is Unit.CALENDAR_HOURS
    entries: list[Entry] = []
    counted = paused = 0.0
    if elapsed:
        paused = sum((hi - lo).total_seconds() for lo, hi in pauses)
        counted = (due - start).total_seconds() - paused
    else:
        for step in calendar.explain(start, due):
            if step.kind is StepKind.SKIPPED:
                entries.append(Entry(EntryKind.SKIPPED, step.day, step.day, "", 0.0,
                                     step.reason))
                continue
            assert step.start is not None and step.end is not None
            for lo, hi, is_pause in _split(step.start, step.end, pauses):
                span = f"{lo.astimezone(zone):%H:%M}-{_end_text(hi, lo, zone)}"
                seconds = (hi - lo).total_seconds()
                if is_pause:
                    paused += seconds
                else:
                    counted += seconds
                entries.append(Entry(EntryKind.PAUSED if is_pause else EntryKind.COUNTED,
                                     step.day, step.day, span, seconds,
                                     "" if is_pause else step.reason))
    return Explanation(
        agreement=agreement, target=target, calendar=calendar, start=start,
        effective_start=start if elapsed else calendar.effective_start(start), due=due,
        entries=tuple(entries), pauses=tuple(pauses), counted=counted, paused=paused,
        warning=calendar.holiday_data_warning(start, due))


def explain_due(due: DueTime) -> Explanation:
    """A due time computed before any incident: nothing paused."""
    return explain(due.agreement, due.target, due.calendar, due.start, due.due)


def explain_clock(clock: TargetClock, agreement: Agreement | None, events: Sequence[Event],
                  now: datetime) -> Explanation | None:
    """A logged incident's target as of ``now``, its pauses read from the timeline; None
    while its clock has not started."""
    due = clock.due_at(now)
    if due is None or clock.clock_start is None:
        return None
    pauses: list[Pause] = []
    if clock.target.pausable and events:
        for start, end in read_timeline(events).pauses:
            lo, hi = max(start, clock.clock_start), min(end or now, due)
            if lo < hi:
                pauses.append((lo, hi))
    return explain(agreement, clock.target, clock.calendar, clock.clock_start, due, pauses)


def clock_notes(clock: TargetClock, due: datetime) -> list[str]:
    """What a logged target adds to its explanation: its response cycle, when it was met,
    whether it is paused now."""
    notes = []
    if clock.cycles > 1:
        notes.append(f"Response cycle {clock.cycles}: each customer update opens a new one; "
                     "this one started at the clock start above.")
    if clock.met_at is not None:
        late = clock.met_at > due
        notes.append(f"Met {moment_text(clock.met_at, clock.calendar.zone)}"
                     + (" (late)" if late else " (in time)"))
    elif clock.paused_since is not None:
        notes.append("Paused now: the due time moves later while the desk waits on the "
                     "customer.")
    return notes


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
