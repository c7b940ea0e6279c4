"""Plain values the service hands to the window and the command line (never ORM objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from deskapp.core.clocks import TargetClock, TargetState
from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import Event, Status
from deskapp.core.workflow import Standing


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


__all__ = ["IncidentDraft", "IncidentView", "QueueRow", "detail_items", "incident_key"]

_NOTES = ("reason", "text")  # what a person typed with an event


def detail_items(data: Mapping[str, str]) -> list[tuple[str, str]]:
    """An event's details in the order people read them, whichever order the database keeps
    them in (PostgreSQL's JSONB keeps its own): the facts by name, then the typed note."""
    return sorted(data.items(), key=lambda item: (item[0] in _NOTES, item[0]))
