"""The desk: every incident use case in one place, for the window and the command line alike.

Each user action is one short transaction. Writes check the incident's version, append
events to its timeline and refresh the cached SLA clocks from the whole timeline.
"""

from __future__ import annotations

import getpass
import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as cast_as
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from deskapp.app.queue import QueueFilter, View
from deskapp.app.record import INCIDENTS, IncidentRecord, read_record, write_record
from deskapp.app.sla import SlaService, shipped_agreements
from deskapp.app.views import IncidentDraft, IncidentView, QueueRow, incident_key
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.clocks import ClockState, TargetClock, clocks_at, compute_clocks, next_due
from deskapp.core.errors import InputError
from deskapp.core.hints import calendar_warnings, intake_hints
from deskapp.core.lifecycle import (
    Event,
    EventKind,
    ResolutionType,
    Status,
)
from deskapp.core.sla import Site
from deskapp.core.workflow import (
    AgreeDueDate,
    Assign,
    Change,
    ChangeSeverity,
    ChangeTier,
    Close,
    Comment,
    Context,
    CustomerUpdate,
    DocumentationComplete,
    EditFields,
    ProvideWorkaround,
    Reopen,
    Resolve,
    Respond,
    Resume,
    SetStatus,
    check_category,
    check_channel,
    check_text,
    conflict_message,
    instant,
    pause,
)
from deskapp.office import Office, machine_office
from deskapp.storage.engine import open_engine, session_factory
from deskapp.storage.errors import storage_errors
from deskapp.storage.migrate import upgrade
from deskapp.storage.models import (
    AgreementVersion,
    Incident,
    IncidentEvent,
    Product,
    Setting,
    User,
    Vendor,
)
from deskapp.storage.models import (
    TargetClock as ClockRow,
)

# An event may be logged a little ahead of this machine's clock (another workstation's
# clock may run fast), but not in the future.
CLOCK_TOLERANCE = timedelta(minutes=2)


class ConflictError(InputError):
    """The incident changed on another workstation since it was read."""


class _Stale(Exception):
    """A write found the incident's row changed since it was read."""


def default_author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


@dataclass(frozen=True)
class Changed:
    """What a write did: the incident after it, and the agent's warnings from the agreement."""

    incident: IncidentView
    hints: tuple[str, ...] = ()


