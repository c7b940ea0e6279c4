"""Recomputing every cached clock from the timelines, in bulk.

Reads rows with SQLAlchemy Core (no ORM objects), only the kinds of event the clocks read
and only the details they read, and writes back only the clocks and next due times that
changed. Cached clocks are derived data, so refreshing them does not bump an incident's
version.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from deskapp.app.desk import CLOCK_FIELDS, Desk, clock_fields, clock_row
from deskapp.core.clocks import CLOCK_DETAILS, CLOCK_EVENTS, compute_clocks, next_due
from deskapp.core.lifecycle import Event, EventKind, Status
from deskapp.office import Office
from deskapp.storage.engine import open_engine
from deskapp.storage.models import Incident, IncidentEvent
from deskapp.storage.models import TargetClock as ClockRow

CHUNK = 5000
PARALLEL_FROM = 20_000  # incidents; below this, starting processes costs more
_KINDS = {kind.value: kind for kind in EventKind}
_OPEN = {status.value for status in Status if status.is_open}
_CLOCK_KINDS = sorted(kind.value for kind in CLOCK_EVENTS)
_NO_DETAILS: dict[str, str] = {}
_new_tuple = tuple.__new__


def recompute_all(desk: Desk, progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None, chunk: int = CHUNK) -> int:
    """Recompute every incident's cached clocks; returns how many incidents were read.

    Large databases are shared out in ranges of incidents to one process per core (the
    clocks are pure computation; SQLite readers do not block each other in WAL mode).
    """
    with desk.reading() as session:
        ids = [row[0] for row in _raw_rows(session, select(Incident.id).order_by(Incident.id))]
    ranges = [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(ids) >= PARALLEL_FROM else 1
    done = 0
    if workers <= 1 or len(ranges) <= 1:
        for low, high in ranges:
            done += recompute_range(desk, low, high)
            if progress is not None:
                progress(done, len(ids))
        return done
    url = desk.engine.url.render_as_string(hide_password=False)
    office = (desk.office.zone, desk.office.country)
    context = _start_method()
    # A forked worker starts with this desk's parsed agreements and built calendars (a
    # spawned one cannot be handed them, and builds its own).
    parent = desk if context.get_start_method() == "fork" else None
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(url, office, parent)) as pool:
        for count in pool.map(_worker_range, ranges):
            done += count
            if progress is not None:
                progress(done, len(ids))
    return done


_WORKER: list[Desk] = []


def _start_method() -> multiprocessing.context.BaseContext:
    """Fork, so workers start with everything already imported, unless this process runs
    Qt (the window), which must never be forked: its workers start afresh.

    A forked worker opens its own engine and never uses the connections it inherited.
    """
    if "fork" in multiprocessing.get_all_start_methods() and "PySide6.QtCore" not in sys.modules:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(url: str, office: tuple[str, str | None], parent: Desk | None) -> None:
    # A worker only builds rows, events and clocks that no cycle holds, and drops them by
    # reference counting: the cycle collector would walk them all for nothing.
    gc.disable()
    worker = Desk(open_engine(url), office=Office(*office))
    if parent is not None:
        worker.sla, worker._agreements = parent.sla, parent._agreements
    _WORKER.append(worker)


def _worker_range(bounds: tuple[int, int]) -> int:
    return recompute_range(_WORKER[0], *bounds)


def recompute_range(desk: Desk, low: int, high: int) -> int:
    """Recompute the clocks of incidents ``low`` to ``high`` (ids); writes only changes."""
    incidents_table = cast(Table, Incident.__table__)
    clocks_table = cast(Table, ClockRow.__table__)
    book = desk.sla.book
    with desk.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            # The workers already keep every core busy: a query split among server
            # processes would only add the cost of starting them.
            session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        chunk = session.execute(select(
            Incident.id, Incident.agreement_version_id, Incident.site_zone,
            Incident.site_country, Incident.status, Incident.next_due_at,
        ).where(Incident.id.between(low, high))).all()
        timelines: dict[int, list[Event]] = defaultdict(list)
        # Only the events the clocks read, and the database picks out the details they
        # read, from the kinds of event they read them from, so no JSON is decoded here.
        details = [case((IncidentEvent.kind.in_([kind.value for kind in kinds]),
                         IncidentEvent.data[name].as_string()))
                   for name, kinds in CLOCK_DETAILS.items()]
        events = (
            select(IncidentEvent.incident_id, IncidentEvent.kind, IncidentEvent.at, *details)
            .where(IncidentEvent.incident_id.between(low, high),
                   IncidentEvent.kind.in_(_CLOCK_KINDS))
            .order_by(IncidentEvent.incident_id, IncidentEvent.at, IncidentEvent.seq))
        # SQLite keeps instants as UTC text, parsed here rather than by the column type
        # (several times slower per row), with the offset appended (a sixth of the cost of
        # .replace); PostgreSQL's come as datetimes, in UTC already (see ``open_engine``).
        as_text = session.get_bind().dialect.name == "sqlite"
        kinds, no_details, parse = _KINDS, _NO_DETAILS, datetime.fromisoformat
        for incident_id, kind, at, severity, status, due in _raw_rows(session, events):
            if severity is None and status is None and due is None:
                data = no_details
            else:
                data = {}
                if severity is not None:
                    data["severity"] = severity
                if status is not None:
                    data["status"] = status
                if due is not None:
                    data["due"] = due
            if as_text:
                at = parse(at + "+00:00")
            # No author: the clocks never read who did what. Made as Event's own __new__
            # does, without its Python frame (a million events).
            timelines[incident_id].append(_new_tuple(Event, (kinds[kind], at, "", data)))
        # Stored clocks as tuples in the order of CLOCK_FIELDS, compared as such below.
        cached: dict[tuple[int, str], tuple[Any, ...]] = {}
        columns = [clocks_table.c[name] for name in ("incident_id", "metric", *CLOCK_FIELDS)]
        for incident_id, metric, *values in _raw_rows(session, select(*columns).where(
                clocks_table.c.incident_id.between(low, high))):
            if as_text:
                values[1:6] = [value and parse(value + "+00:00") for value in values[1:6]]
            cached[(incident_id, metric)] = tuple(values)
        agreements = {version: desk._agreement(version, session=session)
                      for version in {incident.agreement_version_id for incident in chunk}}
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    next_dues: list[dict[str, Any]] = []
    for incident in chunk:
        site = desk.sla.site(incident.site_zone, incident.site_country)
        clocks = compute_clocks(timelines[incident.id],
                                agreements[incident.agreement_version_id], site, book)
        for clock in clocks:
            values = clock_row(clock)
            old = cached.pop((incident.id, clock.metric), None)
            if old != values:
                row = {"incident_id": incident.id, "metric": clock.metric,
                       **clock_fields(values)}
                if old is None:
                    added.append(row)
                else:
                    changed.append({f"new_{k}": v for k, v in row.items()})
        due = next_due(clocks) if incident.status in _OPEN else None
        if due != incident.next_due_at:
            next_dues.append({"key": incident.id, "due": due})
    if not (changed or added or cached or next_dues):
        return len(chunk)
    with desk.writing() as session:
        if changed:
            session.execute(
                update(clocks_table)
                .where(and_(clocks_table.c.incident_id == bindparam("new_incident_id"),
                            clocks_table.c.metric == bindparam("new_metric")))
                .values({name: bindparam(f"new_{name}") for name in CLOCK_FIELDS}),
                changed)
        if added:
            session.execute(insert(clocks_table), added)
        for incident_id, metric in cached:  # targets the severity no longer has
            session.execute(delete(clocks_table).where(
                clocks_table.c.incident_id == incident_id, clocks_table.c.metric == metric))
        if next_dues:
            session.execute(
                update(incidents_table)
                .where(incidents_table.c.id == bindparam("key"))
                .values(next_due_at=bindparam("due")), next_dues)
    return len(chunk)


def _raw_rows(session: Session, statement: ClauseElement) -> Any:
    """The driver's own rows for a statement with no parameters left to bind.

    A million events go through here in a full recomputation; SQLAlchemy's row objects and
    type processing would cost more than the clocks themselves.
    """
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    connection = session.connection().connection
    # PostgreSQL sends numbers and instants in binary, which neither end formats or parses.
    options = {"binary": True} if dialect.name == "postgresql" else {}
    cursor = connection.cursor(**options)
    cursor.execute(sql)
    return cursor.fetchall()  # in one go: psycopg fetches row by row when iterated
