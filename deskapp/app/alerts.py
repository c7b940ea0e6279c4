"""Which targets reached their warning point or breached in a span of time, from the cache.

The notifier asks every few seconds what happened since it last asked. The answer comes
from the cached clocks (the ``target_clocks`` table) of open incidents, not from reading
every open incident: ``warning_at`` and ``due_at`` there were computed in each target's
business time when the clocks were last written, so the instants are already decided in
business time; only the agent's own threshold ("warn me N minutes of business time
before") is worked out here, in each target's calendar, for the few clocks near it.

A clock counts while it is running: not met, not paused and not pending. A paused clock
tells nothing; when it resumes, its due time and warning point move and are told when
they come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from deskapp.app import agreements
from deskapp.app.views import incident_key
from deskapp.core.agreement import Agreement, Target, Unit
from deskapp.core.calendar import Calendar, format_duration
from deskapp.core.errors import InputError
from deskapp.core.sla import documents_reminder_at, target_calendar, time_left
from deskapp.storage import alerts as queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk


class Kind(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    DOCUMENTS = "documents"  # still waiting for its documentation: a reminder


@dataclass(frozen=True)
class Alert:
    """One event of one target: its warning point reached, or its due time passed."""

    incident_id: int
    key: str
    metric: str
    kind: Kind
    at: datetime  # when it happened: the warning point (or threshold) or the due time
    due: datetime  # the target's due time
    title: str
    vendor: str  # the vendor's key
    left_seconds: float  # business time left when it was found; negative once overdue
    assignee: str | None = None  # whom a reminder is for (None: anyone)

    @property
    def identity(self) -> tuple[int, str, Kind, datetime]:
        """An event is the incident, the metric, the kind and the due time: a due time moved
        by a pause or a severity change is a new event."""
        return (self.incident_id, self.metric, self.kind, self.due)

    def headline(self) -> str:
        if self.kind is Kind.BREACH:
            return f"{self.key} breached its {self.metric} target"
        if self.kind is Kind.DOCUMENTS:
            return f"{self.key} still waits for its documentation"
        return f"{self.key}: {self.metric} due in {format_duration(max(self.left_seconds, 0))}"

    def body(self) -> str:
        return f"{self.vendor}: {self.title}"


def due_alerts(desk: Desk, since: datetime, now: datetime, warn_seconds: float = 0,
               documents_after: float = 0) -> list[Alert]:
    """The warnings and breaches of running targets of open incidents in ``(since, now]``,
    and (``documents_after`` seconds of business time after it was logged) the reminders of
    incidents still waiting for their documentation.

    A breach is a due time in the span. A warning is the first of the agreement's warning
    point (``warning_at``) and, with ``warn_seconds``, the moment only that much business
    time is left, when that first moment is in the span and the target is not due by
    ``now`` (then its breach is told instead). Ordered by when each happened.
    """
    if now <= since:
        return []
    with desk.reading() as session:
        calendars = _Calendars(desk, session)
        latest = now
        if warn_seconds > 0:
            latest = max(now, calendars.threshold_horizon(now, warn_seconds))
        found = []
        for (incident_id, metric, due, warning_at, number, title, severity, version_id, zone,
             country, vendor) in queries.running_clocks(session, since, now, latest):
            timed = calendars.of(version_id, metric, severity, zone, country)
            if timed is None or due is None:
                continue
            target, calendar = timed
            event = _event(target, calendar, due, warning_at, since, now, warn_seconds)
            if event is None:
                continue
            kind, at = event
            found.append(Alert(incident_id, incident_key(number), metric, kind, at, due, title,
                               vendor, time_left(target, calendar, due, now)))
        if documents_after > 0:
            found += _documents_reminders(desk, session, since, now, documents_after)
    found.sort(key=lambda alert: (alert.at, alert.key, alert.metric))
    return found


def _documents_reminders(desk: Desk, session: Session, since: datetime, now: datetime,
                         after: float) -> list[Alert]:
    """Reminders, due in ``(since, now]``, of open incidents still waiting for documents."""
    versions = agreements.waiting_versions(session, desk.parsed)
    found = []
    for waiting in queries.waiting_for_documents(session, versions):
        agreement = desk.parsed.get(session, waiting.agreement_version_id)
        site = desk.sla.site(waiting.site_zone, waiting.site_country)
        reminder = documents_reminder_at(agreement, waiting.severity, site, desk.sla.book,
                                         waiting.reported_at, after)
        if reminder is not None and since < reminder[1] <= now:
            metric, at = reminder
            found.append(Alert(waiting.id, incident_key(waiting.number), metric,
                               Kind.DOCUMENTS, at, at, waiting.title, waiting.vendor, 0.0,
                               waiting.assignee))
    return found


def _event(target: Target, calendar: Calendar, due: datetime, warning_at: datetime | None,
           since: datetime, now: datetime, warn_seconds: float
           ) -> tuple[Kind, datetime] | None:
    """What happened to one running clock in ``(since, now]``, if anything."""
    if due <= now:
        return (Kind.BREACH, due) if due > since else None
    points = [warning_at] if warning_at is not None else []
    if warn_seconds > 0:
        left_before = time_left(target, calendar, due, since)
        if left_before <= warn_seconds:
            points.append(since)  # already within the threshold: told before, if ever
        elif time_left(target, calendar, due, now) <= warn_seconds:
            points.append(_threshold_point(target, calendar, since,
                                           left_before - warn_seconds))
    if not points:
        return None
    first = min(points)
    return (Kind.WARNING, first) if since < first <= now else None


def _threshold_point(target: Target, calendar: Calendar, since: datetime, amount: float
                     ) -> datetime:
    """``amount`` seconds of the target's time after ``since``."""
    if target.unit is Unit.CALENDAR_HOURS:
        return since + timedelta(seconds=amount)
    return calendar.add_business_seconds(since, amount)


