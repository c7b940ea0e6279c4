"""The reads of a compliance report: the incidents logged in a period and their cached
clocks, each read whole in one aggregate query, and the timelines of a few incidents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import compress, repeat
from math import nan
from operator import sub
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from deskapp.core.clocks import ClockState
from deskapp.core.compliance import RUNNING_PAST_DUE
from deskapp.core.lifecycle import Event, EventKind
from deskapp.storage.fast import first_column
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import CLOCKS, EVENTS

_KINDS = {kind.value: kind for kind in EventKind}


class Window(NamedTuple):
    """One vendor's period: its incidents reported from ``start`` until before ``end``."""

    vendor_id: int
    start: datetime
    end: datetime


_SEPARATOR = "\x1f"  # the unit separator: in no key, name, number or instant


class Incidents(NamedTuple):
    """The period's incidents, a list per field in one order: id (as the database writes it:
    only matched with the clocks'), number, agreement version, severity and tier."""

    ids: list[str]
    numbers: list[int]
    versions: list[int]
    severities: list[str]
    tiers: list[str]


class Clocks(NamedTuple):
    """Their cached clocks, a list per field in one order: the incident's position among
    the ``Incidents`` read, the target, the state (``RUNNING_PAST_DUE`` for a running one
    whose due time had passed), the time to target of the answered ones (NaN for the
    others), and the due time of those in the cached states asked for (NaN for the
    others) as a UTC timestamp."""

    incidents: list[int]
    metrics: list[str]
    states: list[str]
    taken: list[float]
    dues: list[float]


class ClockTimes(NamedTuple):
    """A clock's start and answer as UTC timestamps (NaN for none), its closed pauses'
    seconds, and its incident's site zone and country ('' for none)."""

    start: float
    answer: float
    paused: float
    site_zone: str
    site_country: str


def _wanted(windows: Sequence[Window]) -> ColumnElement[bool]:
    """The incidents of the windows: one range over all of them, then each vendor's own
    (SQLite evaluates an OR of ranges for every row at several times the cost)."""
    if not windows:
        return false()
    reported, vendor = INCIDENTS.c.reported_at, INCIDENTS.c.vendor_id
    own = case(*((vendor == w.vendor_id, and_(reported >= w.start, reported < w.end))
                 for w in windows), else_=false())
    return and_(reported >= min(w.start for w in windows),
                reported < max(w.end for w in windows), own)


_NONE = "0001-01-01 00:00:00"  # before any instant deskapp keeps: none, in SQLite's text
_EPOCH = datetime(1970, 1, 1)
_AS_NAN = {(datetime.fromisoformat(_NONE) - _EPOCH).total_seconds(): nan}


def _instant_text(column: Any, sqlite: bool) -> ColumnElement[str]:
    """An instant as text: SQLite's own UTC text, PostgreSQL's UTC timestamp ('nan': none).

    SQLite's text is read by Python's ``datetime.fromisoformat`` (in C) rather than turned
    into a timestamp by SQLite's ``strftime`` (200,000 clocks' instants: 15 to 35 % less
    time for the query and the reading together).
    """
    if sqlite:  # kept as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        return func.coalesce(column, _NONE)
    return func.coalesce(cast(func.extract("epoch", column), String), "nan")


def _timestamps(values: list[str], sqlite: bool) -> list[float]:
    """The UTC timestamps of ``_instant_text``'s texts, NaN for none; in C."""
    if not sqlite:
        return list(map(float, values))
    seconds = list(map(timedelta.total_seconds,
                       map(sub, map(datetime.fromisoformat, values), repeat(_EPOCH))))
    # None's timestamp as NaN, every other as itself; in C rather than a comprehension
    # (the clocks of 100,000 incidents: read in 0.67 s instead of 0.74).
    return list(map(_AS_NAN.get, seconds, seconds))


