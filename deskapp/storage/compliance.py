"""The reads of a compliance report: the incidents logged in a period and their cached
clocks, each read whole in one aggregate query, and the timelines of a few incidents."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import compress, repeat
from math import nan
from types import TracebackType
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    and_,
    case,
    cast,
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
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import CLOCKS, EVENTS

_KINDS = {kind.value: kind for kind in EventKind}
T = TypeVar("T")
U = TypeVar("U")


class Window(NamedTuple):
    """One vendor's period: its incidents reported from ``start`` until before ``end``."""

    vendor_id: int
    start: datetime
    end: datetime


class Incidents(NamedTuple):
    """The period's incidents, a list per field in one order: id (only matched with the
    clocks'), number, agreement version, severity and tier."""

    ids: list[int]
    numbers: list[int]
    versions: list[int]
    severities: list[str]
    tiers: list[str]


class Clocks(NamedTuple):
    """Cached clocks, a list per field in one order: the incident's id, the target, the
    state (``RUNNING_PAST_DUE`` for a running one whose due time had passed), the time to
    target of the answered ones (NaN for the others), and the due time of those in the
    cached states asked for (NaN for the others) as a UTC timestamp."""

    incident_ids: list[int]
    metrics: list[str]
    states: list[str]
    taken: list[float]
    dues: list[float]


class ClockTimes(NamedTuple):
    """Clocks' times, a list per field in one order: start and answer as UTC timestamps
    (NaN for none), closed pauses' seconds, and the incident's site zone and country (''
    for none); ``rows``: where each clock is, by its incident's id and its target."""

    rows: dict[tuple[int, str], int]
    starts: list[float]
    answers: list[float]
    paused: list[float]
    site_zones: list[str]
    site_countries: list[str]

    def rows_of(self, incident_ids: Iterable[int], metric: str) -> list[int]:
        """Where the clocks of ``metric`` of these incidents are."""
        return list(map(self.rows.__getitem__, zip(incident_ids, repeat(metric))))


class Later(Generic[T]):
    """An answer a ``Reading`` is reading: ``get`` waits for the database's text and parses
    it in the caller's thread (once)."""

    def __init__(self, texts: Future[Any], parse: Callable[[Any], T]) -> None:
        self._texts = texts
        self._parse = parse
        self._parsed: list[T] = []

    def get(self) -> T:
        if not self._parsed:
            self._parsed.append(self._parse(self._texts.result()))
        return self._parsed[0]

    def then(self, parse: Callable[[T], U]) -> Later[U]:
        return Later(self._texts, lambda texts: parse(self._parse(texts)))


class Reading:
    """The queries of a report, on the transaction's own connection. Read ``ahead``, they
    run in the order they are asked by a thread of their own; the caller parses each
    answer with ``Later.get`` while the database computes the next, and leaves the
    transaction alone until the reading ends (``with``: every query asked has then
    finished). Otherwise each runs when asked.

    SQLite computes an answer, and the PostgreSQL driver waits for one, without holding
    Python's interpreter lock: the two overlap on a machine of two processors or more. All
    100,000 incidents of a database, medians of 5 reports: SQLite 0.85 s instead of 1.08
    with the queries in the caller's thread; PostgreSQL, measured before the JSON arrays
    (``columns``), 0.89 s instead of 1.08. A small report is read without: the window's
    goals strip reads this month's while the window counts down, and a third thread
    wanting Python's lock slowed it (the window's benchmark, with the thread: a tick 5.12
    and 6.08 ms, the Breached view 73 and 78 ms; without: 4.72 ms and 49 ms).
    """

    def __init__(self, session: Session, *, ahead: bool) -> None:
        self.connection = session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        if not self.sqlite:  # the aggregates' rows in one order (see ``columns``)
            self.connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        self._thread = (ThreadPoolExecutor(1, thread_name_prefix="report-reading") if ahead
                        else None)

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=error is not None)

    def ask(self, query: Callable[[Connection], T]) -> Future[T]:
        if self._thread is not None:
            return self._thread.submit(query, self.connection)
        done: Future[T] = Future()
        try:
            done.set_result(query(self.connection))
        except Exception as error:  # raised where it is read, as from the thread
            done.set_exception(error)
        return done

    def columns(self, fields: Sequence[ColumnElement[Any]], source: Any,
                where: ColumnElement[bool] | None) -> Later[list[list[Any]]]:
        """Each field over the rows of ``source`` (those ``where`` holds, if given) as a
        list of values (None for none), in one order.

        A month of 100,000 incidents has about 200,000 clocks, and a row each would cost
        more than the whole report (2 us a row through the driver alone on SQLite), as
        would a GROUP BY (SQLite sorts every row with the values it aggregates: 0.7 s). So
        the query aggregates the whole selection into one JSON array per field, which
        Python's JSON reader turns into numbers and texts at C speed (the clocks of 100,000
        incidents on SQLite: 0.25 s to read and parse, where one text per field to split
        and convert took 0.33). Every aggregate of a query's one group is fed the same
        rows in the same order, so the lists line up (PostgreSQL's parallel workers are
        turned off all the same).
        """
        aggregates: list[ColumnElement[Any]]
        if self.sqlite:
            aggregates = [func.json_group_array(field) for field in fields]
        else:  # as text, which the caller parses, not the driver in the reading's thread
            aggregates = [cast(func.json_agg(field), Text) for field in fields]
        query = select(*aggregates).select_from(source)
        if where is not None:
            query = query.where(where)
        return Later(self.ask(lambda connection: _one_row(connection, query)), _lists)


