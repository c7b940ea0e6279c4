"""Loading many incidents at once: the ids they refer to and their rows, inserted in batches.

For filling an empty database (the demo's year of incidents): each statement inserts a
whole batch, where the desk's writes insert one incident at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table, func, insert, select

from deskapp.core.lifecycle import Event
from deskapp.storage.fast import insert_sqlite_values, sqlite_insert, sqlite_values
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
    events, clocks = _timeline_rows(ids, timelines)
    _insert(connection, EVENTS, events)
    _insert(connection, CLOCKS, clocks)
    return len(events)


def _timeline_rows(ids: Sequence[int], timelines: Sequence[Timeline]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events = [{"incident_id": incident_id, "seq": seq, "kind": event.kind.value,
               "at": event.at, "recorded_at": recorded, "author": event.author,
               "data": dict(event.data)}
              for incident_id, timeline in zip(ids, timelines, strict=True)
              for seq, (event, recorded) in enumerate(
                  zip(timeline.events, timeline.recorded, strict=True), start=1)]
    clocks = [{"incident_id": incident_id, **clock}
              for incident_id, timeline in zip(ids, timelines, strict=True)
              for clock in timeline.clocks]
    return events, clocks


# A batch made in one process and written by another (SQLite only): each table's name, the
# columns filled and the rows' values, as ``fast.sqlite_values`` makes them.
SqliteBatch = list[tuple[str, list[str], list[tuple[Any, ...]]]]


def sqlite_batch(first_id: int, rows: Sequence[dict[str, Any]],
                 timelines: Sequence[Timeline]) -> SqliteBatch:
    """New incidents' rows (every column but the id), timelines and cached clocks as
    ``insert_sqlite_batch`` writes them, the incidents numbered from ``first_id``."""
    ids = range(first_id, first_id + len(rows))
    events, clocks = _timeline_rows(ids, timelines)
    return [(str(table.name), *sqlite_values(table, table_rows)) for table, table_rows in (
        (INCIDENTS, [{**row, "id": new} for new, row in zip(ids, rows, strict=True)]),
        (EVENTS, events), (CLOCKS, clocks))]


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
