"""The rows an export reads (every incident with its timeline, the agreement texts) and the
few an import needs beside the bulk inserts of ``deskapp.storage.bulk``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select

from deskapp.storage.models import AgreementVersion, Product, User, Vendor
from deskapp.storage.records import INCIDENTS
from deskapp.storage.timelines import EVENTS

# The incident's own columns an export carries; the rest are ids (named instead) and what
# the clocks give (recomputed on import).
FIELDS = ("number", "title", "description", "reporter", "contact", "channel", "severity",
          "tier", "status", "site_zone", "site_country", "vendor_ref", "category",
          "filing_deadline", "agreed_due", "resolution_type", "documentation_complete_at",
          "reported_at", "created_at", "updated_at", "updated_by", "version")
INSTANTS = frozenset({"filing_deadline", "agreed_due", "documentation_complete_at",
                      "reported_at", "created_at", "updated_at"})
_VERSIONS = cast(Table, AgreementVersion.__table__)
_ASSIGNEES = cast(Table, User.__table__).alias("assignee")
_INCIDENTS = (
    select(INCIDENTS.c.id, Vendor.key.label("vendor"), Product.name.label("product"),
           AgreementVersion.digest.label("agreement"),
           _ASSIGNEES.c.name.label("assignee"), *(INCIDENTS.c[name] for name in FIELDS))
    .join(Vendor, Vendor.id == INCIDENTS.c.vendor_id)
    .join(Product, Product.id == INCIDENTS.c.product_id)
    .join(AgreementVersion, AgreementVersion.id == INCIDENTS.c.agreement_version_id)
    .outerjoin(_ASSIGNEES, _ASSIGNEES.c.id == INCIDENTS.c.assignee_id)
    .order_by(INCIDENTS.c.id))
_EVENTS = select(EVENTS.c.incident_id, EVENTS.c.seq, EVENTS.c.kind, EVENTS.c.at,
                 EVENTS.c.recorded_at, EVENTS.c.author, EVENTS.c.data)


def agreement_texts(connection: Connection) -> list[dict[str, Any]]:
    """Every stored agreement version: vendor, version, digest, text, when loaded."""
    rows = connection.execute(
        select(Vendor.key, AgreementVersion.version, AgreementVersion.digest,
               AgreementVersion.source, AgreementVersion.loaded_at)
        .join(Vendor, Vendor.id == AgreementVersion.vendor_id).order_by(AgreementVersion.id))
    return [{"vendor": vendor, "version": version, "digest": digest, "source": source,
             "loaded_at": loaded_at} for vendor, version, digest, source, loaded_at in rows]


def incidents_with_timelines(connection: Connection, chunk: int = 5000
                             ) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every incident (named vendor, product, agreement digest and assignee) with its
    events in the order they were recorded, a chunk at a time, in the caller's
    transaction."""
    last = 0
    while True:
        incidents = [row._asdict() for row in connection.execute(
            _INCIDENTS.where(INCIDENTS.c.id > last).limit(chunk))]
        if not incidents:
            return
        low, last = incidents[0]["id"], incidents[-1]["id"]
        events: dict[int, list[dict[str, Any]]] = {}
        for row in connection.execute(_EVENTS.where(EVENTS.c.incident_id.between(low, last))
                                      .order_by(EVENTS.c.incident_id, EVENTS.c.seq)):
            events.setdefault(row.incident_id, []).append(
                {"seq": row.seq, "kind": row.kind, "at": row.at,
                 "recorded_at": row.recorded_at, "author": row.author, "data": row.data})
        for incident in incidents:
            yield incident, events.get(incident.pop("id"), [])


def agreement_ids(connection: Connection) -> dict[tuple[str, str], int]:
    """Each stored agreement version's id by its vendor's key and its text's digest."""
    return {(vendor, digest): version_id for vendor, digest, version_id in connection.execute(
        select(Vendor.key, AgreementVersion.digest, AgreementVersion.id)
        .join(Vendor, Vendor.id == AgreementVersion.vendor_id))}


def add_agreement_version(connection: Connection, vendor_id: int, version: str,
                          source: str, digest: str, loaded_at: datetime) -> int:
    """Store an agreement text an imported incident was logged under; not current."""
    return int(connection.execute(
        insert(_VERSIONS).returning(_VERSIONS.c.id),
        {"vendor_id": vendor_id, "version": version, "source": source, "digest": digest,
         "loaded_at": loaded_at, "is_current": False}).scalar_one())


def taken_numbers(connection: Connection, numbers: Iterable[int]) -> list[int]:
    """Which of ``numbers`` are already incidents' numbers."""
    wanted = sorted(set(numbers))
    taken: list[int] = []
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        taken += connection.execute(select(INCIDENTS.c.number).where(
            INCIDENTS.c.number.in_(part))).scalars().all()
    return sorted(taken)
