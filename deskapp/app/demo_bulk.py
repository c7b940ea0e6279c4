"""Planned incidents written in bulk: the service's rows built in memory, inserted in batches.

A plan holds the timeline entries its changes added and the incident as they leave it (the
planner applied them as the desk does); the clocks are computed once from the whole timeline,
and the incidents, events and cached clocks of a batch go into the database in a few
statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deskapp.app.demo_year import Plan, WorkedIncident, logged
from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.agreement import Agreement
from deskapp.core.clocks import TargetClock, compute_clocks, next_due
from deskapp.core.lifecycle import Event, Status
from deskapp.core.workflow import opening_events
from deskapp.storage import bulk
from deskapp.storage.clock_cache import cached_clock


@dataclass
class _Built:
    """An incident ready to insert: its row (but the assignee's id), timeline and clocks."""

    row: dict[str, Any]
    assignee: str | None
    events: list[Event]
    recorded: list[datetime]  # when each event was recorded
    clocks: list[dict[str, Any]]


class BulkWriter:
    """The rows the service would write for each plan, inserted a batch at a time."""

    def __init__(self, desk: Desk, agreements: dict[str, Agreement]) -> None:
        self.desk = desk
        self.agreements = agreements
        self.site = desk.sla.site
        self.book = desk.sla.book
        with desk.reading() as session:
            connection = session.connection()
            self.vendor_ids = bulk.vendor_ids(connection)
            self.version_ids = bulk.current_agreement_ids(connection)
            self.product_ids = bulk.product_ids(connection)
            self.users = bulk.user_ids(connection)
            self.number = bulk.last_incident_number(connection)

    def write(self, batch: Sequence[Plan]) -> tuple[int, int]:
        """Insert the batch in one transaction; how many events it added and how many of its
        incidents are open."""
        built = [self.build(plan) for plan in batch]
        with self.desk.writing() as session:
            connection = session.connection()
            self.users.update(bulk.add_agents(connection, self.new_people(built)))
            for incident in built:
                incident.row["assignee_id"] = (self.users[incident.assignee]
                                               if incident.assignee else None)
            ids = bulk.insert_incidents(connection, [incident.row for incident in built])
            events = bulk.insert_timelines(connection, ids, [
                bulk.Timeline(incident.events, incident.recorded, incident.clocks)
                for incident in built])
        return events, sum(1 for incident in built if incident.row["is_open"])

    def new_people(self, built: Sequence[_Built]) -> list[str]:
        """Authors and assignees not yet users, in the order they first appear."""
        names: dict[str, None] = {}
        for incident in built:
            for name in (*(event.author for event in incident.events), incident.assignee):
                if name and name not in self.users:
                    names[name] = None
        return list(names)

    def build(self, plan: Plan) -> _Built:
        """The plan's incident as the service leaves it after logging it and applying each
        of its changes at its time."""
        draft, incident = plan.draft, plan.worked
        agreement = self.agreements[draft.vendor]
        self.number += 1
        # Kept resolved, as the service keeps it: a part not given is the office's.
        site = self.site(draft.site_zone, draft.site_country)
        reported = plan.reported_at
        events = _logging_events(logged(draft, self.number, agreement, site), draft, plan)
        recorded = [reported] * len(events)
        updated_at, updated_by = reported, plan.author
        for at, author, _, steps in plan.actions:
            for kind, details in steps:
                events.append(Event(kind, at, author, details))
                recorded.append(at)
            updated_at, updated_by = at, author
        is_open = Status(incident.status).is_open
        clocks = compute_clocks(events, agreement, site, self.book)
        due = next_due(clocks) if is_open else None
        vendor_id = self.vendor_ids[draft.vendor]
        row: dict[str, Any] = {
            "number": self.number, "vendor_id": vendor_id,
            "product_id": self.product_ids[(vendor_id, draft.product)],
            "agreement_version_id": self.version_ids[draft.vendor],
            "title": draft.title.strip(), "description": draft.description,
            "reporter": draft.reporter, "contact": draft.contact, "channel": draft.channel,
            "severity": incident.severity, "tier": incident.tier, "status": incident.status,
            "site_zone": incident.site_zone, "site_country": incident.site_country,
            "vendor_ref": draft.vendor_ref or None, "category": draft.category or None,
            "filing_deadline": draft.filing_deadline, "agreed_due": incident.agreed_due,
            "resolution_type": incident.resolution_type,
            "documentation_complete_at": incident.documentation_complete_at,
            "reported_at": reported, "created_at": reported, "updated_at": updated_at,
            "updated_by": updated_by,
            # As the service counts: 1 when logged, one more per change.
            "version": 1 + len(plan.actions),
            "next_due_at": due, "is_open": is_open,
        }
        return _Built(row, incident.assignee_name, events, recorded, _clock_rows(clocks))


def _logging_events(opened: WorkedIncident, draft: IncidentDraft, plan: Plan) -> list[Event]:
    """The timeline the desk starts when it logs ``draft`` (``opened``: the new incident)."""
    return opening_events(opened.severity, opened.tier, plan.reported_at, plan.author,
                          documented=draft.documentation_complete_at,
                          assignee=draft.assignee)


def _clock_rows(clocks: Sequence[TargetClock]) -> list[dict[str, Any]]:
    """The cached clock rows, by metric, as the desk stores them."""
    return [{"metric": clock.metric, **cached_clock(clock)._asdict()} for clock in clocks]