class Desk:
    """Incidents, agreements, users and settings over one database."""

    def __init__(self, engine: Engine, *, office: Office | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.read_sessions: sessionmaker[Session] = session_factory(
            engine.execution_options(read_only=True))
        self.clock = clock or (lambda: datetime.now(UTC))
        self._agreements: dict[int, Agreement] = {}
        self._users: set[str] = set()
        self._lock = threading.Lock()
        with self.reading() as session:
            stored = _settings(session)
        self.office = office or machine_office(stored.get("office_zone"),
                                               stored.get("office_country"))
        self.sla = SlaService({}, self.office)

    # ----- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, office: Office | None = None,
             clock: Callable[[], datetime] | None = None) -> Desk:
        """Migrate the database to this version (creating it if new) and load the agreements."""
        with storage_errors(url):
            engine = open_engine(url)
            try:
                upgrade(engine)
                desk = cls(engine, office=office, clock=clock)
                desk.load_shipped_agreements()
            except BaseException:
                engine.dispose()
                raise
        return desk

    @property
    def database_name(self) -> str:
        """The database as a window title names it: the file, or the server's database,
        never with a password."""
        url = self.engine.url
        return url.database or url.render_as_string(hide_password=True)

    def shutdown(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (on SQLite it takes the write lock at once)."""
        with storage_errors(self.engine.url), self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads: it never waits for, nor holds up, a writer."""
        with storage_errors(self.engine.url), self.read_sessions() as session, \
                session.begin():
            yield session

    # ----- agreements ------------------------------------------------------------------

    def load_shipped_agreements(self) -> list[str]:
        """Store each shipped agreement whose text is new; returns the vendors updated.

        A changed agreement becomes a new current version: incidents already logged stay
        pinned to the version they were logged under.
        """
        updated = []
        now = self._now()
        with self.writing() as session:
            _serialize(session, _AGREEMENTS_LOCK)  # two workstations starting at once
            for agreement in shipped_agreements().values():
                digest = hashlib.sha256(agreement.source.encode()).hexdigest()
                vendor = session.scalar(select(Vendor).where(Vendor.key == agreement.vendor))
                if vendor is None:
                    vendor = Vendor(key=agreement.vendor, name=agreement.name)
                    session.add(vendor)
                    session.flush()
                known = session.scalar(select(AgreementVersion).where(
                    AgreementVersion.vendor_id == vendor.id, AgreementVersion.digest == digest))
                if known is not None and known.is_current:
                    continue
                for version in session.scalars(select(AgreementVersion).where(
                        AgreementVersion.vendor_id == vendor.id, AgreementVersion.is_current)):
                    version.is_current = False
                if known is None:
                    session.add(AgreementVersion(
                        vendor_id=vendor.id, version=agreement.version, source=agreement.source,
                        digest=digest, loaded_at=now, is_current=True))
                else:
                    known.is_current = True
                vendor.name = agreement.name
                existing = set(session.scalars(
                    select(Product.name).where(Product.vendor_id == vendor.id)))
                for product in agreement.products:
                    if product not in existing:
                        session.add(Product(vendor_id=vendor.id, name=product))
                updated.append(agreement.vendor)
        return updated

    def agreements(self) -> dict[str, Agreement]:
        """The current agreement of every vendor, by vendor key."""
        with self.reading() as session:
            rows = session.execute(
                select(AgreementVersion.id, AgreementVersion.source, Vendor.key)
                .join(Vendor).where(AgreementVersion.is_current)).all()
        return {key: self._agreement(version_id, source) for version_id, source, key in rows}

    def _agreement(self, version_id: int, source: str | None = None,
                   session: Session | None = None) -> Agreement:
        found = self._agreements.get(version_id)
        if found is None:
            if source is None:
                assert session is not None
                source = session.get_one(AgreementVersion, version_id).source
            found = parse_agreement(source, f"stored agreement version {version_id}")
            with self._lock:
                self._agreements[version_id] = found
        return found

    def products(self, vendor: str) -> list[str]:
        with self.reading() as session:
            return list(session.scalars(
                select(Product.name).join(Vendor).where(Vendor.key == vendor)
                .order_by(Product.name)))

    # ----- settings and users ---------------------------------------------------------

    def settings(self) -> dict[str, str]:
        with self.reading() as session:
            return _settings(session)

    def set_office(self, zone: str, country: str | None) -> Office:
        office = machine_office(zone, country)  # validates both
        with self.writing() as session:
            session.merge(Setting(key="office_zone", value=office.zone))
            if office.country:
                session.merge(Setting(key="office_country", value=office.country))
        changed = office != self.office
        self.office = office
        self.sla = SlaService({}, office, self.sla.book)
        if changed:
            # Incidents logged without a site (before sites were kept) follow the office.
            self.recompute_all()
        return office

    def users(self) -> list[str]:
        with self.reading() as session:
            return list(session.scalars(select(User.name).order_by(User.name)))

    # ----- reading --------------------------------------------------------------------

    def show(self, key: str, now: datetime | None = None) -> IncidentView:
        """An incident with its timeline and each target's state at ``now``."""
        with self.reading() as session:
            incident = self._load(session, key)
            return self._view(session, incident, _timeline(session, incident.id),
                              now or self.clock())

    def _load(self, session: Session, key: str, *, for_update: bool = False
              ) -> IncidentRecord:
        """The incident with the names of its vendor, product and assignee, without its
        timeline (see ``_timeline``); ``for_update`` locks its row until the transaction
        ends, so two workstations writing the same incident take turns instead of
        numbering their events alike."""
        number = parse_key(key)
        incident = read_record(session.connection(), number, lock=for_update)
        if incident is None:
            raise InputError(f"no incident {incident_key(number)}")
        return incident

    def _view(self, session: Session, incident: IncidentRecord, events: Sequence[Event],
              now: datetime, clocks: Sequence[TargetClock] | None = None) -> IncidentView:
        """The incident as people see it at ``now``; ``clocks`` from its whole timeline,
        when the caller has just computed them and no event lies after ``now``."""
        agreement = self._agreement(incident.agreement_version_id, session=session)
        if clocks is not None and events[-1].at <= now:
            states = [clock.at(now) for clock in clocks]
        else:
            states = clocks_at(events, agreement, self._site(incident), self.sla.book, now)
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
            events=tuple(events), clocks=tuple(states),
            warnings=(tuple(calendar_warnings(agreement, states, now))
                      if Status(incident.status).is_open else ()),
        )

    def _site(self, incident: IncidentRecord) -> Site:
        return self.sla.site(incident.site_zone, incident.site_country)

    # ----- the queue --------------------------------------------------------------------

    def queue(self, wanted: QueueFilter | None = None, now: datetime | None = None
              ) -> list[QueueRow]:
        """Incidents for a view and filters, soonest due first (closed: latest first)."""
        ids = self.queue_ids(wanted, now)
        rows = self.queue_rows(ids)
        return [rows[i] for i in ids if i in rows]

    def queue_rows(self, ids: Sequence[int]) -> dict[int, QueueRow]:
        """The queue lines of these incidents, by id (for the rows a window shows)."""
        found: dict[int, QueueRow] = {}
        assignee = aliased(User)
        with self.reading() as session:
            connection = session.connection()  # plain rows: this runs as the agent scrolls
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                clocks: dict[int, list[Any]] = {}
                for row in connection.execute(select(
                        _CLOCKS.c.incident_id, _CLOCKS.c.metric,
                        *(_CLOCKS.c[name] for name in CLOCK_FIELDS[1:]))
                        .where(_CLOCKS.c.incident_id.in_(chunk))):
                    clocks.setdefault(row[0], []).append(row[1:])
                for row in connection.execute(
                        select(Incident.id, Incident.number, Incident.agreement_version_id,
                               Incident.site_zone, Incident.site_country,
                               Vendor.key.label("vendor"), Product.name.label("product"),
                               Incident.severity, Incident.tier, Incident.status,
                               assignee.name.label("assignee"), Incident.title,
                               Incident.reported_at, Incident.next_due_at, Incident.version)
                        .join(Vendor, Incident.vendor_id == Vendor.id)
                        .join(Product, Incident.product_id == Product.id)
                        .outerjoin(assignee, Incident.assignee_id == assignee.id)
                        .where(Incident.id.in_(chunk))):
                    found[row.id] = self._queue_row(session, row, clocks.get(row.id, ()))
        return found

    def queue_ids(self, wanted: QueueFilter | None = None, now: datetime | None = None
                  ) -> list[int]:
        """The ids of a view's incidents in queue order, sorted by the database."""
        wanted = wanted or QueueFilter()
        now = now or self.clock()
        query = select(Incident.id)
        view = wanted.view
        if view is View.CLOSED:
            query = query.where(Incident.is_open.is_(False))
        else:
            query = query.where(Incident.is_open.is_(True))
        if view is View.MY_OPEN:
            query = query.join(User, Incident.assignee_id == User.id).where(
                User.name == (wanted.me or default_author()))
        elif view is View.BREACHED:
            query = query.where(Incident.next_due_at <= now)
        elif view is View.BREACHING_SOON:
            window = wanted.due_within or timedelta(hours=2)
            query = query.where(Incident.next_due_at > now,
                                Incident.next_due_at <= now + window)
        elif view is View.PAUSED:
            query = query.where(Incident.status == Status.WAITING_ON_CUSTOMER.value)
        elif view is View.DUE_TODAY:
            local = now.astimezone(self.sla.office_zone)
            midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                        self.sla.office_zone)
            query = query.where(Incident.next_due_at < midnight)
        if wanted.due_within is not None and view is not View.BREACHING_SOON:
            query = query.where(Incident.next_due_at <= now + wanted.due_within)
        # Joined only when a filter needs them, and explicitly: Product is also reachable
        # through Vendor.products, which would list an incident once per vendor product.
        if wanted.vendor:
            query = query.join(Vendor, Incident.vendor_id == Vendor.id).where(
                Vendor.key == wanted.vendor)
        if wanted.severity:
            query = query.where(Incident.severity == wanted.severity)
        if wanted.tier:
            query = query.where(Incident.tier == wanted.tier)
        if wanted.status is not None:
            query = query.where(Incident.status == wanted.status.value)
        if wanted.assignee:
            assignee = aliased(User)
            query = query.join(assignee, Incident.assignee_id == assignee.id).where(
                assignee.name == wanted.assignee)
        if wanted.text and wanted.text.strip():
            query = query.join(Product, Incident.product_id == Product.id)
            words = wanted.text.strip()
            # Literal text: a % or _ typed by the agent matches itself, not "anything".
            matches: list[ColumnElement[bool]] = [
                column.icontains(words, autoescape=True)
                for column in (Incident.title, Incident.description, Incident.vendor_ref,
                               Product.name)]
            with suppress(InputError):
                matches.append(Incident.number == parse_key(words))
            query = query.where(or_(*matches))
        if view is View.CLOSED:
            query = query.order_by(Incident.updated_at.desc(), Incident.number.desc())
        else:
            # NULLS LAST rather than an expression, and the id (which every SQLite index
            # carries) to break ties: the (is_open, next_due_at) index then answers alone.
            query = query.order_by(Incident.next_due_at.asc().nulls_last(), Incident.id)
        if wanted.limit:
            query = query.limit(wanted.limit)
        with self.reading() as session:
            return _first_column(session.connection(), query)

    def _queue_row(self, session: Session, row: Any, stored: Sequence[Any]) -> QueueRow:
        """A queue line from a row of ``queue_rows`` and the incident's cached clocks."""
        agreement = self._agreement(row.agreement_version_id, session=session)
        site = self.sla.site(row.site_zone, row.site_country)
        targets = {target.metric: (target, calendar) for target, calendar
                   in self.sla.book.targets(agreement, row.severity, site)}
        clocks = [TargetClock(metric, *targets[metric], *values)
                  for metric, *values in stored if metric in targets]
        order = [m.key for m in agreement.metrics]
        clocks.sort(key=lambda c: order.index(c.metric) if c.metric in order else len(order))
        return QueueRow(
            id=row.id, key=incident_key(row.number), vendor=row.vendor, product=row.product,
            severity=row.severity, tier=row.tier, status=Status(row.status),
            assignee=row.assignee, title=row.title, reported_at=row.reported_at,
            next_due_at=row.next_due_at, version=row.version, clocks=tuple(clocks))

    # ----- logging an incident ----------------------------------------------------------

    def log(self, draft: IncidentDraft, *, author: str | None = None,
            at: datetime | None = None) -> Changed:
        """A new incident; its clocks start at ``at`` (when it was reported), default now."""
        author = _author(author)
        now = self._now()
        reported = self._checked_at(at, now, None)
        filing_deadline = instant("filing deadline", draft.filing_deadline)
        with self.writing() as session:
            _serialize(session, _NUMBERING_LOCK)  # two workstations never take one number
            vendor = session.scalar(select(Vendor).where(Vendor.key == draft.vendor))
            if vendor is None:
                known = ", ".join(session.scalars(select(Vendor.key).order_by(Vendor.key)))
                raise InputError(f"unknown vendor {draft.vendor!r}; expected one of: {known}")
            version = session.scalar(select(AgreementVersion).where(
                AgreementVersion.vendor_id == vendor.id, AgreementVersion.is_current))
            assert version is not None
            agreement = self._agreement(version.id, version.source)
            product = session.scalar(select(Product).where(
                Product.vendor_id == vendor.id, Product.name == draft.product))
            if product is None:
                known = ", ".join(session.scalars(select(Product.name).where(
                    Product.vendor_id == vendor.id).order_by(Product.name)))
                raise InputError(
                    f"unknown product {draft.product!r} for {agreement.name}; expected one of: "
                    f"{known}")
            severity = agreement.severity(draft.severity).key
            tier = agreement.tier(draft.tier).key if draft.tier else agreement.tiers[0].key
            check_text("title", draft.title)
            check_channel(draft.channel)
            # Validates both; the site is kept with the incident (the office's zone and
            # country when not given), so its clocks do not depend on which workstation,
            # or which office setting, computes them.
            site = self.sla.site(draft.site_zone, draft.site_country)
            if draft.category:
                check_category(agreement, draft.category)
            data = {"severity": severity, "tier": tier, "status": Status.NEW.value}
            events: list[tuple[EventKind, datetime, dict[str, str]]] = [
                (EventKind.CREATED, reported, data)]
            documented = None
            if draft.documentation_complete_at is not None:
                documented = self._checked_at(draft.documentation_complete_at, now, reported)
                events.append((EventKind.DOCUMENTATION_COMPLETE, documented, {}))
            assignee = None
            if draft.assignee:
                assignee = _user(session, draft.assignee)
                events.append((EventKind.ASSIGNED, reported, {"assignee": assignee.name}))
            _user(session, author)
            number = (session.scalar(select(func.max(Incident.number))) or 0) + 1
            timeline = [Event(kind, when, author, details) for kind, when, details in events]
            clocks = compute_clocks(timeline, agreement, site, self.sla.book)
            values: dict[str, Any] = dict(
                number=number, vendor_id=vendor.id, product_id=product.id,
                agreement_version_id=version.id, title=draft.title.strip(),
                description=draft.description, reporter=draft.reporter, contact=draft.contact,
                channel=draft.channel, severity=severity, tier=tier, status=Status.NEW.value,
                assignee_id=assignee.id if assignee else None,
                site_zone=site.zone, site_country=site.country,
                vendor_ref=draft.vendor_ref or None, category=draft.category or None,
                filing_deadline=filing_deadline, agreed_due=None, resolution_type=None,
                documentation_complete_at=documented,
                reported_at=reported, created_at=now, updated_at=now, updated_by=author,
                version=1, next_due_at=next_due(clocks), is_open=True,
            )
            connection = session.connection()
            incident_id = connection.execute(
                insert(INCIDENTS).returning(INCIDENTS.c.id), values).scalar_one()
            incident = IncidentRecord(
                id=incident_id, **values, vendor_key=vendor.key, vendor_name=vendor.name,
                product_name=product.name, assignee_name=assignee.name if assignee else None)
            _append(session, incident_id, 0, timeline, now)
            _store_clocks(connection, incident_id, clocks, {})
            hints = intake_hints(agreement, severity, draft.channel, draft.category,
                                 filing_deadline, reported)
            view = self._view(session, incident, timeline, max(now, documented or reported))
        return Changed(view, tuple(hints))

    # ----- changing an incident -----------------------------------------------------------

    def change_severity(self, key: str, severity: str, reason: str, **how: Any) -> Changed:
        return self.apply(key, [ChangeSeverity(severity, reason)], **how)

    def change_tier(self, key: str, tier: str | None, **how: Any) -> Changed:
        """To ``tier``; None: the next tier of the agreement the incident is pinned to."""
        return self.apply(key, [ChangeTier(tier)], **how)

    def escalate(self, key: str, tier: str | None = None, **how: Any) -> Changed:
        """To ``tier``, or to the next tier of the incident's agreement."""
        return self.change_tier(key, tier, **how)

    def assign(self, key: str, assignee: str, **how: Any) -> Changed:
        return self.apply(key, [Assign(assignee)], **how)

    def set_status(self, key: str, status: Status, note: str = "", **how: Any) -> Changed:
        return self.apply(key, [SetStatus(status, note)], **how)

    def pause(self, key: str, note: str = "", **how: Any) -> Changed:
        """Wait on the customer: pausable targets stop counting."""
        return self.apply(key, [pause(note)], **how)

    def resume(self, key: str, note: str = "", **how: Any) -> Changed:
        return self.apply(key, [Resume(note)], **how)

    def customer_update(self, key: str, text: str, **how: Any) -> Changed:
        """The customer wrote or called; a desk waiting on them starts working again."""
        return self.apply(key, [CustomerUpdate(text)], **how)

    def respond(self, key: str, text: str = "", *, from_vendor: bool = False,
                **how: Any) -> Changed:
        return self.apply(key, [Respond(text, from_vendor)], **how)

    def provide_workaround(self, key: str, text: str = "", **how: Any) -> Changed:
        return self.apply(key, [ProvideWorkaround(text)], **how)

    def resolve(self, key: str, resolution: ResolutionType, text: str = "",
                **how: Any) -> Changed:
        return self.apply(key, [Resolve(resolution, text)], **how)

    def close(self, key: str, note: str = "", **how: Any) -> Changed:
        return self.apply(key, [Close(note)], **how)

    def reopen(self, key: str, reason: str, **how: Any) -> Changed:
        return self.apply(key, [Reopen(reason)], **how)

    def comment(self, key: str, text: str, **how: Any) -> Changed:
        return self.apply(key, [Comment(text)], **how)

    def documentation_complete(self, key: str, **how: Any) -> Changed:
        """The report and all documentation are in: clocks that wait for it start."""
        return self.apply(key, [DocumentationComplete()], **how)

    def agree_due_date(self, key: str, due: datetime, **how: Any) -> Changed:
        """Fix the due date of a target the agreement leaves to be agreed per incident."""
        return self.apply(key, [AgreeDueDate(due)], **how)

    def update_fields(self, key: str, **fields: Any) -> Changed:
        """Title, description, reporter, contact, channel, vendor reference, category, site,
        filing deadline: the old and new values go into the timeline."""
        how = {k: fields.pop(k) for k in ("author", "at", "expected_version") if k in fields}
        return self.apply(key, [EditFields(fields)], **how)

    # ----- the write path -----------------------------------------------------------------

    def apply(self, key: str, changes: Sequence[Change], *, author: str | None = None,
              at: datetime | None = None, expected_version: int | None = None) -> Changed:
        """Apply ``changes`` to the incident in order, all or nothing: one transaction, one
        version check, one set of timeline entries at one time. Each change is checked
        against the incident as the ones before it leave it."""
        author = _author(author)
        now = self._now()
        try:
            with self.writing() as session:
                incident = self._load(session, key, for_update=True)
                if expected_version is not None and incident.version != expected_version:
                    raise self._conflict(incident)
                events, last_seq, stored = _timeline_and_clocks(session, incident.id)
                when = self._checked_at(at, now, events[-1].at)
                agreement = self._agreement(incident.agreement_version_id, session=session)
                context = Context(incident_key(incident.number), agreement, when,
                                  self.sla.site)
                steps = [step for change in changes for step in change.apply(incident, context)]
                if not steps:
                    raise InputError(f"nothing to change on {context.key}")
                self._known_user(session, author)
                if incident.reassigned():
                    assignee = incident.assignee_name
                    incident.assignee_id = _user(session, assignee).id if assignee else None
                added = [Event(kind, when, author, details) for kind, details in steps]
                _append(session, incident.id, last_seq, added, now)
                events += added
                incident.is_open = Status(incident.status).is_open
                clocks = compute_clocks(events, agreement, self._site(incident), self.sla.book)
                connection = session.connection()
                _store_clocks(connection, incident.id, clocks, stored)
                incident.next_due_at = next_due(clocks) if incident.is_open else None
                # Every write bumps the version, even one that only adds events at the
                # same instant as the last write: a stale write must never pass the check.
                if not write_record(connection, incident, author=author, at=now):
                    raise _Stale
                # Read at the event's time when that is a little ahead of this clock.
                view = self._view(session, incident, events, max(now, when), clocks)
            self._users.add(author)
        except _Stale:
            with self.writing() as session:
                raise self._conflict(self._load(session, key)) from None
        return Changed(view)

    def _known_user(self, session: Session, name: str) -> None:
        """Make sure ``name`` is a user (remembered once committed: users stay)."""
        if name not in self._users:
            _user(session, name)

    def _conflict(self, incident: IncidentRecord) -> ConflictError:
        return ConflictError(conflict_message(
            incident_key(incident.number), incident.updated_by,
            incident.updated_at.astimezone(self.sla.office_zone)))

    def _now(self) -> datetime:
        """This machine's clock as a UTC instant (what is stored and shown is always UTC)."""
        return self.clock().astimezone(UTC)

    def _checked_at(self, at: datetime | None, now: datetime, last: datetime | None
                    ) -> datetime:
        """When an event happened: now by default, never in the future or out of order."""
        if at is None:
            return max(now, last) if last is not None else now
        if at.tzinfo is None:
            raise InputError("a time needs a zone or UTC offset")
        at = at.astimezone(UTC)
        if at > now + CLOCK_TOLERANCE:
            raise InputError(f"{at.astimezone(self.sla.office_zone):%Y-%m-%d %H:%M} is in the "
                             "future; give the time it happened")
        if last is not None and at < last:
            raise InputError(
                f"{at.astimezone(self.sla.office_zone):%Y-%m-%d %H:%M} is before the last "
                f"event of the timeline ({last.astimezone(self.sla.office_zone):%Y-%m-%d %H:%M})"
                "; events are recorded in the order they happened")
        return at

    # ----- recomputation ---------------------------------------------------------------

    def recompute_all(self, progress: Callable[[int, int], None] | None = None,
                      workers: int | None = None) -> int:
        """Recompute every cached clock from the timelines; returns how many incidents."""
        from deskapp.app.recompute import recompute_all  # that module imports this one

        return recompute_all(self, progress, workers)

    def cached_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        """The clocks as stored for queries (to compare with a fresh computation)."""
        with self.reading() as session:
            stored = _stored_clocks(session, self._load(session, key).id)
        return {metric: clock_fields(values) for metric, values in stored.items()}

    def fresh_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        with self.reading() as session:
            incident = self._load(session, key)
            agreement = self._agreement(incident.agreement_version_id, session=session)
            clocks = compute_clocks(_timeline(session, incident.id), agreement,
                                    self._site(incident), self.sla.book)
        return {clock.metric: clock_row_values(clock) for clock in clocks}


