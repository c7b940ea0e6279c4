"""Logging an incident, reading one, and changing one: the incident use cases.

Each user action is one short transaction. Writes check the incident's version, append
events to its timeline and refresh the cached SLA clocks from the whole timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from deskapp.app.views import IncidentDraft, IncidentView, incident_key, incident_view
from deskapp.core.clocks import TargetClock, compute_clocks, next_due
from deskapp.core.errors import InputError
from deskapp.core.hints import intake_hints
from deskapp.core.keys import parse_key
from deskapp.core.lifecycle import Event, Status
from deskapp.core.sla import Site
from deskapp.core.text import clean_text
from deskapp.core.workflow import (
    Change,
    Context,
    check_category,
    check_channel,
    check_text,
    conflict_message,
    instant,
    opening_events,
    waits_for_documentation,
)
from deskapp.storage import catalog, people, records, timelines
from deskapp.storage.database import serialize
from deskapp.storage.incident_record import IncidentRecord
from deskapp.storage.locks import NUMBERING_LOCK

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk, Work

# An event may be logged a little ahead of this machine's clock (another workstation's
# clock may run fast), but not in the future.
CLOCK_TOLERANCE = timedelta(minutes=2)


class ConflictError(InputError):
    """The incident changed on another workstation since it was read."""


class _Stale(Exception):
    """A write found the incident's row changed since it was read."""


@dataclass(frozen=True)
class Changed:
    """What a write did: the incident after it, and the agent's warnings from the agreement."""

    incident: IncidentView
    hints: tuple[str, ...] = ()


# ----- reading ------------------------------------------------------------------------------


def show(desk: Desk, key: str, now: datetime | None = None) -> IncidentView:
    """An incident with its timeline and each target's state at ``now``."""
    with desk.reading() as session:
        incident = load(session, key)
        events = timelines.timeline(session.connection(), incident.id)
        return view_of(desk, session, incident, events, now or desk.clock())


def load(session: Session, key: str, *, for_update: bool = False) -> IncidentRecord:
    """The incident with the names of its vendor, product and assignee, without its
    timeline; ``for_update`` locks its row until the transaction ends, so two workstations
    writing the same incident take turns instead of numbering their events alike."""
    number = parse_key(key)
    incident = records.read_record(session.connection(), number, lock=for_update)
    if incident is None:
        raise InputError(f"no incident {incident_key(number)}")
    return incident


def site_of(desk: Desk, incident: IncidentRecord) -> Site:
    return desk.sla.site(incident.site_zone, incident.site_country)


def fresh_clocks(desk: Desk, session: Session, incident: IncidentRecord
                 ) -> list[TargetClock]:
    """The incident's clocks computed from its whole timeline."""
    agreement = desk.parsed.get(session, incident.agreement_version_id)
    return compute_clocks(timelines.timeline(session.connection(), incident.id), agreement,
                          site_of(desk, incident), desk.sla.book)


def view_of(desk: Desk, session: Session, incident: IncidentRecord, events: Sequence[Event],
            now: datetime, clocks: Sequence[TargetClock] | None = None) -> IncidentView:
    """The incident as people see it at ``now``; ``clocks`` from its whole timeline,
    when the caller has just computed them and no event lies after ``now``."""
    agreement = desk.parsed.get(session, incident.agreement_version_id)
    return incident_view(incident, events, agreement, desk.sla, now, clocks)


# ----- logging ------------------------------------------------------------------------------


def log(desk: Desk, draft: IncidentDraft, *, author: str | None = None,
        at: datetime | None = None) -> Changed:
    """A new incident; its clocks start at ``at`` (when it was reported), default now."""
    filing_deadline = instant("filing deadline", draft.filing_deadline)
    with desk.work(author) as work:
        now, session = work.now, work.session
        reported = checked_at(desk, at, now, None)
        serialize(session, NUMBERING_LOCK)  # two workstations never take one number
        vendor = catalog.current_agreement(session, draft.vendor)
        if vendor is None:
            known = ", ".join(catalog.vendor_keys(session))
            raise InputError(f"unknown vendor {draft.vendor!r}; expected one of: {known}")
        agreement = desk.parsed.get(session, vendor.version_id, vendor.source)
        product_id = catalog.product_id(session, vendor.vendor_id, draft.product)
        if product_id is None:
            known = ", ".join(catalog.product_names(session, draft.vendor))
            raise InputError(f"unknown product {draft.product!r} for {agreement.name}; "
                             f"expected one of: {known}")
        severity = agreement.severity(draft.severity).key
        tier = agreement.tier(draft.tier).key if draft.tier else agreement.tiers[0].key
        title = check_text("title", draft.title)
        description, reporter, contact, vendor_ref, category = (
            clean_text(name, value or "") for name, value in (
                ("description", draft.description), ("reporter", draft.reporter),
                ("contact", draft.contact), ("vendor reference", draft.vendor_ref),
                ("category", draft.category)))
        check_channel(draft.channel)
        # Validates both; the site is kept with the incident (the office's zone and
        # country when not given), so its clocks do not depend on which workstation,
        # or which office setting, computes them.
        site = desk.sla.site(draft.site_zone, draft.site_country)
        if category:
            check_category(agreement, category)
        documented = None
        if draft.documentation_complete_at is not None:
            if not waits_for_documentation(agreement):
                raise InputError(f"{agreement.name}'s clocks do not wait for documentation")
            documented = checked_at(desk, draft.documentation_complete_at, now, reported)
        assignee = assignee_id = None
        if draft.assignee:
            assignee = check_text("name", draft.assignee, "a person's name must not be empty")
            assignee = people.known_name(session, assignee) or assignee
            assignee_id = people.user_id(session, assignee)
        events = opening_events(severity, tier, reported, work.author, documented=documented,
                                assignee=assignee)
        clocks = compute_clocks(events, agreement, site, desk.sla.book)
        values: dict[str, Any] = dict(
            number=records.next_number(session.connection()), vendor_id=vendor.vendor_id,
            product_id=product_id, agreement_version_id=vendor.version_id,
            title=title, description=description,
            reporter=reporter, contact=contact, channel=draft.channel,
            severity=severity, tier=tier, status=Status.NEW.value, assignee_id=assignee_id,
            site_zone=site.zone, site_country=site.country,
            vendor_ref=vendor_ref or None, category=category or None,
            filing_deadline=filing_deadline, agreed_due=None, resolution_type=None,
            documentation_complete_at=documented,
            reported_at=reported, created_at=now, updated_at=now, updated_by=work.author,
            version=1, next_due_at=next_due(clocks), is_open=True,
        )
        connection = session.connection()
        incident = records.insert_record(
            connection, values, vendor_key=vendor.vendor_key, vendor_name=vendor.vendor_name,
            product_name=draft.product, assignee_name=assignee)
        timelines.append_events(connection, incident.id, 0, events, now)
        timelines.store_clocks(connection, incident.id, clocks, {})
        hints = intake_hints(agreement, severity, draft.channel, category,
                             filing_deadline, reported)
        view = view_of(desk, session, incident, events, max(now, documented or reported))
    return Changed(view, tuple(hints))


