"""Reading and writing cached clocks in bulk, for recomputing every incident's.

Rows through the driver (``deskapp.storage.fast``): only the kinds of event the clocks read
and only the details they read; back only the clocks and next due times that changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, delete, insert, select, text, update
from sqlalchemy.orm import Session

from deskapp.core.clocks import CLOCK_DETAILS, CLOCK_EVENTS
from deskapp.core.lifecycle import Event, EventKind
from deskapp.storage.clock_cache import (
    CLOCK_FIELDS,
    INSTANT_FIELDS,
    CachedClock,
    as_cached_clock,
)
from deskapp.storage.fast import raw_rows
from deskapp.storage.models import Incident, IncidentEvent
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import CLOCKS

_KINDS = {kind.value: kind for kind in EventKind}
_CLOCK_KINDS = sorted(kind.value for kind in CLOCK_EVENTS)
_NO_DETAILS: dict[str, str] = {}
_new_tuple = tuple.__new__
_INSTANTS = [CLOCK_FIELDS.index(name) for name in INSTANT_FIELDS]


class RangeIncident(NamedTuple):
    id: int
    agreement_version_id: int
    site_zone: str | None
    site_country: str | None
    status: str
    next_due_at: datetime | None
    version: int
    number: int


@dataclass
class Range:
    """What the clocks of a range of incidents are computed from, and what the cache holds."""

    incidents: list[RangeIncident]
    timelines: dict[int, list[Event]]
    cached: dict[tuple[int, str], CachedClock]


@dataclass
class CacheChanges:
    """What a recomputation of a range writes back."""

    changed: list[dict[str, Any]] = field(default_factory=list)  # (incident, metric) rows
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    next_dues: list[dict[str, Any]] = field(default_factory=list)  # {"key", "due"}

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed or self.next_dues)

    def clock(self, incident_id: int, metric: str, clock: CachedClock, *, new: bool) -> None:
        row = {"incident_id": incident_id, "metric": metric, **clock._asdict()}
        if new:
            self.added.append(row)
        else:
            self.changed.append({f"new_{k}": v for k, v in row.items()})


def incident_ids(session: Session) -> list[int]:
    return [row[0] for row in raw_rows(session, select(Incident.id).order_by(Incident.id))]


def read_range(session: Session, low: int, high: int) -> Range:
    """Incidents ``low`` to ``high`` (ids) with the events their clocks read and their
    cached clocks."""
    if session.get_bind().dialect.name == "postgresql":
        # The workers already keep every core busy: a query split among server
        # processes would only add the cost of starting them.
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    return _read(session, Incident.id.between(low, high),
                 lambda column: column.between(low, high))


def read_open_of_vendor(session: Session, vendor_id: int, *, lock: bool = False) -> Range:
    """A vendor's open incidents with the events their clocks read and their cached clocks;
    ``lock`` holds their rows until the transaction ends (PostgreSQL)."""
    chosen = and_(Incident.vendor_id == vendor_id, Incident.is_open)
    ids = select(Incident.id).where(chosen).scalar_subquery()
    return _read(session, chosen, lambda column: column.in_(ids), lock=lock)


def _read(session: Session, chosen: Any, among: Any, *, lock: bool = False) -> Range:
    query = select(
        Incident.id, Incident.agreement_version_id, Incident.site_zone,
        Incident.site_country, Incident.status, Incident.next_due_at, Incident.version,
        Incident.number,
    ).where(chosen).order_by(Incident.id)
    if lock:
        query = query.with_for_update()
    incidents = [RangeIncident(*row) for row in session.execute(query)]
    timelines: dict[int, list[Event]] = defaultdict(list)
    # Only the events the clocks read, and the database picks out the details they
    # read, from the kinds of event they read them from, so no JSON is decoded here.
    details = [case((IncidentEvent.kind.in_([kind.value for kind in kinds]),
                     IncidentEvent.data[name].as_string()))
               for name, kinds in CLOCK_DETAILS.items()]
    events = (
        select(IncidentEvent.incident_id, IncidentEvent.kind, IncidentEvent.at, *details)
        .where(among(IncidentEvent.incident_id), IncidentEvent.kind.in_(_CLOCK_KINDS))
        .order_by(IncidentEvent.incident_id, IncidentEvent.at, IncidentEvent.seq))
    # SQLite keeps instants as UTC text, parsed here rather than by the column type
    # (several times slower per row), with the offset appended (a sixth of the cost of
    # .replace); PostgreSQL's come as datetimes, in UTC already (see ``open_engine``).
    as_text = session.get_bind().dialect.name == "sqlite"
    kinds, no_details, parse = _KINDS, _NO_DETAILS, datetime.fromisoformat
    names = list(CLOCK_DETAILS)
    assert names == ["severity", "status", "due"], names  # the unpacking below
    for incident_id, kind, at, severity, status, due in raw_rows(session, events):
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
    cached: dict[tuple[int, str], CachedClock] = {}
    columns = [CLOCKS.c[name] for name in ("incident_id", "metric", *CLOCK_FIELDS)]
    for incident_id, metric, *values in raw_rows(session, select(*columns).where(
            among(CLOCKS.c.incident_id))):
        if as_text:
            for index in _INSTANTS:
                if values[index] is not None:
                    values[index] = parse(values[index] + "+00:00")
        cached[(incident_id, metric)] = as_cached_clock(values)
    return Range(incidents, timelines, cached)


def repin_open(session: Session, vendor_id: int, agreement_version_id: int, *,
               author: str, at: datetime) -> int:
    """Pin a vendor's open incidents to another agreement version, as a write of ``author``
    at ``at`` (their version goes up); returns how many. Read them with ``lock`` first, in
    the same transaction, so that these are the rows that were read."""
    result = session.connection().execute(
        update(INCIDENTS)
        .where(INCIDENTS.c.vendor_id == vendor_id, INCIDENTS.c.is_open,
               INCIDENTS.c.agreement_version_id != agreement_version_id)
        .values(agreement_version_id=agreement_version_id, updated_by=author, updated_at=at,
                version=INCIDENTS.c.version + 1))
    return int(result.rowcount)


def write_changes(session: Session, changes: CacheChanges, versions: dict[int, int]
                  ) -> int:
    """Write ``changes`` for the incidents still at the version they were read at
    (``versions``, by id); returns how many incidents were left out because another
    workstation wrote them since (that write refreshed their clocks from the newer timeline,
    which this recomputation did not read).

    The incidents' rows are locked first, in id order, as every write locks its incident's
    row before it writes the clocks (PostgreSQL; on SQLite the write transaction alone keeps
    other writers out), so no write can land between the check and the update.
    """
    touched = sorted({row["new_incident_id"] for row in changes.changed}
                     | {row["incident_id"] for row in changes.added}
                     | {incident_id for incident_id, _ in changes.removed}
                     | {row["key"] for row in changes.next_dues})
    current: dict[int, int] = {}
    for start in range(0, len(touched), 1000):
        chunk = touched[start:start + 1000]
        for incident_id, version in session.execute(
                select(Incident.id, Incident.version).where(Incident.id.in_(chunk))
                .order_by(Incident.id).with_for_update()):
            current[incident_id] = version
    moved = {incident_id for incident_id in touched
             if current.get(incident_id) != versions[incident_id]}
    changed = [row for row in changes.changed if row["new_incident_id"] not in moved]
    added = [row for row in changes.added if row["incident_id"] not in moved]
    removed = [key for key in changes.removed if key[0] not in moved]
    next_dues = [row for row in changes.next_dues if row["key"] not in moved]
    if changed:
        session.execute(
            update(CLOCKS)
            .where(and_(CLOCKS.c.incident_id == bindparam("new_incident_id"),
                        CLOCKS.c.metric == bindparam("new_metric")))
            .values({name: bindparam(f"new_{name}") for name in CLOCK_FIELDS}),
            changed)
    if added:
        session.execute(insert(CLOCKS), added)
    for incident_id, metric in removed:  # targets the severity no longer has
        session.execute(delete(CLOCKS).where(
            CLOCKS.c.incident_id == incident_id, CLOCKS.c.metric == metric))
    if next_dues:
        session.execute(
            update(INCIDENTS).where(INCIDENTS.c.id == bindparam("key"))
            .values(next_due_at=bindparam("due")), next_dues)
    return len(moved)