CLOCK_FIELDS = ("state", "clock_start", "due_at", "warning_at", "met_at", "paused_since",
                "paused_seconds", "cycles")


def clock_row(clock: TargetClock) -> tuple[Any, ...]:
    """What the cache keeps of a clock, in the order of CLOCK_FIELDS: everything but the
    reading at a given instant."""
    if clock.due is None:
        state = ClockState.PENDING
    elif clock.met_at is not None:
        state = ClockState.MET if clock.met_at <= clock.due else ClockState.BREACHED
    elif clock.paused_since is not None:
        state = ClockState.PAUSED
    else:
        state = ClockState.RUNNING
    return (state.value, clock.clock_start, clock.due, clock.warning_at, clock.met_at,
            clock.paused_since, clock.paused_seconds, clock.cycles)


def clock_fields(row: Sequence[Any]) -> dict[str, Any]:
    """A cached clock's row (as ``clock_row`` gives it) by field name."""
    return dict(zip(CLOCK_FIELDS, row, strict=True))


def clock_row_values(clock: TargetClock) -> dict[str, Any]:
    """``clock_row`` by field name."""
    return clock_fields(clock_row(clock))


def parse_key(key: str) -> int:
    text = key.strip().upper()
    digits = text[4:] if text.startswith("INC-") else text
    if not digits.isdigit():
        raise InputError(f"{key!r} is not an incident key; expected one like INC-000123")
    return int(digits)


