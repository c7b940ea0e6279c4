"""Counts over a whole database: its incidents by status and its targets past their due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from deskapp.storage.models import Incident, TargetClock

_INCIDENTS = Incident.__table__
_CLOCKS = TargetClock.__table__

_BY_STATUS = select(_INCIDENTS.c.status, func.count()).group_by(_INCIDENTS.c.status)


def incidents_by_status(db: Session | Connection) -> dict[str, int]:
    """How many incidents each status has (statuses no incident has are left out)."""
    return {status: count for status, count in db.execute(_BY_STATUS).all()}


def targets_past_due(db: Session | Connection, at: datetime) -> int:
    """Targets due before ``at`` and not met by then: breached, or running past their due
    time (the cache is as of each incident's last write)."""
    query = select(func.count()).select_from(_CLOCKS).where(
        _CLOCKS.c.due_at.is_not(None),
        _CLOCKS.c.state.in_(("breached", "running")),
        _CLOCKS.c.due_at < at)
    return db.execute(query).scalar() or 0
