"""What the database keeps of an incident's SLA clocks (the cache the queue reads), without
the database: the one-shot commands read it through Python's own driver."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from deskapp.core.agreement import Target
from deskapp.core.calendar import Calendar
from deskapp.core.clocks import ClockState, TargetClock


class CachedClock(NamedTuple):
    """What the cache keeps of a clock: everything but its reading at a given instant.

    A tuple, compared field by field with what a fresh computation gives (a full
    recomputation compares a few hundred thousand); fields by name everywhere else.
    """

    state: str
    clock_start: datetime | None
    due_at: datetime | None
    warning_at: datetime | None
    met_at: datetime | None
    paused_since: datetime | None
    paused_seconds: float
    cycles: int
    taken_seconds: float | None  # its time to target, once answered


CLOCK_FIELDS = CachedClock._fields


def as_cached_clock(values: Iterable[Any]) -> CachedClock:
    """A CachedClock from its values in field order, made as ``tuple`` makes one, without
    NamedTuple's Python-level constructor: a full recomputation makes one for each of a few
    hundred thousand cached and computed clocks."""
    return _new_tuple(CachedClock, values)


_new_tuple = tuple.__new__
# The instants among them (SQLite keeps them as text, which a bulk read parses itself).
INSTANT_FIELDS = ("clock_start", "due_at", "warning_at", "met_at", "paused_since")


def cached_clock(clock: TargetClock) -> CachedClock:
    """What the cache keeps of ``clock``."""
    if clock.due is None:
        state = ClockState.PENDING
    elif clock.met_at is not None:
        state = ClockState.MET if clock.met_at <= clock.due else ClockState.BREACHED
    elif clock.paused_since is not None:
        state = ClockState.PAUSED
    else:
        state = ClockState.RUNNING
    return as_cached_clock((state.value, clock.clock_start, clock.due, clock.warning_at,
                            clock.met_at, clock.paused_since, clock.paused_seconds,
                            clock.cycles, clock.time_to_target))


def clock_from_cache(metric: str, target: Target, calendar: Calendar, cached: CachedClock
                     ) -> TargetClock:
    """The clock a cached row stands for, with its target and calendar."""
    return TargetClock(metric, target, calendar, cached.clock_start, cached.due_at,
                       cached.warning_at, cached.met_at, cached.paused_since,
                       cached.paused_seconds, cached.cycles)