# An incident's timeline and cached clocks are read and written through Core: plain rows
# for the few statements of a write cost a fraction of ORM objects and their unit of work.
_EVENTS = cast(Table, IncidentEvent.__table__)
_CLOCKS = cast(Table, ClockRow.__table__)
# Statements of every write, built once (building one costs more than running it here).
# The timeline is read after the row lock is held, not joined to the locking query:
# PostgreSQL would return a joined timeline from before the lock.
_TIMELINE = (
    select(IncidentEvent.seq, IncidentEvent.kind, IncidentEvent.at, IncidentEvent.author,
           IncidentEvent.data)
    .where(IncidentEvent.incident_id == bindparam("incident"))
    .order_by(IncidentEvent.at, IncidentEvent.seq))
_STORED_CLOCKS = (select(_CLOCKS.c.metric, *(_CLOCKS.c[name] for name in CLOCK_FIELDS))
                  .where(_CLOCKS.c.incident_id == bindparam("incident")))
# A write reads both, in one statement (a round trip less on PostgreSQL): the events, in the
# order they happened, then the cached clocks; each row fills its own columns.
_TIMELINE_AND_CLOCKS: CompoundSelect[*tuple[Any, ...]] = union_all(
    _TIMELINE.order_by(None).add_columns(
        literal_column("0").label("part"), null().label("metric"),
        *(cast_as(null(), _CLOCKS.c[name].type).label(name) for name in CLOCK_FIELDS)),
    _STORED_CLOCKS.with_only_columns(*(null() for _ in _TIMELINE.selected_columns),
                                     literal_column("1"), *_STORED_CLOCKS.selected_columns),
).order_by("part", "at", "seq")


