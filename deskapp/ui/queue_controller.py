"""The live queue: reads, polls, ticks and the read after a write, off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from deskapp.app.alerts import due_alerts
from deskapp.app.changes import ChangeTracker, changed_since, ids_of, news
from deskapp.app.desk import Changed, Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import QueueRow
from deskapp.ui.layout import QueueTable
from deskapp.ui.notifications import Alert, Notifier
from deskapp.ui.queue_model import MARGIN, QueueModel
from deskapp.ui.shown_incident import ShownIncident
from deskapp.ui.workstation import Workstation

TICK_MS = 1000
AGE_MS = 60_000
# Views whose incidents change as time passes, with no write: read again on every poll.
# Views whose lists change with the time alone: read again at every poll.
TIMED_VIEWS = frozenset({View.BREACHED, View.BREACHING_SOON, View.DUE_TODAY,
                         View.LONG_BREACHED})
# Views whose order never does; in the others a target that breaches moves down, behind
# the running ones, and the ids are read again when one did (the service says).
UNORDERED_BY_TIME = frozenset({View.CLOSED, View.WAITING_FOR_DOCUMENTATION})


def _depends_on_time(wanted: QueueFilter) -> bool:
    return wanted.view in TIMED_VIEWS or wanted.due_within is not None


@dataclass(frozen=True)
class _Polled:
    """What one poll read: the latest writes, the ids when read again, lines, alerts."""

    pairs: list[tuple[int, int]]
    ids: list[int] | None
    rows: dict[int, QueueRow]
    alerts: list[Alert]
    waiting: int | None  # incidents waiting for their documentation, when counted again


@dataclass(frozen=True)
class Written:
    """What a write's job read after it: the view's ids and the lines around the incident
    (and the people, when asked for), for the view and the read it was made in."""

    changed: Changed
    ids: list[int]
    rows: dict[int, QueueRow]
    incident_id: int | None
    wanted: QueueFilter
    generation: int
    users: list[str] | None = None


class QueueController(QObject):
    """Emits ``alerted`` for each warning or breach a poll finds, once; ``counted`` with the
    view's size and ``read_at`` with the time of each read."""

    alerted = Signal(object)
    counted = Signal(int)
    waiting_counted = Signal(int)  # incidents waiting for their documentation
    read_at = Signal(object)

    def __init__(self, station: Workstation, model: QueueModel, table: QueueTable,
                 shown: ShownIncident, wanted: Callable[[], QueueFilter], notifier: Notifier,
                 report: Callable[[Exception], None]) -> None:
        super().__init__(table)
        self.station = station
        self.model = model
        self.table = table
        self.shown = shown
        self.wanted = wanted
        self.notifier = notifier
        self.report = report
        self.changes = ChangeTracker()
        self._shown_filter: QueueFilter | None = None  # what the model's ids were read for
        self._ids_read_at: datetime | None = None  # the "now" they were read for
        self._waiting_counted = False
        self._generation = 0
        self._reads = 0  # queue reads and polls under way
        self._poll_again = False  # a poll came while a read was under way
        model.fetch_requested.connect(self._fetch_rows)

        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self.age_timer = QTimer(self)
        self.age_timer.setInterval(AGE_MS)
        self.age_timer.timeout.connect(self.age_tick)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(int(station.prefs.poll_seconds * 1000))
        self.poll_timer.timeout.connect(self.poll)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.timeout.connect(self.refresh)

    def start(self) -> None:
        """A desk was opened: forget the last one's queue and follow this one's."""
        self.changes = ChangeTracker()
        self._shown_filter = None
        self._waiting_counted = False
        self.refresh()
        for timer in (self.tick_timer, self.age_timer, self.poll_timer):
            timer.start()

    def stop(self) -> None:
        for timer in (self.tick_timer, self.age_timer, self.poll_timer, self.refresh_timer):
            timer.stop()

    # ----- reading ----------------------------------------------------------------------

    def schedule_refresh(self, msecs: int) -> None:
        self.refresh_timer.start(msecs)

    def refresh(self) -> None:
        """Read the view's ids again (a new read supersedes older ones), with the lines of
        the first screen (or, in the same view, of the rows on screen) that are not cached."""
        self._generation += 1
        generation = self._generation
        desk = self.station.desk
        if desk is None:
            return
        wanted = self.wanted()
        now = self.station.clock()
        first, last = self.table.visible_rows()
        if wanted != self._shown_filter or last < first:
            first, last = 0, self.table.page_rows()
        cached = set(self.model.versions())

        def read() -> tuple[list[int], dict[int, QueueRow]]:
            ids = desk.queue_ids(wanted, now)
            shown = ids[max(first - MARGIN, 0):last + MARGIN + 1]
            return ids, desk.queue_rows([i for i in shown if i not in cached])

        def done(result: tuple[list[int], dict[int, QueueRow]]) -> None:
            self._read_done()
            ids, rows = result
            if generation == self._generation:
                self._ids_read_at = now
                self._show_ids(wanted, ids, rows)
            else:
                self.model.add_rows(rows.values())

        self._reads += 1
        self.station.tasks.run(read, done, self._read_failed)

    def poll(self) -> None:
        """Pick up changes made here or on other workstations, and tell new warnings and
        breaches; skipped while a read is under way.

        One question for what was written lately (``changed_since``); the ids are read again
        only when something changed or the view depends on the time (breached, breaching
        soon, due today), and only cached lines whose version moved are read again.
        """
        desk = self.station.desk
        if desk is None:
            return
        if self._reads:
            self._poll_again = True  # right after the read: changes show within seconds
            return
        wanted = self.wanted()
        now = self.station.clock()
        self.notifier.start(now)
        alert_since = self.notifier.since
        warn_seconds = self.notifier.warn_seconds
        documents_after = self.notifier.documents_after
        since = self.changes.since(now)
        known = dict(self.changes.known)
        cached = self.model.versions()
        timed = _depends_on_time(wanted) or wanted != self._shown_filter
        counted_once = self._waiting_counted
        ordered_since = (self._ids_read_at if wanted.view not in UNORDERED_BY_TIME
                         and wanted.sort is None else None)
        generation = self._generation

        def read() -> _Polled:
            pairs = changed_since(desk, since)
            fresh = news(pairs, known)
            moved = (ordered_since is not None and not (fresh or timed)
                     and desk.queue_order_moved(ordered_since, now))
            ids = desk.queue_ids(wanted, now) if fresh or timed or moved else None
            stale = [i for i, version in fresh.items() if cached.get(i, version) != version]
            rows = desk.queue_rows(stale) if stale else {}
            # Only a write changes how many wait for their documents.
            waiting = desk.waiting_for_documents() if fresh or not counted_once else None
            alerts = (due_alerts(desk, alert_since, now, warn_seconds, documents_after)
                      if alert_since is not None else [])
            return _Polled(pairs, ids, rows, alerts, waiting)

        def done(polled: _Polled) -> None:
            self._read_done()
            self.changes.seen(polled.pairs)
            if polled.waiting is not None:
                self._waiting_counted = True
                self.waiting_counted.emit(polled.waiting)
            if polled.ids is not None and generation == self._generation:
                self._ids_read_at = now
                self._show_ids(wanted, polled.ids, polled.rows)
            else:
                self.model.add_rows(polled.rows.values())
            versions = dict(polled.pairs)
            self.model.request(self.model.stale(versions))
            self.shown.versions_seen(versions)
            self.read_at.emit(self.station.clock())
            for alert in self.notifier.take(polled.alerts, now):
                self.alerted.emit(alert)

        self._reads += 1
        self.station.tasks.run(read, done, self._read_failed)

    def _read_done(self) -> None:
        self._reads -= 1
        if not self._reads and self._poll_again:
            self._poll_again = False
            QTimer.singleShot(0, self, self.poll)

    def _read_failed(self, error: Exception) -> None:
        self._read_done()
        self.report(error)

    def _show_ids(self, wanted: QueueFilter, ids: list[int], rows: dict[int, QueueRow]
                  ) -> None:
        """Show a view's ids as read; the lines read with them go into the cache first."""
        self.model.add_rows(rows.values())
        reset = self.model.set_ids(ids, reset=wanted != self._shown_filter)
        self._shown_filter = wanted
        self.shown.view_read(reset)
        self.counted.emit(len(ids))
        self.read_at.emit(self.station.clock())

    def queue_ready(self) -> bool:
        """Whether the queue shows the current view and filters, with the lines on screen
        read (for tests and benchmarks)."""
        if self.refresh_timer.isActive() or self._shown_filter != self.wanted():
            return False
        first, last = self.table.visible_rows()
        return all(self.model.row_at(row) is not None for row in range(first, last + 1))

    def _fetch_rows(self, ids: list[int]) -> None:
        """Read the lines the model asks for (rows coming on screen), off the UI thread."""
        desk = self.station.desk
        if desk is None:
            self.model.fetch_failed(ids)
            return

        def failed(error: Exception) -> None:
            self.model.fetch_failed(ids)
            self.report(error)

        def done(rows: dict[int, QueueRow]) -> None:
            self.model.add_rows(rows.values(), ids)

        self.station.tasks.run(lambda: desk.queue_rows(ids), done, failed)

    # ----- writing ----------------------------------------------------------------------

    def write(self, work: Callable[[Desk], Changed], done: Callable[[Written], None],
              failed: Callable[[Exception], None], *, read_users: bool = False) -> None:
        """Run ``work`` (a write) in the background and read, after it, what ``take`` shows:
        it supersedes reads asked for before it."""
        desk = self.station.desk
        assert desk is not None
        wanted = self.wanted()
        self._generation += 1
        generation = self._generation
        cached = set(self.model.versions())
        clock = self.station.clock

        def run() -> Written:
            changed = work(desk)
            key = changed.incident.key
            ids = desk.queue_ids(wanted, clock())
            incident_id = ids_of(desk, [key]).get(key)
            around: list[int] = []
            if incident_id is not None:
                around.append(incident_id)
                if incident_id in ids:
                    position = ids.index(incident_id)
                    around += [i for i in ids[max(position - MARGIN, 0):position + MARGIN + 1]
                               if i not in cached and i != incident_id]
            return Written(changed, ids, desk.queue_rows(around), incident_id, wanted,
                           generation, desk.users() if read_users else None)

        self.station.tasks.run(run, done, failed)

    def take(self, written: Written) -> None:
        """Show what a write read: the view around the incident written, and the incident."""
        if written.generation == self._generation:
            self._show_ids(written.wanted, written.ids, written.rows)
        else:
            self.model.add_rows(written.rows.values())
        self.shown.show_written(written.changed.incident, written.incident_id)

    # ----- time -------------------------------------------------------------------------

    def tick(self) -> None:
        """Move every countdown on screen to the wall clock now; no database involved.

        Only the cached rows on screen are signalled, and the view reads them again
        (``clock.at(now)`` for those cells alone). Warnings and breaches are told by the
        poll, which runs while the window is minimised too.
        """
        now = self.station.clock()
        if not self.table.window().isMinimized():
            first, last = self.table.visible_rows()
            self.model.tick(now, first, last)
            self.shown.tick(now)
        else:
            self.model.now = now

    def age_tick(self) -> None:
        first, last = self.table.visible_rows()
        self.model.age_tick(first, last)

    def invalidate(self) -> None:
        """Every cached line is out of date (the clocks were recomputed): read them again."""
        self.model.invalidate()
        self.refresh()
