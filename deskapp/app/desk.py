"""The desk: the service the window and the command line use, over one database.

It opens the database, hands each use case a unit of work that knows who acts, and offers
every use case as a method. The use cases themselves live in their own modules:
``incidents`` (log, show, change), ``queue``, ``agreements``, ``recompute``, ``alerts`` and
``changes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from deskapp.app import agreements, incidents
from deskapp.app import queue as queue_cases
from deskapp.app.incidents import Changed, ConflictError
from deskapp.app.people import acting, default_author
from deskapp.app.queue import QueueFilter, View
from deskapp.app.sla import SlaService
from deskapp.app.views import IncidentDraft, IncidentView, QueueRow
from deskapp.core.agreement import Agreement
from deskapp.core.keys import parse_key
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.core.workflow import (
    AgreeDueDate,
    Assign,
    Change,
    ChangeSeverity,
    ChangeTier,
    Close,
    Comment,
    CustomerUpdate,
    DocumentationComplete,
    EditFields,
    ProvideWorkaround,
    Reopen,
    Resolve,
    Respond,
    Resume,
    SetStatus,
    pause,
)
from deskapp.office import Office, machine_office
from deskapp.storage import catalog, people, timelines
from deskapp.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.compliance import Period
    from deskapp.core.goals import GoalStanding, GoalTrend
    from deskapp.core.review import ComplianceReport, LateTime

__all__ = ["Changed", "ConflictError", "Desk", "Work", "default_author", "parse_key"]


@dataclass(frozen=True)
class Work:
    """One use case's write: its transaction, who acts and this machine's time."""

    session: Session
    author: str
    now: datetime


class Desk:
    """Incidents, agreements, users and settings over one database."""

    def __init__(self, database: Database, *, office: Office | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.database = database
        self.clock = clock or (lambda: datetime.now(UTC))
        self.parsed = agreements.ParsedAgreements()
        self._known_users: set[str] = set()
        with self.reading() as session:
            stored = people.settings(session)
        self.office = office or machine_office(stored.get("office_zone"),
                                               stored.get("office_country"))
        self.sla = SlaService({}, self.office)

    # ----- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, office: Office | None = None,
             clock: Callable[[], datetime] | None = None) -> Desk:
        """Migrate the database to this version (creating it if new) and load the agreements.

        Only reads when the schema is current and no shipped agreement is new."""
        database = Database.open(url)
        try:
            desk = cls(database, office=office, clock=clock)
            desk.load_shipped_agreements()
        except BaseException:
            database.close()
            raise
        return desk

    @property
    def database_name(self) -> str:
        """The database as a window title names it: the file, or the server's database,
        never with a password."""
        return self.database.name

    def shutdown(self) -> None:
        """Release the database connections."""
        self.database.close()

    def now(self) -> datetime:
        """This machine's clock as a UTC instant (what is stored and shown is always UTC)."""
        return self.clock().astimezone(UTC)

    # ----- units of work ------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: it never waits for, nor holds up, a writer."""
        with self.database.reading() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (on SQLite it takes the write lock at once)."""
        with self.database.writing() as session:
            yield session

    @contextmanager
    def work(self, author: str | None) -> Iterator[Work]:
        """A write on behalf of ``author`` (this machine's user when None), who becomes a
        known person of the desk with it."""
        name = acting(author)
        with self.writing() as session:
            if name not in self._known_users:
                name = people.known_name(session, name) or name  # "Ana" is ana
                people.user_id(session, name)
            yield Work(session, name, self.now())
        self._known_users.add(name)  # committed: people stay

    # ----- agreements, settings and people ------------------------------------------------

    def load_shipped_agreements(self) -> list[str]:
        """Store each shipped agreement whose text is new; returns the vendors updated.

        Reads first: the write lock is only taken when some text is new, so opening the
        desk does not wait for another workstation's write."""
        with self.reading() as session:
            if agreements.shipped_are_stored(session):
                return []
        with self.writing() as session:
            return agreements.store_shipped(session, self.now())

    def agreements(self) -> dict[str, Agreement]:
        """The current agreement of every vendor, by vendor key."""
        with self.reading() as session:
            return agreements.current(session, self.parsed)

    def products(self, vendor: str) -> list[str]:
        with self.reading() as session:
            return catalog.product_names(session, vendor)

    def settings(self) -> dict[str, str]:
        with self.reading() as session:
            return people.settings(session)

    def set_office(self, zone: str, country: str | None) -> Office:
        office = machine_office(zone, country)  # validates both
        stored = {"office_zone": office.zone}
        if office.country:
            stored["office_country"] = office.country
        with self.writing() as session:
            people.store_settings(session, stored)
        changed = office != self.office
        self.office = office
        self.sla = SlaService({}, office, self.sla.book)
        if changed:
            # Incidents logged without a site (before sites were kept) follow the office.
            self.recompute_all()
        return office

    def users(self) -> list[str]:
        with self.reading() as session:
            return people.user_names(session)

    # ----- incidents ----------------------------------------------------------------------

    def show(self, key: str, now: datetime | None = None) -> IncidentView:
        """An incident with its timeline and each target's state at ``now``."""
        return incidents.show(self, key, now)

    def log(self, draft: IncidentDraft, *, author: str | None = None,
            at: datetime | None = None) -> Changed:
        """A new incident; its clocks start at ``at`` (when it was reported), default now."""
        return incidents.log(self, draft, author=author, at=at)

    def apply(self, key: str, changes: Sequence[Change], *, author: str | None = None,
              at: datetime | None = None, expected_version: int | None = None) -> Changed:
        """Apply ``changes`` to the incident in order, all or nothing (one transaction, one
        version check, one set of timeline entries)."""
        return incidents.apply(self, key, changes, author=author, at=at,
                               expected_version=expected_version)

    def queue(self, wanted: QueueFilter | None = None, now: datetime | None = None
              ) -> list[QueueRow]:
        """Incidents for a view and filters, soonest due first (closed: latest first)."""
        return queue_cases.queue(self, wanted, now)

    def queue_ids(self, wanted: QueueFilter | None = None, now: datetime | None = None
                  ) -> list[int]:
        """The ids of a view's incidents in queue order, sorted by the database."""
        return queue_cases.queue_ids(self, wanted, now)

    def waiting_for_documents(self) -> int:
        """How many open incidents wait for their documentation (nothing counts down)."""
        return len(queue_cases.queue_ids(self, QueueFilter(View.WAITING_FOR_DOCUMENTATION)))

    def queue_order_moved(self, since: datetime, now: datetime) -> bool:
        """Whether the queue's order changed with the time alone between two instants."""
        return queue_cases.order_moved(self, since, now)

    def queue_rows(self, ids: Sequence[int]) -> dict[int, QueueRow]:
        """The queue lines of these incidents, by id (for the rows a window shows)."""
        return queue_cases.queue_rows(self, ids)

    # ----- each action, as one change -----------------------------------------------------

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

    # ----- the review -------------------------------------------------------------------

    def compliance(self, period: Period, vendor: str | None = None,
                   now: datetime | None = None) -> ComplianceReport:
        """Compliance per vendor, severity and target over ``period`` (each vendor's days in
        its own zone), its goals and breaches by weekday and hour, at ``now``."""
        from deskapp.app import compliance as review  # imported when used: few commands report

        return review.compliance(self, period, vendor, now)

    def goals_now(self, vendor: str | None = None, now: datetime | None = None
                  ) -> tuple[GoalStanding, ...]:
        """Every aggregate goal as it stands this month, in each vendor's own zone."""
        from deskapp.app import compliance as review  # imported when used: few commands report

        return review.goals_now(self, vendor, now)

    def goal_trend(self, months: int = 12, vendor: str | None = None,
                   now: datetime | None = None) -> tuple[GoalTrend, ...]:
        """Each aggregate goal month by month, the last ``months`` up to this one."""
        from deskapp.app import compliance as review  # imported when used: few commands report

        return review.goal_trend(self, months, vendor, now)

    def late_time(self, period: Period, vendor: str | None = None,
                  now: datetime | None = None) -> tuple[LateTime, ...]:
        """Where the time of breached targets went over ``period``, per vendor."""
        from deskapp.app import compliance as review  # imported when used: few commands report

        return review.late_time(self, period, vendor, now)

    # ----- cached clocks ------------------------------------------------------------------

    def recompute_all(self, progress: Callable[[int, int], None] | None = None,
                      workers: int | None = None) -> int:
        """Recompute every cached clock from the timelines; returns how many incidents."""
        # Imported when used: with the process pool it starts, it is 5 % of the instructions
        # of a command's start (124 M of 2.53 G to import the desk), and most never use it.
        from deskapp.app import recompute

        return recompute.recompute_all(self, progress, workers)

    def cached_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        """The clocks as stored for queries (to compare with a fresh computation)."""
        with self.reading() as session:
            incident = incidents.load(session, key)
            stored = timelines.cached_clocks(session.connection(), incident.id)
        return {metric: clock._asdict() for metric, clock in stored.items()}

    def fresh_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        """The clocks computed from the timeline, as the cache would keep them."""
        with self.reading() as session:
            clocks = incidents.fresh_clocks(self, session, incidents.load(session, key))
        return {clock.metric: timelines.cached_clock(clock)._asdict() for clock in clocks}
