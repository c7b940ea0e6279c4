"""An incident's timeline and its cached clocks: read, appended and kept up to date.

Read and written through SQLAlchemy Core: plain rows for the few statements of a write
cost a fraction of ORM objects and their unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Table,
    bindparam,
    delete,
    insert,
    literal_column,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as cast_as

from deskapp.core.clocks import TargetClock
from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import Event, EventKind
from deskapp.storage.clock_cache import CLOCK_FIELDS, CachedClock, as_cached_clock, cached_clock
from deskapp.storage.errors import ROW_ERRORS, StorageError, damaged_row
from deskapp.storage.models import IncidentEvent
from deskapp.storage.models import TargetClock as ClockRow
from deskapp.storage.records import INCIDENTS

EVENTS = cast(Table, IncidentEvent.__table__)
CLOCKS = cast(Table, ClockRow.__table__)


# Statements of every write, built once (building one costs more than running it here).
# The timeline is read after the row lock is held, not joined to the locking query:
# PostgreSQL would return a joined timeline from before the lock.
_TIMELINE = (
    select(IncidentEvent.seq, IncidentEvent.kind, IncidentEvent.at, IncidentEvent.author,
           IncidentEvent.data)
    .where(IncidentEvent.incident_id == bindparam("incident"))
    .order_by(IncidentEvent.at, IncidentEvent.seq))
_STORED_CLOCKS = (select(CLOCKS.c.metric, *(CLOCKS.c[name] for name in CLOCK_FIELDS))
                  .where(CLOCKS.c.incident_id == bindparam("incident")))
# A write reads both, in one statement (a round trip less on PostgreSQL): the events, in the
# order they happened, then the cached clocks; each row fills its own columns.
_TIMELINE_AND_CLOCKS: CompoundSelect[*tuple[Any, ...]] = union_all(
    _TIMELINE.order_by(None).add_columns(
        literal_column("0").label("part"), null().label("metric"),
        *(cast_as(null(), CLOCKS.c[name].type).label(name) for name in CLOCK_FIELDS)),
    _STORED_CLOCKS.with_only_columns(*(null() for _ in _TIMELINE.selected_columns),
                                     literal_column("1"), *_STORED_CLOCKS.selected_columns),
).order_by("part", "at", "seq")


class Timeline(NamedTuple):
    """What a write reads of an incident: its events in the order they happened, the last
    number given to one, and its cached clocks by metric."""

    events: list[Event]
    last_seq: int
    cached: dict[str, CachedClock]


def timeline(connection: Connection, incident_id: int) -> list[Event]:
    """The incident's events in the order they happened."""
    try:
        rows = connection.execute(_TIMELINE, {"incident": incident_id})
        return [Event(EventKind(kind), at, author, data) for _, kind, at, author, data in rows]
    except ROW_ERRORS as exc:
        raise _damaged(connection, incident_id, exc) from exc


def _damaged(connection: Connection, incident_id: int, exc: BaseException) -> StorageError:
    """The error for a timeline that cannot be read, naming its incident."""
    try:
        number = connection.scalar(select(INCIDENTS.c.number).where(
            INCIDENTS.c.id == incident_id))
    except ROW_ERRORS:
        number = None
    what = f"incident {incident_key(number)}" if number else f"incident #{incident_id}"
    return damaged_row(f"the timeline of {what}", exc, connection.engine.url)


def timeline_for_write(connection: Connection, incident_id: int) -> Timeline:
    """The incident's timeline and cached clocks, in one statement."""
    events: list[Event] = []
    last_seq = 0
    cached: dict[str, CachedClock] = {}
    try:
        # Unpacked in the order the statement selects, which is built from CLOCK_FIELDS.
        for seq, kind, at, author, data, part, metric, *clock in connection.execute(
                _TIMELINE_AND_CLOCKS, {"incident": incident_id}):
            if part == 0:
                events.append(Event(EventKind(kind), at, author, data))
                last_seq = max(last_seq, seq)
            else:
                cached[metric] = as_cached_clock(clock)
    except ROW_ERRORS as exc:
        raise _damaged(connection, incident_id, exc) from exc
    return Timeline(events, last_seq, cached)


def cached_clocks(connection: Connection, incident_id: int) -> dict[str, CachedClock]:
    """The incident's cached clocks by metric."""
    rows = connection.execute(_STORED_CLOCKS, {"incident": incident_id})
    return {metric: as_cached_clock(clock) for metric, *clock in rows}


def append_events(connection: Connection, incident_id: int, last_seq: int,
                  events: Sequence[Event], recorded_at: datetime) -> None:
    """Add ``events`` to the incident's timeline, numbered on from ``last_seq``."""
    connection.execute(insert(EVENTS), [
        {"incident_id": incident_id, "seq": seq, "kind": event.kind.value, "at": event.at,
         "recorded_at": recorded_at, "author": event.author, "data": event.data}
        for seq, event in enumerate(events, start=last_seq + 1)])


def store_clocks(connection: Connection, incident_id: int, clocks: Sequence[TargetClock],
                 cached: dict[str, CachedClock]) -> None:
    """Write the clocks that differ from the ``cached`` ones (by metric) to the incident's
    cached rows; ``cached`` is used up."""
    for clock in clocks:
        row = cached_clock(clock)
        old = cached.pop(clock.metric, None)
        if old == row:
            continue
        values = row._asdict()
        if old is None:
            connection.execute(insert(CLOCKS).values(
                incident_id=incident_id, metric=clock.metric, **values))
        else:
            connection.execute(update(CLOCKS).where(
                CLOCKS.c.incident_id == incident_id, CLOCKS.c.metric == clock.metric
            ).values(values))
    for metric in cached:  # targets the severity no longer has
        connection.execute(delete(CLOCKS).where(
            CLOCKS.c.incident_id == incident_id, CLOCKS.c.metric == metric))
