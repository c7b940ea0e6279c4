"""Which incidents were written since a moment, and incidents' ids by number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.storage.models import Incident


def written_since(session: Session, since: datetime) -> list[tuple[int, int]]:
    """(id, version) of every incident written after ``since`` (new ones too), by id."""
    rows = session.execute(select(Incident.id, Incident.version)
                           .where(Incident.updated_at > since).order_by(Incident.id))
    return [(incident_id, version) for incident_id, version in rows]


def ids_by_number(session: Session, numbers: list[int]) -> dict[int, int]:
    rows = session.execute(select(Incident.number, Incident.id)
                           .where(Incident.number.in_(numbers)))
    return {number: incident_id for number, incident_id in rows}