# ----- changing -----------------------------------------------------------------------------


def apply(desk: Desk, key: str, changes: Sequence[Change], *, author: str | None = None,
          at: datetime | None = None, expected_version: int | None = None) -> Changed:
    """Apply ``changes`` to the incident in order, all or nothing: one transaction, one
    version check, one set of timeline entries at one time. Each change is checked against
    the incident as the ones before it leave it."""
    try:
        with desk.work(author) as work:
            view = _apply(desk, work, key, changes, at, expected_version)
    except _Stale:
        with desk.reading() as session:
            raise conflict(desk, load(session, key)) from None
    return Changed(view)


def _apply(desk: Desk, work: Work, key: str, changes: Sequence[Change], at: datetime | None,
           expected_version: int | None) -> IncidentView:
    session, now = work.session, work.now
    incident = load(session, key, for_update=True)
    if expected_version is not None and incident.version != expected_version:
        raise conflict(desk, incident)
    connection = session.connection()
    events, last_seq, cached = timelines.timeline_for_write(connection, incident.id)
    when = checked_at(desk, at, now, events[-1].at)
    agreement = desk.parsed.get(session, incident.agreement_version_id)
    context = Context(incident_key(incident.number), agreement, when, desk.sla.site,
                      lambda typed: people.known_name(session, typed) or typed)
    steps = [step for change in changes for step in change.apply(incident, context)]
    if not steps:
        raise InputError(f"nothing to change on {context.key}")
    if incident.reassigned():
        assignee = incident.assignee_name
        incident.assignee_id = people.user_id(session, assignee) if assignee else None
    added = [Event(kind, when, work.author, details) for kind, details in steps]
    timelines.append_events(connection, incident.id, last_seq, added, now)
    events += added
    incident.is_open = Status(incident.status).is_open
    clocks = compute_clocks(events, agreement, site_of(desk, incident), desk.sla.book)
    timelines.store_clocks(connection, incident.id, clocks, cached)
    incident.next_due_at = next_due(clocks) if incident.is_open else None
    # Every write bumps the version, even one that only adds events at the same instant as
    # the last write: a stale write must never pass the check.
    if not records.write_record(connection, incident, author=work.author, at=now):
        raise _Stale
    # Read at the event's time when that is a little ahead of this clock.
    return view_of(desk, session, incident, events, max(now, when), clocks)


def conflict(desk: Desk, incident: IncidentRecord) -> ConflictError:
    return ConflictError(conflict_message(
        incident_key(incident.number), incident.updated_by,
        incident.updated_at.astimezone(desk.sla.office_zone)))


def checked_at(desk: Desk, at: datetime | None, now: datetime, last: datetime | None
               ) -> datetime:
    """When an event happened: now by default, never in the future or out of order."""
    if at is None:
        return max(now, last) if last is not None else now
    if at.tzinfo is None:
        raise InputError("a time needs a zone or UTC offset")
    at = at.astimezone(UTC)
    zone = desk.sla.office_zone
    if at > now + CLOCK_TOLERANCE:
        raise InputError(f"{at.astimezone(zone):%Y-%m-%d %H:%M} is in the future; give the "
                         "time it happened")
    if last is not None and at < last:
        raise InputError(
            f"{at.astimezone(zone):%Y-%m-%d %H:%M} is before the last event of the timeline "
            f"({last.astimezone(zone):%Y-%m-%d %H:%M}); events are recorded in the order "
            "they happened")
    return at
