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
from deskapp.storage.fast import sqlite_insert
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
    first = (connection.scalar(select(func.max(INCIDENTS.c.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    sqlite_insert(connection, INCIDENTS,
                  [{**row, "id": new} for new, row in zip(ids, rows, strict=True)])
    return ids


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
    events = [{"incident_id": incident_id, "seq": seq, "kind": event.kind.value,
               "at": event.at, "recorded_at": recorded, "author": event.author,
               "data": dict(event.data)}
              for incident_id, timeline in zip(ids, timelines, strict=True)
              for seq, (event, recorded) in enumerate(
                  zip(timeline.events, timeline.recorded, strict=True), start=1)]
    _insert(connection, EVENTS, events)
    _insert(connection, CLOCKS, [{"incident_id": incident_id, **clock}
                                 for incident_id, timeline in zip(ids, timelines, strict=True)
                                 for clock in timeline.clocks])
    return len(events)


def _insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        sqlite_insert(connection, table, rows)
    else:
        connection.execute(insert(table), rows)