def _one_row(connection: Connection, query: Any) -> Any:
    result = connection.execute(query)
    try:
        return result.cursor.fetchone()
    finally:
        result.close()


def _lists(row: Any) -> list[list[Any]]:
    """The aggregates' JSON arrays (PostgreSQL's are none for an empty selection)."""
    return [json.loads(value) if value is not None else [] for value in row]


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


_EPOCH = datetime(1970, 1, 1)


def _instant(column: ColumnElement[Any], sqlite: bool) -> ColumnElement[Any]:
    """An instant as SQLite keeps it ('YYYY-MM-DD HH:MM:SS.ffffff' in UTC, read by
    ``_timestamps``), or PostgreSQL's UTC timestamp of it.

    SQLite's text is read by Python's ``datetime.fromisoformat`` (in C) rather than turned
    into a timestamp by SQLite's ``strftime`` (200,000 clocks' instants: 15 to 35 % less
    time for the query and the reading together).
    """
    if sqlite:
        return column
    return func.extract("epoch", column)


def _timestamps(values: list[Any], sqlite: bool) -> list[float]:
    """The UTC timestamps of ``_instant``'s values, NaN for none."""
    if not sqlite:
        return [nan if value is None else float(value) for value in values]
    return [nan if value is None else
            (datetime.fromisoformat(value) - _EPOCH).total_seconds() for value in values]


def _numbers(values: list[float | None]) -> list[float]:
    """Numbers, NaN for none."""
    return [nan if value is None else value for value in values]


def incidents(reading: Reading, windows: Sequence[Window]) -> Later[Incidents]:
    """The incidents each vendor logged in its window, in one query."""
    return reading.columns([
        INCIDENTS.c.id, INCIDENTS.c.number, INCIDENTS.c.agreement_version_id,
        INCIDENTS.c.severity, INCIDENTS.c.tier,
    ], INCIDENTS, _wanted(windows)).then(Incidents._make)


def state_at(now: datetime) -> ColumnElement[str]:
    """The cached state, or ``RUNNING_PAST_DUE`` for a running clock due by ``now``."""
    return case((and_(CLOCKS.c.state == "running", CLOCKS.c.due_at <= now),
                 literal(RUNNING_PAST_DUE)), else_=CLOCKS.c.state)


def most_of_database(session: Session, windows: Sequence[Window]) -> bool:
    """Whether the windows' span holds a third of the database's incidents or more: then
    reading every row of a table costs less than looking up each of theirs by its index.

    Counted by the index of when they were reported (100,000 incidents: 7 ms on SQLite,
    18 on PostgreSQL).
    """
    if not windows:
        return False
    reported = INCIDENTS.c.reported_at
    total = session.scalar(select(func.max(INCIDENTS.c.id))) or 0
    spanned = session.scalar(select(func.count()).where(
        reported >= min(w.start for w in windows), reported < max(w.end for w in windows)))
    return (spanned or 0) * 3 >= total


