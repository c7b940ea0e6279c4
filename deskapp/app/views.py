"""Plain values the service hands to the window and the command line (never ORM objects)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from deskapp.app.sla import SlaService
from deskapp.core.agreement import Agreement
from deskapp.core.clocks import TargetClock, TargetState, clocks_at
from deskapp.core.hints import calendar_warnings
from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import Event, Status
from deskapp.core.workflow import Standing
from deskapp.storage.clock_cache import CachedClock, clock_from_cache
from deskapp.storage.incident_record import IncidentRecord, QueueLine


@dataclass(frozen=True)
class IncidentDraft:
    """What an agent types to log an incident; ``reported_at`` starts the clocks."""

    vendor: str
    product: str
    title: str
    severity: str
    description: str = ""
    reporter: str = ""
    contact: str = ""
    channel: str = "phone"
    tier: str | None = None  # the agreement's first tier when not given
    site_zone: str | None = None
    site_country: str | None = None
    vendor_ref: str | None = None
    category: str | None = None
    filing_deadline: datetime | None = None
    documentation_complete_at: datetime | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class IncidentView:
    """One incident with its timeline and its clocks at a given instant."""

    key: str
    number: int
    version: int
    vendor: str
    vendor_name: str
    product: str
    title: str
    description: str
    reporter: str
    contact: str
    channel: str
    severity: str
    tier: str
    status: Status
    assignee: str | None
    site_zone: str | None
    site_country: str | None
    vendor_ref: str | None
    category: str | None
    filing_deadline: datetime | None
    agreed_due: datetime | None
    resolution_type: str | None
    reported_at: datetime
    updated_at: datetime
    updated_by: str
    agreement_version: str
    documentation_complete_at: datetime | None = None
    events: tuple[Event, ...] = ()
    clocks: tuple[TargetState, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def standing(self) -> Standing:
        """What decides the actions the incident allows (core's workflow rule)."""
        return Standing(self.key, self.status, self.tier, self.severity,
                        self.documentation_complete_at is not None)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, read from the cached clocks without the timeline."""

    id: int
    key: str
    vendor: str
    product: str
    severity: str
    tier: str
    status: Status
    assignee: str | None
    title: str
    reported_at: datetime
    next_due_at: datetime | None
    version: int
    clocks: tuple[TargetClock, ...] = ()  # read with ``clock.at(now)`` on every tick


__all__ = ["IncidentDraft", "IncidentView", "QueueRow", "detail_items", "incident_key",
           "incident_view", "queue_row"]


def incident_view(incident: IncidentRecord, events: Sequence[Event], agreement: Agreement,
                  sla: SlaService, now: datetime, clocks: Sequence[TargetClock] | None = None
                  ) -> IncidentView:
    """The incident as people see it at ``now``, under its ``agreement``; ``clocks`` from
    its whole timeline, when the caller has just computed them and no event lies after
    ``now``."""
    if clocks is not None and events[-1].at <= now:
        states = [clock.at(now) for clock in clocks]
    else:
        site = sla.site(incident.site_zone, incident.site_country)
        states = clocks_at(events, agreement, site, sla.book, now)
    return IncidentView(
        key=incident_key(incident.number), number=incident.number, version=incident.version,
        vendor=incident.vendor_key, vendor_name=incident.vendor_name,
        product=incident.product_name, title=incident.title,
        description=incident.description, reporter=incident.reporter,
        contact=incident.contact, channel=incident.channel, severity=incident.severity,
        tier=incident.tier, status=Status(incident.status),
        assignee=incident.assignee_name,
        site_zone=incident.site_zone, site_country=incident.site_country,
        vendor_ref=incident.vendor_ref, category=incident.category,
        filing_deadline=incident.filing_deadline, agreed_due=incident.agreed_due,
        resolution_type=incident.resolution_type, reported_at=incident.reported_at,
        updated_at=incident.updated_at, updated_by=incident.updated_by,
        agreement_version=agreement.version,
        documentation_complete_at=incident.documentation_complete_at,
        events=tuple(events), clocks=tuple(states),
        warnings=(tuple(calendar_warnings(agreement, states, now))
                  if Status(incident.status).is_open else ()),
    )


def queue_row(line: QueueLine, cached: Sequence[tuple[str, CachedClock]],
              agreement: Agreement, sla: SlaService) -> QueueRow:
    """A queue line from an incident's row and its cached clocks (metric, clock), under its
    ``agreement``."""
    site = sla.site(line.site_zone, line.site_country)
    targets = {target.metric: (target, calendar) for target, calendar
               in sla.book.targets(agreement, line.severity, site)}
    clocks = [clock_from_cache(metric, *targets[metric], clock)
              for metric, clock in cached if metric in targets]
    order = [m.key for m in agreement.metrics]
    clocks.sort(key=lambda c: order.index(c.metric) if c.metric in order else len(order))
    return QueueRow(
        id=line.id, key=incident_key(line.number), vendor=line.vendor, product=line.product,
        severity=line.severity, tier=line.tier, status=Status(line.status),
        assignee=line.assignee, title=line.title, reported_at=line.reported_at,
        next_due_at=line.next_due_at, version=line.version, clocks=tuple(clocks))

_NOTES = ("reason", "text")  # what a person typed with an event


def detail_items(data: Mapping[str, str]) -> list[tuple[str, str]]:
    """An event's details in the order people read them, whichever order the database keeps
    them in (PostgreSQL's JSONB keeps its own): the facts by name, then the typed note."""
    return sorted(data.items(), key=lambda item: (item[0] in _NOTES, item[0]))
