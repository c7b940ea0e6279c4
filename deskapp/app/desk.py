"""The desk: the service the window and the command line use, over one database.

It opens the database, hands each use case a unit of work that knows who acts, and offers
every use case as a method. The use cases themselves live in their own modules:
``incidents`` (log, show, change), ``queue``, ``agreements``, ``recompute``, ``alerts`` and
``changes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

# The use cases a command rarely needs (compliance, backups, agreement changes) are imported
# by their methods: importing them here cost every `incident show` 0.15 G instructions
# (2.94 G instead of 3.09 G for the whole command, valgrind).
from deskapp.app import agreements, incidents
from deskapp.app import queue as queue_cases
from deskapp.app.incidents import Changed, ConflictError
from deskapp.app.people import acting, default_author
from deskapp.app.queue import QueueFilter, View
from deskapp.app.sla import SlaService
from deskapp.app.views import IncidentDraft, IncidentView, QueueRow
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import AgreementError
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
from deskapp.storage.clock_cache import cached_clock
from deskapp.storage.database import Database
from deskapp.storage.engine import read_only_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.agreement_change import AgreementPreview
    from deskapp.app.backups import Backup
    from deskapp.core.agreement_check import Checked
    from deskapp.core.agreement_versions import VersionInfo
    from deskapp.core.compliance import Period
    from deskapp.core.goals import GoalStanding, GoalTrend
    from deskapp.core.review import ComplianceReport, LateTime

__all__ = ["Changed", "ConflictError", "Desk", "Work", "default_author", "parse_key",
           "read_only_url"]


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
        # The shipped agreement files that cannot be used, by vendor (told at opening).
        self.shipped_problems: dict[str, AgreementError] = {}

    # ----- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, office: Office | None = None,
             clock: Callable[[], datetime] | None = None, read_only: bool = False) -> Desk:
        """Migrate the database to this version (creating it if new) and load the agreements.

        Only reads when the schema is current and no shipped agreement is new.
        ``read_only`` (or a URL from ``read_only_url``): an existing database of this
        version, in which nothing is written; every write is refused with one message."""
        database = Database.open(url, read_only=read_only)
        try:
            desk = cls(database, office=office, clock=clock)
            if not desk.read_only:
                desk.load_shipped_agreements()
                if database.migrated:  # the cache of a newer schema keeps more
                    desk.recompute_all()
        except BaseException:
            database.close()
            raise
        return desk

    @property
    def read_only(self) -> bool:
        """Opened read-only: browse and read everything, change nothing."""
        return self.database.read_only

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
        now = self.now()
        with self.reading() as session:
            found = agreements.check_shipped(session, now)
        self.shipped_problems = found.problems
        if not found.newer and not found.refresh:
            return []
        with self.writing() as session:
            return agreements.store_shipped(session, now)

    def bring_agreements_into_force(self) -> list[str]:
        """Mark current the versions whose effective time has come (imported for a later
        date); returns the vendors whose current version changed."""
        now = self.now()
        with self.reading() as session:
            if not agreements.needs_refresh(session, now):
                return []
        with self.writing() as session:
            catalog.lock_agreements(session)
            return agreements.refresh_current(session, now)

    def check_agreement(self, data: str | Mapping[str, Any], source: str) -> Checked:
        """Every finding about an agreement (its file's text or its tables), the loader's
        and the linter's, each ``source: key: message``; nothing is stored."""
        return agreements.check(data, source, self.now())

    def import_agreement(self, data: str | Mapping[str, Any], source: str, *,
                         effective: datetime | None = None, author: str | None = None
                         ) -> agreements.Imported:
        """Store an agreement as the team's next version of its vendor (or a new vendor)."""
        return agreements.import_agreement(self, data, source, effective=effective,
                                           author=author)

    def agreement_versions(self, vendor: str) -> list[VersionInfo]:
        """A vendor's stored versions: number, effective, who, when, origin, current."""
        return agreements.versions(self, vendor)

    def agreement_text(self, vendor: str, number: int | None = None) -> tuple[int, str]:
        """The number and stored text of a vendor's version (default: the current one)."""
        return agreements.version_text(self, vendor, number)

    def preview_agreement_change(self, vendor: str, new: str | Agreement,
                                 now: datetime | None = None) -> AgreementPreview:
        """What applying ``new`` to the vendor's open incidents would change."""
        from deskapp.app.agreement_change import preview_agreement_change

        return preview_agreement_change(self, vendor, new, now or self.now())

    def apply_agreement_change(self, vendor: str, version: int,
                               expected: str | AgreementPreview, now: datetime | None = None,
                               *, author: str | None = None) -> int:
        """Pin the vendor's open incidents to ``version`` and recompute their clocks, unless
        they changed since the preview; returns how many were pinned."""
        from deskapp.app.agreement_change import apply_agreement_change

        return apply_agreement_change(self, vendor, version, expected, now or self.now(),
                                      author=author)

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
        """A new incident, pinned to the agreement version in force; its clocks start at
        ``at`` (when it was reported), default now."""
        self.bring_agreements_into_force()
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
        from deskapp.app import compliance as review

        return review.compliance(self, period, vendor, now)

    def goals_now(self, vendor: str | None = None, now: datetime | None = None
                  ) -> tuple[GoalStanding, ...]:
        """Every aggregate goal as it stands this month, in each vendor's own zone."""
        from deskapp.app import compliance as review

        return review.goals_now(self, vendor, now)

    def goal_trend(self, months: int = 12, vendor: str | None = None,
                   now: datetime | None = None) -> tuple[GoalTrend, ...]:
        """Each aggregate goal month by month, the last ``months`` up to this one."""
        from deskapp.app import compliance as review

        return review.goal_trend(self, months, vendor, now)

    def late_time(self, period: Period, vendor: str | None = None,
                  now: datetime | None = None) -> tuple[LateTime, ...]:
        """Where the time of breached targets went over ``period``, per vendor."""
        from deskapp.app import compliance as review

        return review.late_time(self, period, vendor, now)

    # ----- cached clocks ------------------------------------------------------------------

    def recompute_all(self, progress: Callable[[int, int], None] | None = None,
                      workers: int | None = None) -> int:
        """Recompute every cached clock from the timelines; returns how many incidents."""
        # Imported when used: with the process pool it starts, it is 5 % of the instructions
        # of a command's start (124 M of 2.53 G to import the desk), and most never use it.
        from deskapp.app import recompute

        self.database.refuse_if_read_only()  # before the reading, not at the first write
        return recompute.recompute_all(self, progress, workers)

    def cached_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        """The clocks as stored for queries (to compare with a fresh computation)."""
        with self.reading() as session:
            incident = incidents.load(session, key)
            stored = timelines.cached_clocks(session.connection(), incident.id)
        return {metric: clock._asdict() for metric, clock in stored.items()}

    # ----- backups ------------------------------------------------------------------------

    def url(self) -> str:
        """The database's URL, as another process of this desk opens it (a backup's
        restore, an export): never shown, it may hold a password."""
        return self.database.url_for_worker()

    def backup_now(self, folder: str | None = None) -> Backup:
        """A verified backup of the desk's SQLite file, taken while it works."""
        from deskapp.app import backups

        return backups.create(self.database.url_for_worker(), now=self.now(), folder=folder)

    def daily_backup(self, folder: str | None = None) -> Backup | None:
        """The day's backup, when none was taken today and something changed since."""
        from deskapp.app import backups

        return backups.daily(self.database.url_for_worker(), now=self.now(), folder=folder)

    def backups(self, folder: str | None = None) -> list[Backup]:
        """The desk's backups, newest first, with their states."""
        from deskapp.app import backups

        return backups.backups(self.database.url_for_worker(), folder=folder)

    def fresh_clocks(self, key: str) -> dict[str, dict[str, Any]]:
        """The clocks computed from the timeline, as the cache would keep them."""
        with self.reading() as session:
            clocks = incidents.fresh_clocks(self, session, incidents.load(session, key))
        return {clock.metric: cached_clock(clock)._asdict() for clock in clocks}