def clocks(reading: Reading, windows: Sequence[Window], most: bool, now: datetime,
           due_states: Sequence[str]) -> Later[Clocks]:
    """The cached clocks of the incidents each vendor logged in its window (and, when the
    windows hold ``most`` of the database's, of others: ``in_period`` leaves them out), in
    one query; the due times of those whose cached state is one of ``due_states``.

    Most of the database's incidents: every clock is read in the order it is kept (100,000
    incidents' 200,000 clocks on SQLite: 0.22 s instead of 0.6 s through the incidents'
    index). A few: they are read by the window's incidents, then their clocks by the
    clocks' index.
    """
    sqlite = reading.sqlite
    fields = [
        CLOCKS.c.incident_id, CLOCKS.c.metric, state_at(now), CLOCKS.c.taken_seconds,
        # The due times of the clocks in the cached states asked for (a report reads few).
        case((CLOCKS.c.state.in_(due_states), _instant(CLOCKS.c.due_at, sqlite))),
    ]
    if most:
        found = reading.columns(fields, CLOCKS, None)
    else:
        # "+ 0" keeps SQLite from scanning every clock of the database and looking up its
        # incident: it reads the period's incidents, then their clocks by the clocks' index
        # (a month of 8,500 among 100,000 incidents: 46 ms instead of 66, and the gap grows
        # with the database). PostgreSQL's planner is left its own choice.
        incident_id = INCIDENTS.c.id + 0 if sqlite else INCIDENTS.c.id
        found = reading.columns(fields,
                                INCIDENTS.join(CLOCKS, CLOCKS.c.incident_id == incident_id),
                                _wanted(windows))

    def parse(columns: list[list[Any]]) -> Clocks:
        ids, metrics, states, taken, dues = columns
        return Clocks(ids, metrics, states, _numbers(taken), _timestamps(dues, sqlite))

    return found.then(parse)


def in_period(clocks: Clocks, found: Incidents) -> tuple[Clocks, list[int]]:
    """The clocks of the incidents ``found`` alone, and each one's position among them."""
    position = dict(zip(found.ids, range(len(found.ids)), strict=True))
    owners: list[Any] = list(map(position.get, clocks.incident_ids))  # None: not found
    if None not in owners:
        return clocks, owners
    kept = [owner is not None for owner in owners]
    return (Clocks._make(list(compress(column, kept)) for column in clocks),
            list(compress(owners, kept)))


def _clock_times(reading: Reading, windows: Sequence[Window], which: ColumnElement[bool]
                 ) -> Later[ClockTimes]:
    """The times of the clocks ``which`` of the incidents each vendor logged in its window,
    by incident id and target."""
    sqlite = reading.sqlite

    def parse(columns: list[list[Any]]) -> ClockTimes:
        ids, metrics, starts, answers, paused, zones, countries = columns
        rows = dict(zip(zip(ids, metrics, strict=True), range(len(ids)), strict=True))
        return ClockTimes(rows, _timestamps(starts, sqlite), _timestamps(answers, sqlite),
                          paused, zones, countries)

    return reading.columns([
        CLOCKS.c.incident_id, CLOCKS.c.metric, _instant(CLOCKS.c.clock_start, sqlite),
        _instant(CLOCKS.c.met_at, sqlite), CLOCKS.c.paused_seconds,
        func.coalesce(INCIDENTS.c.site_zone, ""), func.coalesce(INCIDENTS.c.site_country, ""),
    ], INCIDENTS.join(CLOCKS, CLOCKS.c.incident_id == INCIDENTS.c.id),
        and_(_wanted(windows), which)).then(parse)


def target_times(reading: Reading, windows: Sequence[Window], metric: str
                 ) -> Later[ClockTimes]:
    """The times of one target's clocks (a goal with a time of its own counts them)."""
    return _clock_times(reading, windows, CLOCKS.c.metric == metric)


def late_times(reading: Reading, windows: Sequence[Window], now: datetime
               ) -> Later[ClockTimes]:
    """The times of the clocks breached at ``now``."""
    return _clock_times(reading, windows, state_at(now).in_(
        (RUNNING_PAST_DUE, ClockState.BREACHED.value)))


def severity_changed(reading: Reading, windows: Sequence[Window]) -> Later[set[int]]:
    """The numbers of the window's incidents whose severity changed: every severity change
    of the database is read once, by its own index (schema 0007), however few incidents
    the window holds."""
    query = (select(INCIDENTS.c.number).distinct()
             .select_from(EVENTS.join(INCIDENTS, INCIDENTS.c.id == EVENTS.c.incident_id))
             .where(EVENTS.c.kind == EventKind.SEVERITY_CHANGED.value, _wanted(windows)))
    return Later(reading.ask(lambda connection: connection.execute(query).scalars().all()),
                 set)


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