def _store_clocks(connection: Connection, incident_id: int, clocks: Sequence[TargetClock],
                  stored: dict[str, tuple[Any, ...]]) -> None:
    """Write the clocks that differ from the ``stored`` ones (by metric) to the incident's
    cached rows."""
    for clock in clocks:
        row = clock_row(clock)
        old = stored.pop(clock.metric, None)
        if old == row:
            continue
        values = clock_fields(row)
        if old is None:
            connection.execute(insert(_CLOCKS).values(
                incident_id=incident_id, metric=clock.metric, **values))
        else:
            connection.execute(update(_CLOCKS).where(
                _CLOCKS.c.incident_id == incident_id, _CLOCKS.c.metric == clock.metric
            ).values(values))
    for metric in stored:  # targets the severity no longer has
        connection.execute(delete(_CLOCKS).where(
            _CLOCKS.c.incident_id == incident_id, _CLOCKS.c.metric == metric))


def _timeline(session: Session, incident_id: int) -> list[Event]:
    """The incident's events in the order they happened."""
    rows = session.connection().execute(_TIMELINE, {"incident": incident_id})
    return [Event(EventKind(kind), at, author, data) for _, kind, at, author, data in rows]


def _timeline_and_clocks(session: Session, incident_id: int
                         ) -> tuple[list[Event], int, dict[str, tuple[Any, ...]]]:
    """The incident's events in the order they happened, the last number given to one, and
    its cached clocks as ``_stored_clocks`` gives them."""
    events: list[Event] = []
    last_seq = 0
    stored: dict[str, tuple[Any, ...]] = {}
    width = len(_TIMELINE.selected_columns)
    for row in session.connection().execute(_TIMELINE_AND_CLOCKS, {"incident": incident_id}):
        if row.part == 0:
            seq, kind, at, author, data = row[:width]
            events.append(Event(EventKind(kind), at, author, data))
            last_seq = max(last_seq, seq)
        else:
            stored[row.metric] = tuple(row[width + 2:])
    return events, last_seq, stored


