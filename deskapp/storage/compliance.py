"""The reads of a compliance report: every cached clock of the incidents logged in a period,
and the timelines of a few incidents at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, false, or_, select, text
from sqlalchemy.orm import Session

from deskapp.core.lifecycle import Event, EventKind
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import CLOCKS, EVENTS

_KINDS = {kind.value: kind for kind in EventKind}
_new_tuple = tuple.__new__


class ClockRow(NamedTuple):
    """One cached clock of an incident logged in the period, with what its report needs of
    the incident."""

    number: int
    vendor_id: int
    agreement_version_id: int
    site_zone: str | None
    site_country: str | None
    severity: str
    tier: str
    reported_at: datetime
    metric: str
    clock_start: datetime | None
    due_at: datetime | None
    met_at: datetime | None
    paused_since: datetime | None
    paused_seconds: float
    severity_changed: bool


class Window(NamedTuple):
    """One vendor's period: its incidents reported from ``start`` until before ``end``."""

    vendor_id: int
    start: datetime
    end: datetime


_INSTANTS = (7, 9, 10, 11, 12)  # the instant columns of ClockRow, parsed on SQLite
_CHANGED = (exists().where(EVENTS.c.incident_id == INCIDENTS.c.id,
                           EVENTS.c.kind == EventKind.SEVERITY_CHANGED.value)
            .correlate(INCIDENTS).label("severity_changed"))
_CLOCK_ROWS = (
    select(INCIDENTS.c.number, INCIDENTS.c.vendor_id, INCIDENTS.c.agreement_version_id,
           INCIDENTS.c.site_zone, INCIDENTS.c.site_country, INCIDENTS.c.severity,
           INCIDENTS.c.tier, INCIDENTS.c.reported_at, CLOCKS.c.metric, CLOCKS.c.clock_start,
           CLOCKS.c.due_at, CLOCKS.c.met_at, CLOCKS.c.paused_since, CLOCKS.c.paused_seconds,
           _CHANGED)
    .select_from(INCIDENTS.join(CLOCKS, CLOCKS.c.incident_id == INCIDENTS.c.id)))


def clock_rows(session: Session, windows: Sequence[Window]) -> list[ClockRow]:
    """Every cached clock of the incidents each vendor logged in its window, in one query.

    The driver's own rows: a month of 100,000 incidents has about 250,000 clocks, and
    SQLAlchemy's rows and type processing would cost more than the query (SQLite keeps
    instants as UTC text, parsed here).
    """
    wanted = or_(false(), *(and_(INCIDENTS.c.vendor_id == w.vendor_id,
                                 INCIDENTS.c.reported_at >= w.start,
                                 INCIDENTS.c.reported_at < w.end) for w in windows))
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        # One query over the period: parallel workers cost more to start than they save.
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    result = connection.execute(_CLOCK_ROWS.where(wanted))
    try:
        rows: list[Any] = list(result.cursor.fetchall())
    finally:
        result.close()
    if not sqlite:
        return [_new_tuple(ClockRow, row) for row in rows]
    parse = datetime.fromisoformat
    found = []
    for row in rows:
        values = list(row)
        for index in _INSTANTS:
            if values[index] is not None:
                values[index] = parse(values[index] + "+00:00")
        values[14] = bool(values[14])
        found.append(_new_tuple(ClockRow, values))
    return found


def timelines_of(session: Session, numbers: Sequence[int]) -> dict[int, list[Event]]:
    """The timelines of the incidents numbered ``numbers``, by number, in a few queries."""
    found: dict[int, list[Event]] = defaultdict(list)
    ordered = sorted(set(numbers))
    for first in range(0, len(ordered), 1000):
        chunk = ordered[first:first + 1000]
        query = (select(INCIDENTS.c.number, EVENTS.c.kind, EVENTS.c.at, EVENTS.c.author,
                        EVENTS.c.data)
                 .join(INCIDENTS, INCIDENTS.c.id == EVENTS.c.incident_id)
                 .where(INCIDENTS.c.number.in_(chunk))
                 .order_by(INCIDENTS.c.number, EVENTS.c.at, EVENTS.c.seq))
        for number, kind, at, author, data in session.execute(query):
            found[number].append(Event(_KINDS[kind], at, author, data))
    return dict(found)
