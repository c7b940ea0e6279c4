"""An incident as one write finds it: its row, with the names its view shows.

Read and written through SQLAlchemy Core: for a write that touches one row, an ORM object
and its unit of work cost more than the rest of the round trip.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update

from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.storage.errors import ROW_ERRORS, damaged_row
from deskapp.storage.incident_record import IncidentRecord
from deskapp.storage.models import Incident, Product, User, Vendor

INCIDENTS = cast(Table, Incident.__table__)
_ASSIGNEES = cast(Table, User.__table__).alias("assignee")


# Statements built once: building one costs more than running it.
_READ = (
    select(INCIDENTS, Vendor.key.label("vendor_key"), Vendor.name.label("vendor_name"),
           Product.name.label("product_name"), _ASSIGNEES.c.name.label("assignee_name"))
    .join(Vendor, Vendor.id == INCIDENTS.c.vendor_id)
    .join(Product, Product.id == INCIDENTS.c.product_id)
    .outerjoin(_ASSIGNEES, _ASSIGNEES.c.id == INCIDENTS.c.assignee_id)
    .where(INCIDENTS.c.number == bindparam("number")))
_LOCKING_READ = _READ.with_for_update(of=INCIDENTS)
# The SET clause comes from the parameters of each execution: only what changed.
_WRITE = update(INCIDENTS).where(INCIDENTS.c.id == bindparam("record_id"),
                                 INCIDENTS.c.version == bindparam("record_version"))


def read_record(connection: Connection, number: int, *, lock: bool = False
                ) -> IncidentRecord | None:
    """Incident ``number``; ``lock`` holds its row until the transaction ends (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already makes writers take turns)."""
    try:
        row = connection.execute(_LOCKING_READ if lock else _READ, {"number": number}).first()
        if row is None:
            return None
        record = IncidentRecord(**row._mapping)
        Status(record.status)  # a damaged row names the incident, not a ValueError
        if record.resolution_type is not None:
            ResolutionType(record.resolution_type)
    except ROW_ERRORS as exc:
        raise damaged_row(f"incident {incident_key(number)}", exc, connection.engine.url
                          ) from exc
    return record


def write_record(connection: Connection, record: IncidentRecord, *, author: str,
                 at: datetime) -> bool:
    """Store the record's changes, stamped with ``author`` and ``at``, under the next
    version; False (nothing written) when its row has changed since it was read."""
    values = record.changes()
    values.update(updated_at=at, updated_by=author, version=record.version + 1)
    result = connection.execute(
        _WRITE, {**values, "record_id": record.id, "record_version": record.version})
    if result.rowcount != 1:
        return False
    for name, value in values.items():
        setattr(record, name, value)
    record.mark_stored()
    return True


_INSERT = insert(INCIDENTS).returning(INCIDENTS.c.id)


def insert_record(connection: Connection, values: dict[str, Any], *, vendor_key: str,
                  vendor_name: str, product_name: str, assignee_name: str | None
                  ) -> IncidentRecord:
    """A new incident's row, from every column but its id; returned as a record."""
    incident_id = connection.execute(_INSERT, values).scalar_one()
    return IncidentRecord(id=incident_id, **values, vendor_key=vendor_key,
                          vendor_name=vendor_name, product_name=product_name,
                          assignee_name=assignee_name)


def next_number(connection: Connection) -> int:
    """The number the next incident takes (hold the numbering lock while using it)."""
    return (connection.scalar(select(func.max(INCIDENTS.c.number))) or 0) + 1