def _append(session: Session, incident_id: int, last_seq: int, events: Sequence[Event],
            recorded_at: datetime) -> None:
    """Add ``events`` to the incident's timeline, numbered on from ``last_seq``."""
    session.connection().execute(insert(_EVENTS), [
        {"incident_id": incident_id, "seq": seq, "kind": event.kind.value, "at": event.at,
         "recorded_at": recorded_at, "author": event.author, "data": event.data}
        for seq, event in enumerate(events, start=last_seq + 1)])


def _stored_clocks(session: Session, incident_id: int) -> dict[str, tuple[Any, ...]]:
    """The incident's cached clocks by metric, as ``clock_row`` gives them."""
    rows = session.connection().execute(_STORED_CLOCKS, {"incident": incident_id})
    return {metric: tuple(values) for metric, *values in rows}


def _first_column(connection: Connection, query: Select[Any]) -> list[Any]:
    """The first value of each row, as the driver gives it: for the thousands of plain ids
    of a queue, SQLAlchemy's rows would cost more than the query (PostgreSQL, 9,401 ids:
    14 ms through its rows, 8 ms without)."""
    result = connection.execute(query)
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def _settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(Setting))}


def _person(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InputError("a person's name must not be empty")
    return cleaned


def _user(session: Session, name: str) -> User:
    cleaned = _person(name)
    user = session.scalar(select(User).where(User.name == cleaned))
    if user is None:
        try:
            with session.begin_nested():
                user = User(name=cleaned, role="agent")
                session.add(user)
        except IntegrityError:
            # Another workstation added the same person a moment ago.
            user = session.scalars(select(User).where(User.name == cleaned)).one()
    return user


# PostgreSQL advisory locks (any constants will do, apart from the migration's); on SQLite,
# BEGIN IMMEDIATE already makes writers take turns.
_NUMBERING_LOCK = 0x6465736C
_AGREEMENTS_LOCK = 0x6465736D


def _serialize(session: Session, lock: int) -> None:
    """Hold ``lock`` until the transaction ends, so two workstations take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})



def _author(author: str | None) -> str:
    cleaned = (author or default_author()).strip()
    if not cleaned:
        raise InputError("an author's name must not be empty")
    return cleaned