class _Calendars:
    """Targets and calendars by (agreement version, metric, severity, site), built once."""

    def __init__(self, desk: Desk, session: Session) -> None:
        self.desk = desk
        self.session = session
        self._timed: dict[tuple[int, str, str, str | None, str | None],
                          tuple[Target, Calendar] | None] = {}

    def agreement(self, version_id: int) -> Agreement:
        return self.desk.parsed.get(self.session, version_id)

    def of(self, version_id: int, metric: str, severity: str, zone: str | None,
           country: str | None) -> tuple[Target, Calendar] | None:
        key = (version_id, metric, severity, zone, country)
        if key not in self._timed:
            agreement = self.agreement(version_id)
            try:
                target = agreement.target(metric, severity)
            except InputError:  # a metric the pinned agreement no longer has
                self._timed[key] = None
            else:
                site = self.desk.sla.site(zone, country)
                self._timed[key] = (target, target_calendar(agreement, target, site,
                                                            self.desk.sla.book))
        return self._timed[key]

    def threshold_horizon(self, now: datetime, warn_seconds: float) -> datetime:
        """The latest due time that has at most ``warn_seconds`` of its target's time left at
        ``now``, over every target of the agreements and sites of the open incidents.

        A due time in closed hours right after the threshold has the same time left as the
        threshold itself, so the horizon is the next opening after it.
        """
        sites = queries.open_sites(self.session)
        horizon = now
        for version_id, zone, country in sites:
            agreement = self.agreement(version_id)
            site = self.desk.sla.site(zone, country)
            for target in _distinct_calendars(agreement.targets):
                if target.unit is Unit.CALENDAR_HOURS:
                    point = now + timedelta(seconds=warn_seconds)
                else:
                    calendar = target_calendar(agreement, target, site, self.desk.sla.book)
                    point = calendar.effective_start(
                        calendar.add_business_seconds(now, warn_seconds))
                horizon = max(horizon, point)
        return horizon


def _distinct_calendars(targets: Iterable[Target]) -> list[Target]:
    """One target per (calendar, whether it counts around the clock)."""
    seen: dict[tuple[str, bool], Target] = {}
    for target in targets:
        seen.setdefault((target.calendar, target.unit is Unit.CALENDAR_HOURS), target)
    return list(seen.values())
