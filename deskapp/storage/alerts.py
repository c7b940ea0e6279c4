"""The cached clocks that may warn or breach in a span of time, for the notifier."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from deskapp.core.clocks import ClockState
from deskapp.storage.models import Incident, User, Vendor
from deskapp.storage.models import TargetClock as ClockRow


class RunningClock(NamedTuple):
    incident_id: int
    metric: str
    due_at: datetime | None
    warning_at: datetime | None
    number: int
    title: str
    severity: str
    agreement_version_id: int
    site_zone: str | None
    site_country: str | None
    vendor: str


def running_clocks(session: Session, since: datetime, now: datetime, latest: datetime
                   ) -> list[RunningClock]:
    """Running clocks of open incidents due in ``(since, latest]`` or whose warning point
    is in ``(since, now]``."""
    query = (
        select(ClockRow.incident_id, ClockRow.metric, ClockRow.due_at, ClockRow.warning_at,
               Incident.number, Incident.title, Incident.severity,
               Incident.agreement_version_id, Incident.site_zone, Incident.site_country,
               Vendor.key)
        .join(Incident, Incident.id == ClockRow.incident_id)
        .join(Vendor, Vendor.id == Incident.vendor_id)
        .where(Incident.is_open.is_(True), ClockRow.state == ClockState.RUNNING.value,
               ClockRow.due_at > since,
               or_(ClockRow.due_at <= latest,
                   and_(ClockRow.warning_at > since, ClockRow.warning_at <= now))))
    return [RunningClock(*row) for row in session.execute(query)]


def open_sites(session: Session) -> list[tuple[Any, ...]]:
    """The distinct (agreement version, site zone, site country) of open incidents."""
    return [tuple(row) for row in session.execute(
        select(Incident.agreement_version_id, Incident.site_zone, Incident.site_country)
        .where(Incident.is_open.is_(True)).distinct())]


class WaitingIncident(NamedTuple):
    id: int
    number: int
    title: str
    severity: str
    agreement_version_id: int
    site_zone: str | None
    site_country: str | None
    reported_at: datetime
    vendor: str
    assignee: str | None


def waiting_for_documents(session: Session, versions: list[int]) -> list[WaitingIncident]:
    """Open incidents under these agreement versions whose documentation is not in yet."""
    if not versions:
        return []
    query = (
        select(Incident.id, Incident.number, Incident.title, Incident.severity,
               Incident.agreement_version_id, Incident.site_zone, Incident.site_country,
               Incident.reported_at, Vendor.key, User.name)
        .join(Vendor, Vendor.id == Incident.vendor_id)
        .outerjoin(User, User.id == Incident.assignee_id)
        .where(Incident.is_open.is_(True), Incident.documentation_complete_at.is_(None),
               Incident.agreement_version_id.in_(versions)))
    return [WaitingIncident._make(row) for row in session.execute(query)]
