"""Loading many incidents at once: the ids they refer to and their rows, inserted in batches.

For filling an empty database (the demo's year of incidents): each statement inserts a
whole batch, where the desk's writes insert one incident at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table, func, insert, select

from deskapp.core.lifecycle import Event
from deskapp.storage.fast import (
    insert_sqlite_values,
    sqlite_insert,
    sqlite_instants,
    sqlite_json,
    sqlite_values,
)
from deskapp.storage.models import (
    AgreementVersion,
    Incident,
    Product,
    User,
    Vendor,
)
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import CLOCKS, EVENTS

_USERS = cast(Table, User.__table__)


def incident_count(connection: Connection) -> int:
    return connection.scalar(select(func.count(Incident.id))) or 0


def last_incident_number(connection: Connection) -> int:
    """The highest incident number given so far, 0 when there is none."""
    return connection.scalar(select(func.max(Incident.number))) or 0


def vendor_ids(connection: Connection) -> dict[str, int]:
    """Each vendor's id by its key."""
    return dict(connection.execute(select(Vendor.key, Vendor.id)).all())


def current_agreement_ids(connection: Connection) -> dict[str, int]:
    """The id of each vendor's current agreement version, by the vendor's key."""
    return dict(connection.execute(
        select(Vendor.key, AgreementVersion.id).join(Vendor)
        .where(AgreementVersion.is_current)).all())


def product_ids(connection: Connection) -> dict[tuple[int, str], int]:
    """Each product's id by its vendor's id and its name."""
    return {(vendor_id, name): product_id for product_id, vendor_id, name in
            connection.execute(select(Product.id, Product.vendor_id, Product.name))}


def user_ids(connection: Connection) -> dict[str, int]:
    """Each user's id by name."""
    return dict(connection.execute(select(User.name, User.id)).all())


def add_agents(connection: Connection, names: Iterable[str]) -> dict[str, int]:
    """New users with the agent role, in the order given; their ids by name."""
    return {name: connection.execute(insert(_USERS).returning(_USERS.c.id),
                                     {"name": name, "role": "agent"}).scalar_one()
            for name in names}


def insert_incidents(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert incident rows (every column but the id); their new ids, in the same order.

    On SQLite (where a write transaction holds the only write lock) the ids are given here,
    after the highest, and the rows go in through ``fast.sqlite_insert``."""
    if connection.dialect.name != "sqlite":
        return list(connection.execute(
            insert(INCIDENTS).returning(INCIDENTS.c.id, sort_by_parameter_order=True),
            rows).scalars())
    first = first_free_id(connection)
    ids = list(range(first, first + len(rows)))
    sqlite_insert(connection, INCIDENTS,
                  [{**row, "id": new} for new, row in zip(ids, rows, strict=True)])
    return ids


def first_free_id(connection: Connection) -> int:
    """The id after the highest incident's: the next one SQLite gives."""
    return (connection.scalar(select(func.max(INCIDENTS.c.id))) or 0) + 1


class Timeline(NamedTuple):
    """A new incident's timeline as written: its events, when each was written down, and
    its cached clocks (rows of the clock's fields by name)."""

    events: Sequence[Event]
    recorded: Sequence[datetime]
    clocks: Iterable[dict[str, Any]]


def insert_timelines(connection: Connection, ids: Sequence[int],
                     timelines: Sequence[Timeline]) -> int:
    """Insert the timelines and cached clocks of the incidents ``ids`` (as
    ``insert_incidents`` returned them, in the same order); the number of events."""
    clocks = _clock_rows(ids, timelines)
    if connection.dialect.name == "sqlite":
        events = _sqlite_events(ids, timelines)
        insert_sqlite_values(connection, EVENTS.name, _EVENT_COLUMNS, events)
        sqlite_insert(connection, CLOCKS, clocks)
        return len(events)
    rows = [dict(zip(_EVENT_COLUMNS, values, strict=True)) for values in _events(
        ids, timelines, lambda moment: moment, dict)]
    _insert(connection, EVENTS, rows)
    _insert(connection, CLOCKS, clocks)
    return len(rows)


_EVENT_COLUMNS = ["incident_id", "seq", "kind", "at", "recorded_at", "author", "data"]


def _events(ids: Iterable[int], timelines: Iterable[Timeline],
            instant: Callable[[datetime], Any], data: Callable[[Any], Any]
            ) -> list[tuple[Any, ...]]:
    """The timelines' rows, each value of ``_EVENT_COLUMNS`` in turn, their instants and
    data made by ``instant`` and ``data``."""
    return [(incident_id, seq, event.kind.value, instant(event.at), instant(recorded),
             event.author, data(event.data))
            for incident_id, timeline in zip(ids, timelines, strict=True)
            for seq, (event, recorded) in enumerate(
                zip(timeline.events, timeline.recorded, strict=True), start=1)]


def _sqlite_events(ids: Iterable[int], timelines: Iterable[Timeline]
                   ) -> list[tuple[Any, ...]]:
    """The timelines' rows made as the columns' types make them for SQLite, without rows
    by name in between: 0.70 s for an import's 200,000 timeline entries where
    ``fast.sqlite_values`` took 1.30 s."""
    return _events(ids, timelines, sqlite_instants(), sqlite_json)


def _clock_rows(ids: Iterable[int], timelines: Iterable[Timeline]) -> list[dict[str, Any]]:
    return [{"incident_id": incident_id, **clock}
            for incident_id, timeline in zip(ids, timelines, strict=True)
            for clock in timeline.clocks]


# A batch made in one process and written by another (SQLite only): each table's name, the
# columns filled and the rows' values, as ``fast.sqlite_values`` makes them.
SqliteBatch = list[tuple[str, list[str], list[tuple[Any, ...]]]]


def sqlite_batch(first_id: int, rows: Sequence[dict[str, Any]],
                 timelines: Sequence[Timeline]) -> SqliteBatch:
    """New incidents' rows (every column but the id), timelines and cached clocks as
    ``insert_sqlite_batch`` writes them, the incidents numbered from ``first_id``."""
    ids = range(first_id, first_id + len(rows))
    return [
        (str(INCIDENTS.name), *sqlite_values(
            INCIDENTS, [{**row, "id": new} for new, row in zip(ids, rows, strict=True)])),
        (str(EVENTS.name), _EVENT_COLUMNS, _sqlite_events(ids, timelines)),
        (str(CLOCKS.name), *sqlite_values(CLOCKS, _clock_rows(ids, timelines)))]


def insert_sqlite_batch(connection: Connection, batch: SqliteBatch) -> None:
    """Write a batch ``sqlite_batch`` made: each table's rows in one statement."""
    for table, names, values in batch:
        insert_sqlite_values(connection, table, names, values)


def _insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        sqlite_insert(connection, table, rows)
    else:
        connection.execute(insert(table), rows)
