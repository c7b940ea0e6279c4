"""A glance at the incidents of a current SQLite file, without opening the desk: what the
commands that read one thing and end (``incident show``, ``incident list``) need.

Opening the desk imports SQLAlchemy (0.25 s alone) and checks the schema; such a command has
0.3 s in all. A glance reads the file with Python's own driver (``storage/sqlite_reads``)
and makes the same views with the same code as the desk (``app/views``). Whenever a glance
cannot answer as the desk would (a server, a file to migrate, a shipped agreement not yet
stored, an agreement version to bring into force, a row that does not read), the work is
done on the desk instead, which writes what is due or names the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from deskapp.app.people import default_author
from deskapp.app.sla import SlaService, shipped_texts
from deskapp.app.views import IncidentView, QueueRow, incident_view, queue_row
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.agreement_versions import VersionInfo, flags_stale, shipped_stored
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key, key_named, parse_key
from deskapp.core.queue import QueueFilter, View
from deskapp.core.workflow import waits_for_documentation
from deskapp.office import machine_office
from deskapp.storage import sqlite_reads
from deskapp.storage.agreement_texts import sqlite_file, versions_in

if TYPE_CHECKING:
    import sqlite3

__all__ = ["Glance", "QueueFilter", "Reader", "View", "read_with"]

T = TypeVar("T")


class Reader(Protocol):
    """What reading an incident or the queue asks of a desk (a glance answers it too)."""

    sla: SlaService
    clock: Callable[[], datetime]

    def agreements(self) -> Mapping[str, Agreement]: ...

    def show(self, key: str, now: datetime | None = None) -> IncidentView: ...

    def queue(self, wanted: QueueFilter | None = None, now: datetime | None = None
              ) -> list[QueueRow]: ...


def read_with(db: str | None, clock: Callable[[], datetime], work: Callable[[Reader], T]
              ) -> T:
    """``work`` done on a glance at the database ``db`` names (as ``--db`` does) when one
    can do it, else on the desk."""
    glance = Glance.open(db, clock)
    if glance is not None:
        try:
            return work(glance)
        except sqlite_reads.Unreadable:
            pass  # the desk's reading says what is wrong
        finally:
            glance.close()
    from deskapp.app.desk import Desk
    from deskapp.app.locations import database_url

    desk = Desk.open(database_url(db), clock=clock)
    try:
        return work(desk)
    finally:
        desk.shutdown()


class Glance:
    """The incidents of a current SQLite file, read in one read-only transaction."""

    def __init__(self, connection: sqlite3.Connection, closing: ExitStack,
                 versions: list[tuple[VersionInfo, str]], sla: SlaService,
                 clock: Callable[[], datetime]) -> None:
        self._connection = connection
        self._closing = closing
        self._versions = versions
        self._sources = {version.id: source for version, source in versions}
        self._parsed: dict[int, Agreement] = {}
        self.sla = sla
        self.clock = clock

    @classmethod
    def open(cls, db: str | None, clock: Callable[[], datetime]) -> Glance | None:
        """A glance at the file ``db`` names; None when the desk must open it."""
        path = sqlite_file(db)
        if path is None:
            return None
        closing = ExitStack()
        try:
            connection = closing.enter_context(sqlite_reads.reading(path))
            versions = versions_in(connection)
            if versions is None or not _starts_without_writing(versions, clock()):
                closing.close()
                return None
            stored = sqlite_reads.settings(connection)
        except sqlite_reads.Unreadable:
            closing.close()
            return None
        office = machine_office(stored.get("office_zone"), stored.get("office_country"))
        return cls(connection, closing, versions, SlaService({}, office), clock)

    def close(self) -> None:
        self._closing.close()

    def _agreement(self, version_id: int) -> Agreement:
        found = self._parsed.get(version_id)
        if found is None:
            source = self._sources.get(version_id)
            if source is None:
                raise sqlite_reads.Unreadable(f"no agreement version {version_id}")
            found = parse_agreement(source, f"stored agreement version {version_id}")
            self._parsed[version_id] = found
        return found

    def agreements(self) -> Mapping[str, Agreement]:
        """The current agreement of every vendor, by vendor key, each parsed when it is
        looked up (parsing an agreement checks its holiday countries: 25 ms each)."""
        return _Parsed({version.vendor: version.id for version, _ in self._versions
                        if version.is_current}, self._agreement)

    def show(self, key: str, now: datetime | None = None) -> IncidentView:
        """An incident with its timeline and each target's state at ``now``."""
        number = parse_key(key)
        incident = sqlite_reads.read_record(self._connection, number)
        if incident is None:
            raise InputError(f"no incident {incident_key(number)}")
        events = sqlite_reads.timeline(self._connection, incident.id)
        return incident_view(incident, events, self._agreement(incident.agreement_version_id),
                             self.sla, now or self.clock())

    def queue(self, wanted: QueueFilter | None = None, now: datetime | None = None
              ) -> list[QueueRow]:
        """Incidents for a view and filters, in the desk's queue order."""
        wanted = wanted or QueueFilter()
        waiting: list[int] = []
        if wanted.view is View.WAITING_FOR_DOCUMENTATION:
            waiting = [version.id for version, _ in self._versions
                       if waits_for_documentation(self._agreement(version.id))]
        ids = sqlite_reads.queue_ids(
            self._connection, wanted, now or self.clock(), me=wanted.me or default_author(),
            office_zone=self.sla.office_zone, number=key_named(wanted.text),
            waiting_versions=waiting)
        lines = sqlite_reads.queue_lines(self._connection, ids)
        rows = {line.id: queue_row(line, clocks, self._agreement(line.agreement_version_id),
                                   self.sla) for line, clocks in lines}
        return [rows[i] for i in ids if i in rows]


class _Parsed(Mapping[str, Agreement]):
    """Agreements by vendor, parsed as they are looked up."""

    def __init__(self, versions: dict[str, int], parse: Callable[[int], Agreement]) -> None:
        self._versions = versions
        self._parse = parse

    def __getitem__(self, vendor: str) -> Agreement:
        return self._parse(self._versions[vendor])

    def __iter__(self) -> Iterator[str]:
        return iter(self._versions)

    def __len__(self) -> int:
        return len(self._versions)


def _starts_without_writing(versions: list[tuple[VersionInfo, str]], now: datetime) -> bool:
    """Whether opening the desk at ``now`` would write nothing: every shipped agreement is
    stored, and the versions marked current are the ones in force."""
    infos = [version for version, _ in versions]
    return shipped_stored(infos, shipped_texts().values()) and not flags_stale(infos, now)