def _due_timestamps(values: list[str], sqlite: bool) -> list[float]:
    """``_timestamps`` of mostly none: only the others are parsed, found in C (200,000
    clocks of which 35,000 are running or breached on SQLite: 19 ms instead of 76)."""
    if not sqlite:
        return list(map(float, values))
    found = [nan] * len(values)
    for index in compress(range(len(values)), map(_NONE.__ne__, values)):
        found[index] = (datetime.fromisoformat(values[index]) - _EPOCH).total_seconds()
    return found


def _columns(session: Session, fields: Sequence[ColumnElement[Any]], source: Any,
             where: ColumnElement[bool] | None) -> list[list[str]] | None:
    """Each field over the rows of ``source`` (those ``where`` holds, if given) as a list,
    in one order; None when there are none.

    A month of 100,000 incidents has about 200,000 clocks, and a row each would cost more
    than the whole report (2 us a row through the driver alone on SQLite), as would a GROUP
    BY (SQLite sorts every row with the values it aggregates: 0.7 s). So the query
    aggregates the whole selection into one text per field, which Python splits at C
    speed. Every aggregate of a query's one group is fed the same rows in the same order,
    so the lists line up (PostgreSQL's parallel workers are turned off all the same).
    """
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    aggregate = func.group_concat if sqlite else func.string_agg
    query = select(*(aggregate(field, literal(_SEPARATOR)) for field in fields)
                   ).select_from(source)
    if where is not None:
        query = query.where(where)
    result = connection.execute(query)
    try:
        row = result.cursor.fetchone()
    finally:
        result.close()
    if row is None or row[0] is None:
        return None
    return [value.split(_SEPARATOR) for value in row]


def incidents(session: Session, windows: Sequence[Window]) -> Incidents:
    """The incidents each vendor logged in its window, in one query."""
    found = _columns(session, [
        cast(INCIDENTS.c.id, String), cast(INCIDENTS.c.number, String),
        cast(INCIDENTS.c.agreement_version_id, String), INCIDENTS.c.severity,
        INCIDENTS.c.tier,
    ], INCIDENTS, _wanted(windows))
    if found is None:
        return Incidents([], [], [], [], [])
    ids, numbers, versions, *texts = found
    return Incidents(ids, list(map(int, numbers)), list(map(int, versions)), *texts)


def state_at(now: datetime) -> ColumnElement[str]:
    """The cached state, or ``RUNNING_PAST_DUE`` for a running clock due by ``now``."""
    return case((and_(CLOCKS.c.state == "running", CLOCKS.c.due_at <= now),
                 literal(RUNNING_PAST_DUE)), else_=CLOCKS.c.state)


def _most(session: Session, incidents: int) -> bool:
    """Whether ``incidents`` are a third of the database's or more: then reading every row
    of a table costs less than looking up each of theirs by its index."""
    total = session.scalar(select(func.max(INCIDENTS.c.id))) or 0
    return incidents * 3 >= total


def clocks(session: Session, windows: Sequence[Window], found: Incidents, now: datetime,
           due_states: Sequence[str]) -> Clocks:
    """The cached clocks of ``found``, the incidents each vendor logged in its window, in
    one query; the due times of those whose cached state is one of ``due_states``.

    Most of the database's incidents: every clock is read in the order it is kept and
    those of other incidents are left out here (100,000 incidents' 200,000 clocks on
    SQLite: 0.22 s instead of 0.6 s through the incidents' index). A few: they are read by
    the window's incidents, then their clocks by the clocks' index.
    """
    if not found.ids:
        return Clocks([], [], [], [], [])
    sqlite = session.connection().dialect.name == "sqlite"
    fields = [
        cast(CLOCKS.c.incident_id, String), CLOCKS.c.metric, state_at(now),
        func.coalesce(cast(CLOCKS.c.taken_seconds, String), "nan"),
        # The due times of the clocks in the cached states asked for (a report reads few).
        case((CLOCKS.c.state.in_(due_states), _instant_text(CLOCKS.c.due_at, sqlite)),
             else_=literal(_NONE if sqlite else "nan")),
    ]
    if _most(session, len(found.ids)):
        columns = _columns(session, fields, CLOCKS, None)
    else:
        # "+ 0" keeps SQLite from scanning every clock of the database and looking up its
        # incident: it reads the period's incidents, then their clocks by the clocks' index
        # (a month of 8,500 among 100,000 incidents: 46 ms instead of 66, and the gap grows
        # with the database). PostgreSQL's planner is left its own choice.
        incident_id = INCIDENTS.c.id + 0 if sqlite else INCIDENTS.c.id
        columns = _columns(session, fields,
                           INCIDENTS.join(CLOCKS, CLOCKS.c.incident_id == incident_id),
                           _wanted(windows))
    if columns is None:
        return Clocks([], [], [], [], [])
    position = dict(zip(found.ids, range(len(found.ids)), strict=True))
    owners: list[Any] = list(map(position.get, columns[0]))  # None: not in the period
    if None in owners:  # the clocks of other incidents
        kept = [owner is not None for owner in owners]
        owners = list(compress(owners, kept))
        columns = [list(compress(column, kept)) for column in columns]
    _, metrics, states, taken, dues = columns
    return Clocks(owners, metrics, states, list(map(float, taken)),
                  _due_timestamps(dues, sqlite))


def _clock_times(session: Session, windows: Sequence[Window], which: ColumnElement[bool]
                 ) -> dict[tuple[str, str], ClockTimes]:
    """The times of the clocks ``which`` of the incidents each vendor logged in its window,
    by incident id (as ``Incidents.ids`` has it) and target."""
    sqlite = session.connection().dialect.name == "sqlite"
    columns = _columns(session, [
        cast(CLOCKS.c.incident_id, String), CLOCKS.c.metric,
        _instant_text(CLOCKS.c.clock_start, sqlite), _instant_text(CLOCKS.c.met_at, sqlite),
        cast(CLOCKS.c.paused_seconds, String),
        func.coalesce(INCIDENTS.c.site_zone, ""), func.coalesce(INCIDENTS.c.site_country, ""),
    ], INCIDENTS.join(CLOCKS, CLOCKS.c.incident_id == INCIDENTS.c.id),
        and_(_wanted(windows), which))
    if columns is None:
        return {}
    ids, metrics, starts, answers, paused, zones, countries = columns
    times = map(ClockTimes, _timestamps(starts, sqlite), _timestamps(answers, sqlite),
                map(float, paused), zones, countries)
    return dict(zip(zip(ids, metrics, strict=True), times, strict=True))


def target_times(session: Session, windows: Sequence[Window], metric: str
                 ) -> dict[tuple[str, str], ClockTimes]:
    """The times of one target's clocks (a goal with a time of its own counts them)."""
    return _clock_times(session, windows, CLOCKS.c.metric == metric)


def late_times(session: Session, windows: Sequence[Window], now: datetime
               ) -> dict[tuple[str, str], ClockTimes]:
    """The times of the clocks breached at ``now``."""
    return _clock_times(session, windows, state_at(now).in_(
        (RUNNING_PAST_DUE, ClockState.BREACHED.value)))


def severity_changed(session: Session, windows: Sequence[Window], incidents: int
                     ) -> set[int]:
    """The numbers of the window's incidents whose severity changed; ``incidents``: how
    many the window holds.

    A few of the database's incidents: each one's timeline is looked into by its index
    (a month of 8,500 among 100,000 incidents on SQLite: 42 ms, where reading every
    severity change of the database takes 185); most of them: every severity change of
    the database is read once (100,000: 123 ms instead of 338).
    """
    changed = EVENTS.c.kind == EventKind.SEVERITY_CHANGED.value
    if not _most(session, incidents):
        query = select(INCIDENTS.c.number).where(_wanted(windows), exists().where(
            EVENTS.c.incident_id == INCIDENTS.c.id, changed))
    else:
        query = (select(INCIDENTS.c.number).distinct()
                 .select_from(EVENTS.join(INCIDENTS, INCIDENTS.c.id == EVENTS.c.incident_id))
                 .where(changed, _wanted(windows)))
    return set(first_column(session.connection(), query))


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
