"""The desk's main window: views, filters, the live queue, the selected incident and actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.alerts import due_alerts
from deskapp.app.changes import ChangeTracker, changed_since, ids_of, news
from deskapp.app.desk import Changed, ConflictError, Desk
from deskapp.app.instants import parse_instant
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import IncidentDraft, IncidentView, QueueRow
from deskapp.core.agreement import Agreement, ClockStart
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.office import Office
from deskapp.ui.action_dialogs import ActionDialog, FieldKind, FieldSpec
from deskapp.ui.delegates import CountdownDelegate
from deskapp.ui.detail import DetailPane
from deskapp.ui.filters import FilterBar
from deskapp.ui.infobar import InfoBar
from deskapp.ui.new_incident import NewIncidentDialog
from deskapp.ui.notifications import Alert, Kind, Notifier
from deskapp.ui.opening import Catalog, Opened, load_catalog, open_database, open_demo
from deskapp.ui.queue_model import (
    COUNTDOWN_COLUMNS,
    MARGIN,
    Clock,
    Column,
    Display,
    QueueModel,
    now_utc,
)
from deskapp.ui.settings import Preferences, SettingsDialog, SettingsValues
from deskapp.ui.style import app_icon
from deskapp.ui.tasks import Tasks

VIEWS = [
    (View.MY_OPEN, "My open"),
    (View.BREACHING_SOON, "Breaching soon"),
    (View.BREACHED, "Breached"),
    (View.PAUSED, "Paused"),
    (View.DUE_TODAY, "Due today"),
    (View.ALL_OPEN, "All open"),
    (View.CLOSED, "Closed"),
]
COLUMN_WIDTHS = {
    Column.KEY: 96, Column.VENDOR: 80, Column.PRODUCT: 124, Column.SEVERITY: 64,
    Column.TIER: 52, Column.STATUS: 140, Column.ASSIGNEE: 76, Column.TITLE: 260,
    Column.AGE: 72, Column.RESPONSE: 100, Column.WORKAROUND: 100, Column.RESOLUTION: 100,
}
TICK_MS = 1000
AGE_MS = 60_000
# Views whose incidents change as time passes, with no write: read again on every poll.
TIMED_VIEWS = frozenset({View.BREACHED, View.BREACHING_SOON, View.DUE_TODAY})


def _depends_on_time(wanted: QueueFilter) -> bool:
    return wanted.view in TIMED_VIEWS or wanted.due_within is not None


@dataclass(frozen=True)
class _Polled:
    """What one poll read: the latest writes, the ids when read again, lines, alerts."""

    pairs: list[tuple[int, int]]
    ids: list[int] | None
    rows: dict[int, QueueRow]
    alerts: list[Alert]


@dataclass(frozen=True)
class _Written:
    """What a write's job read after it: the view's ids and the lines around the incident."""

    changed: Changed
    ids: list[int]
    rows: dict[int, QueueRow]
    incident_id: int | None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: str
    tip: str


ACTIONS = [
    ActionSpec("assign", "&Assign…", "Ctrl+Shift+A", "Assign the incident to someone"),
    ActionSpec("severity", "Change &severity…", "Ctrl+Shift+S",
               "Change the severity (a reason is required)"),
    ActionSpec("escalate", "&Escalate tier", "Ctrl+Shift+E", "Move to the next support tier"),
    ActionSpec("lower", "&Lower tier", "Ctrl+Shift+L", "Move back to the previous tier"),
    ActionSpec("pause", "&Pause (waiting on customer)…", "Ctrl+Shift+P",
               "Wait on the customer: pausable targets stop counting"),
    ActionSpec("resume", "Res&ume", "Ctrl+Shift+G", "Stop waiting on the customer"),
    ActionSpec("customer", "Customer &update…", "Ctrl+Shift+U",
               "The customer wrote or called"),
    ActionSpec("respond", "&Response sent…", "Ctrl+Shift+R", "The desk responded"),
    ActionSpec("vendor", "&Vendor response…", "Ctrl+Shift+V", "The vendor responded"),
    ActionSpec("workaround", "&Workaround…", "Ctrl+Shift+W", "A workaround was provided"),
    ActionSpec("resolve", "Resol&ve…", "Ctrl+Shift+D", "Resolve, with a resolution type"),
    ActionSpec("close", "&Close", "Ctrl+Shift+C", "Close a resolved incident"),
    ActionSpec("reopen", "Re&open…", "Ctrl+Shift+O", "Reopen a resolved or closed incident"),
    ActionSpec("comment", "Co&mment…", "Ctrl+Shift+M", "Add a note to the timeline"),
    ActionSpec("documentation", "&Documentation complete", "Ctrl+Shift+K",
               "The report and documentation are in: clocks that wait for them start"),
    ActionSpec("agree", "Agree &due date…", "Ctrl+Shift+T",
               "Fix the due date of a target agreed per incident"),
]


class MainWindow(QMainWindow):
    """The queue on the left, the selected incident on the right, everything off the UI
    thread that touches the database."""

    def __init__(self, settings: QSettings, *, clock: Clock | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("deskapp")
        self.setWindowIcon(app_icon())
        self.clock: Clock = clock or now_utc
        self.prefs = Preferences(settings)
        self.desk: Desk | None = None
        self.catalog: Catalog | None = None
        self.opened: Opened | None = None
        self.tasks = Tasks(self)
        self.display = Display(ZoneInfo("UTC"), {}, self.prefs.warn_minutes * 60)
        self.model = QueueModel(self.display, self.clock(), self)
        self.model.fetch_requested.connect(self._fetch_rows)
        self.model.rows_arrived.connect(self._rows_arrived)
        self.notifier = Notifier(self.prefs.warn_minutes * 60)
        self.changes = ChangeTracker()
        self.alerts: list[Alert] = []
        self._shown_filter: QueueFilter | None = None  # what the model's ids were read for
        self._generation = 0
        self._reads = 0  # queue reads and polls under way
        self._poll_again = False  # a poll came while a read was under way
        self._detail_key: str | None = None
        self._detail_id: int | None = None
        self._awaited_id: int | None = None  # selected before its line was read
        self._detail_token = 0
        self._owns_desk = False
        self.dialog: QWidget | None = None  # the open action or new-incident dialog

        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self.tray = QSystemTrayIcon(app_icon(), self)
        self.tray.setToolTip("deskapp")
        self.tray.activated.connect(self._tray_activated)
        tray_menu = QMenu(self)
        tray_menu.addAction("Show deskapp", lambda: self._tray_activated(
            QSystemTrayIcon.ActivationReason.Trigger))
        tray_menu.addAction("Quit", self.close)
        self.tray.setContextMenu(tray_menu)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self.age_timer = QTimer(self)
        self.age_timer.setInterval(AGE_MS)
        self.age_timer.timeout.connect(self._age_tick)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(int(self.prefs.poll_seconds * 1000))
        self.poll_timer.timeout.connect(self.poll)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh)
        self.tasks.busy_changed.connect(self._busy_changed)
        self.tasks.failed_unexpectedly.connect(self._show_error)
        self._set_ready(False)
        self._restore_layout()

    # ----- building ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.views = QListWidget()
        self.views.setObjectName("views")
        for number, (view, text) in enumerate(VIEWS, start=1):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, view.value)
            item.setToolTip(f"Ctrl+{number}")
            self.views.addItem(item)
        self.views.setCurrentRow(5)  # all open
        self.views.currentRowChanged.connect(self._view_changed)
        self.views.setMaximumWidth(170)
        self.legend = QLabel(
            "<small><b>Countdowns</b> are business time left in the vendor's calendar."
            "<br><span style='color:#1e5631'>running</span> · "
            "<span style='background:#ffe8a3;color:#7a4b00'>&nbsp;warning&nbsp;</span> · "
            "<span style='background:#f9d0d0;color:#8b1a1a'><b>&nbsp;breached&nbsp;</b>"
            "</span> · <span style='background:#dde8f7;color:#2b4c7e'>&nbsp;‖ paused&nbsp;"
            "</span> · <span style='color:#5f6b66'>✓ met</span> · "
            "<span style='color:#6e6e6e'>not started</span></small>")
        self.legend.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 0, 4)
        side_layout.addWidget(QLabel("<b>Views</b>"))
        side_layout.addWidget(self.views, 1)
        side_layout.addWidget(self.legend)
        side.setMaximumWidth(176)

        self.filters = FilterBar()
        self.filters.changed.connect(self._schedule_refresh)
        self.filters.search_done.connect(self._focus_queue)
        # Short names for the filters, as the tests and the keyboard reach them.
        self.vendor_filter = self.filters.vendor
        self.severity_filter = self.filters.severity
        self.tier_filter = self.filters.tier
        self.status_filter = self.filters.status
        self.assignee_filter = self.filters.assignee
        self.within_filter = self.filters.within
        self.search = self.filters.search

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        # The title takes whatever width the other columns leave.
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self.countdown_delegate = CountdownDelegate(self.model, self.table)
        for column in COUNTDOWN_COLUMNS:
            self.table.setItemDelegateForColumn(column, self.countdown_delegate)
        # Always the queue's order, as the database sorts it: sorting by a column would
        # need every row of the view, and only the rows near the screen are read.
        self.table.setSortingEnabled(False)
        header.setSortIndicatorShown(False)
        header.setToolTip("Soonest due first (closed: latest first)")
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._focus_detail)

        self.queue_info = InfoBar()
        queue_side = QWidget()
        queue_layout = QVBoxLayout(queue_side)
        queue_layout.setContentsMargins(0, 4, 0, 0)
        queue_layout.addWidget(self.filters)
        queue_layout.addWidget(self.queue_info)
        queue_layout.addWidget(self.table, 1)

        self.detail = DetailPane(self.display)

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(queue_side)
        self.right.addWidget(self.detail)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self.right.setChildrenCollapsible(False)
        self.splitter = QSplitter()
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}

        def action(name: str, text: str, shortcut: str, handler: Callable[[], object],
                   tip: str = "") -> QAction:
            made = QAction(text, self)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            made.setToolTip(f"{tip or text.replace('&', '').rstrip('…')} ({shortcut})"
                            if shortcut else tip)
            made.setStatusTip(tip)
            made.triggered.connect(handler)
            self.addAction(made)
            self.actions_by_name[name] = made
            return made

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(action("new", "&New incident…", "Ctrl+N", self.new_incident,
                                   "Log a new incident"))
        file_menu.addSeparator()
        file_menu.addAction(action("settings", "&Settings…", "Ctrl+,", self.open_settings,
                                   "Your name, the office, the database, thresholds"))
        file_menu.addAction(action("recompute", "Recompute all &clocks", "",
                                   self.recompute_clocks,
                                   "Recompute every incident's cached SLA clocks"))
        file_menu.addSeparator()
        file_menu.addAction(action("quit", "&Quit", "Ctrl+Q", self.close))

        incident_menu = menu.addMenu("&Incident")
        handlers: dict[str, Callable[[], None]] = {
            "assign": self.assign, "severity": self.change_severity,
            "escalate": self.escalate, "lower": self.lower_tier, "pause": self.pause,
            "resume": self.resume, "customer": self.customer_update,
            "respond": lambda: self.respond(from_vendor=False),
            "vendor": lambda: self.respond(from_vendor=True),
            "workaround": self.workaround, "resolve": self.resolve, "close": self.close_incident,
            "reopen": self.reopen, "comment": self.comment,
            "documentation": self.documentation_complete, "agree": self.agree_due_date,
        }
        for spec in ACTIONS:
            incident_menu.addAction(action(spec.name, spec.text, spec.shortcut,
                                           handlers[spec.name], spec.tip))
            if spec.name in ("lower", "resume", "vendor", "reopen"):
                incident_menu.addSeparator()

        view_menu = menu.addMenu("&View")
        for number, (view, text) in enumerate(VIEWS, start=1):
            view_menu.addAction(action(f"view_{view.name.lower()}", text, f"Ctrl+{number}",
                                       partial(self.views.setCurrentRow, number - 1)))
        view_menu.addSeparator()
        view_menu.addAction(action("search", "&Find…", "Ctrl+F", self._focus_search,
                                   "Search the queue"))
        view_menu.addAction(action("queue", "Go to the &queue", "Ctrl+L",
                                   self.table.setFocus))
        view_menu.addAction(action("refresh", "&Refresh", "F5", self.refresh,
                                   "Read the queue again"))
        view_menu.addAction(action("clear_filters", "Clear &filters", "Ctrl+Shift+F",
                                   self.clear_filters))
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(action("agreements", "Vendor &agreements", "F1",
                                   self.show_agreements))
        help_menu.addAction(action("keys", "&Keyboard shortcuts", "", self.show_shortcuts))

        toolbar = self.addToolBar("Incident")
        toolbar.setObjectName("incidentToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("new", None, "assign", "severity", "escalate", "pause", "resume",
                     "customer", "respond", "vendor", "workaround", "resolve", "close",
                     "reopen"):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_name[name])

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.count_label = QLabel()
        self.office_label = QLabel()
        self.me_label = QLabel()
        self.refreshed_label = QLabel()
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.me_label)
        bar.addPermanentWidget(self.office_label)
        bar.addPermanentWidget(self.refreshed_label)
        self._show_me()

    # ----- opening --------------------------------------------------------------------

    def open_database(self, url: str, *, office: Office | None = None) -> None:
        """Open (creating or migrating) in the background; the window stays responsive."""
        self._begin_opening(f"Opening {url}…")
        self._owns_desk = True
        self.tasks.run(lambda: open_database(url, office=office, clock=self._desk_clock()),
                       self._opened, self._open_failed)

    def open_demo(self) -> None:
        self._begin_opening("Creating a demo database…")
        self._owns_desk = True
        self.progress.setRange(0, 0)
        self.progress.show()

        def step(done: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.statusBar().showMessage(f"Generating demo incidents: {done:,} of {total:,}")

        self.tasks.run_with_progress(
            lambda report: open_demo(clock=self._desk_clock(), progress=report), self._opened,
            step, self._open_failed)

    def attach(self, desk: Desk) -> None:
        """Use a Desk opened elsewhere (tests, scripts); its catalog loads in the background."""
        self._begin_opening("Loading agreements…")
        self.tasks.run(lambda: Opened(desk, load_catalog(desk)), self._opened,
                       self._open_failed)

    def _desk_clock(self) -> Clock | None:
        return None if self.clock is now_utc else self.clock

    def _begin_opening(self, message: str) -> None:
        self.statusBar().showMessage(message)
        self.detail.subtitle.setText(message)

    def _opened(self, opened: Opened) -> None:
        self.opened = opened
        self.desk = opened.desk
        self._use_catalog(opened.catalog)
        self._set_ready(True)
        for note in opened.notes:
            self.queue_info.show_message(note, "info")
        self.statusBar().showMessage(f"Opened {self._database_name()}", 5000)
        self.detail.clear()
        self.notifier.since = None
        self.notifier.start(self.clock())
        self.changes = ChangeTracker()
        self._shown_filter = None
        self.refresh()
        self.table.setFocus()
        self.tick_timer.start()
        self.age_timer.start()
        self.poll_timer.start()

    def _open_failed(self, error: Exception) -> None:
        self.statusBar().clearMessage()
        self.detail.subtitle.setText("No database is open.")
        self.queue_info.show_message(
            f"Could not open the database: {error}", "error",
            ("&Settings…", self.open_settings))

    def _database_name(self) -> str:
        if self.desk is None:
            return ""
        return self.desk.database_name

    def _use_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.display.agreements = catalog.agreements
        self.display.office_zone = ZoneInfo(catalog.office.zone)
        self._fill_filter_choices()
        office = catalog.office
        self.office_label.setText(f"Office: {office.zone}" + (
            f" ({office.country})" if office.country else ""))
        self.setWindowTitle(f"deskapp: {self._database_name()}")

    def _set_ready(self, ready: bool) -> None:
        for name, made in self.actions_by_name.items():
            if name not in ("quit", "settings", "keys", "search", "queue", "clear_filters") \
                    and not name.startswith("view_"):
                made.setEnabled(ready)
        if ready:
            self._update_action_states()

    # ----- filters and views ------------------------------------------------------------

    def _fill_filter_choices(self) -> None:
        agreements = self.catalog.agreements if self.catalog else {}
        users = self.catalog.users if self.catalog else []
        self.filters.set_choices(agreements, [*users, self.prefs.me])

    def _view_changed(self) -> None:
        self._schedule_refresh(0)

    def _schedule_refresh(self, msecs: int) -> None:
        self._refresh_timer.start(msecs)

    def current_view(self) -> View:
        item = self.views.currentItem()
        return View(item.data(Qt.ItemDataRole.UserRole)) if item else View.ALL_OPEN

    def set_view(self, view: View) -> None:
        for row in range(self.views.count()):
            item = self.views.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == view.value:
                self.views.setCurrentRow(row)

    def current_filter(self) -> QueueFilter:
        return self.filters.queue_filter(self.current_view(), self.prefs.me,
                                         timedelta(hours=self.prefs.soon_hours))

    def clear_filters(self) -> None:
        self.filters.clear()

    def _focus_queue(self) -> None:
        self.table.setFocus()

    def _focus_detail(self, _index: QModelIndex) -> None:
        self.detail.tabs.setFocus()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ----- reading the queue ------------------------------------------------------------

    def refresh(self) -> None:
        """Read the view's ids again (a new read supersedes older ones), with the lines of
        the first screen (or, in the same view, of the rows on screen) that are not cached."""
        self._generation += 1
        self._read_queue(self._generation)

    def _read_queue(self, generation: int) -> None:
        desk = self.desk
        if desk is None:
            return
        wanted = self.current_filter()
        now = self.clock()
        first, last = self.visible_rows()
        if wanted != self._shown_filter or last < first:
            first, last = 0, self._page_rows()
        cached = set(self.model.versions())

        def read() -> tuple[list[int], dict[int, QueueRow]]:
            ids = desk.queue_ids(wanted, now)
            shown = ids[max(first - MARGIN, 0):last + MARGIN + 1]
            return ids, desk.queue_rows([i for i in shown if i not in cached])

        self._reads += 1

        def done(result: tuple[list[int], dict[int, QueueRow]]) -> None:
            self._read_done()
            ids, rows = result
            if generation == self._generation:
                self._show_ids(wanted, ids, rows)
            else:
                self.model.add_rows(rows.values())

        def failed(error: Exception) -> None:
            self._read_done()
            self._show_error(error)

        self.tasks.run(read, done, failed)

    def poll(self) -> None:
        """Pick up changes made here or on other workstations, and tell new warnings and
        breaches; skipped while a read is under way.

        One question for what was written lately (``changed_since``); the ids are read again
        only when something changed or the view depends on the time (breached, breaching
        soon, due today), and only cached lines whose version moved are read again.
        """
        desk = self.desk
        if desk is None:
            return
        if self._reads:
            self._poll_again = True  # right after the read: changes show within seconds
            return
        wanted = self.current_filter()
        now = self.clock()
        self.notifier.start(now)
        alert_since = self.notifier.since
        warn_seconds = self.notifier.warn_seconds
        since = self.changes.since(now)
        known = dict(self.changes.known)
        cached = self.model.versions()
        timed = _depends_on_time(wanted) or wanted != self._shown_filter
        generation = self._generation

        def read() -> _Polled:
            pairs = changed_since(desk, since)
            fresh = news(pairs, known)
            ids = desk.queue_ids(wanted, now) if fresh or timed else None
            stale = [i for i, version in fresh.items() if cached.get(i, version) != version]
            rows = desk.queue_rows(stale) if stale else {}
            alerts = (due_alerts(desk, alert_since, now, warn_seconds)
                      if alert_since is not None else [])
            return _Polled(pairs, ids, rows, alerts)

        self._reads += 1

        def done(polled: _Polled) -> None:
            self._read_done()
            self.changes.seen(polled.pairs)
            if polled.ids is not None and generation == self._generation:
                self._show_ids(wanted, polled.ids, polled.rows)
            else:
                self.model.add_rows(polled.rows.values())
            versions = dict(polled.pairs)
            self.model.request(self.model.stale(versions))
            shown = self.detail.incident
            if shown is not None and self._detail_id is not None \
                    and versions.get(self._detail_id, shown.version) != shown.version:
                self.load_detail(shown.key)
            self._show_read_time()
            for alert in self.notifier.take(polled.alerts, now):
                self.notify(alert)

        def failed(error: Exception) -> None:
            self._read_done()
            self._show_error(error)

        self.tasks.run(read, done, failed)

    def _read_done(self) -> None:
        self._reads -= 1
        if not self._reads and self._poll_again:
            self._poll_again = False
            QTimer.singleShot(0, self, self.poll)

    def _show_ids(self, wanted: QueueFilter, ids: list[int], rows: dict[int, QueueRow]
                  ) -> None:
        """Show a view's ids as read; the lines read with them go into the cache first."""
        current = self.model.id_at(self.table.currentIndex().row())
        self.model.add_rows(rows.values())
        reset = self.model.set_ids(ids, reset=wanted != self._shown_filter)
        self._shown_filter = wanted
        if reset and current is not None:
            position = self.model.row_of_id(current)
            if position is not None:
                self.table.selectRow(position)
        count = len(ids)
        self.count_label.setText(f"{count:,} incident{'s' if count != 1 else ''}")
        self._show_read_time()
        if self.table.currentIndex().row() < 0 and count and self.detail.incident is None:
            self.table.selectRow(0)

    def queue_ready(self) -> bool:
        """Whether the queue shows the current view and filters, with the lines on screen
        read (for tests and benchmarks)."""
        if self._refresh_timer.isActive() or self._shown_filter != self.current_filter():
            return False
        first, last = self.visible_rows()
        return all(self.model.row_at(row) is not None for row in range(first, last + 1))

    def _show_read_time(self) -> None:
        self.refreshed_label.setText(
            f"read {self.clock().astimezone(self.display.office_zone):%H:%M:%S}")

    def _page_rows(self) -> int:
        """How many rows a screen of the queue shows, at least roughly."""
        height = self.table.verticalHeader().defaultSectionSize()
        return max(self.table.viewport().height() // max(height, 1) + 1, 40)

    def _fetch_rows(self, ids: list[int]) -> None:
        """Read the lines the model asks for (rows coming on screen), off the UI thread."""
        desk = self.desk
        if desk is None:
            self.model.fetch_failed(ids)
            return

        def failed(error: Exception) -> None:
            self.model.fetch_failed(ids)
            self._show_error(error)

        def done(rows: dict[int, QueueRow]) -> None:
            self.model.add_rows(rows.values(), ids)

        self.tasks.run(lambda: desk.queue_rows(ids), done, failed)

    def _rows_arrived(self, ids: list[int]) -> None:
        """A line selected before it was read has arrived: show its incident."""
        awaited = self._awaited_id
        if awaited is None or awaited not in ids:
            return
        self._awaited_id = None
        if self.model.id_at(self.table.currentIndex().row()) == awaited:
            row = self.model.cached(awaited)
            if row is not None and row.key != self._detail_key:
                self._detail_id = row.id
                self.load_detail(row.key)
            self._update_action_states()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        if row is None:
            self._awaited_id = self.model.id_at(current.row())
        else:
            self._awaited_id = None
            if row.key != self._detail_key:
                self._detail_id = row.id
                self.load_detail(row.key)
        self._update_action_states()

    def load_detail(self, key: str, after: Callable[[IncidentView], None] | None = None) -> None:
        desk = self.desk
        if desk is None:
            return
        self._detail_key = key
        self._detail_token += 1
        token = self._detail_token
        now = self.clock()

        def done(view: IncidentView) -> None:
            if token == self._detail_token:
                self.detail.show_incident(view, self.clock())
                self._update_action_states()
            if after is not None:
                after(view)

        self.tasks.run(lambda: desk.show(key, now), done, self._show_error)

    def selected_row(self) -> QueueRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def select_key(self, key: str) -> bool:
        """Select an incident whose line is cached (one near the rows on screen)."""
        row = self.model.row_of_key(key)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # ----- time -------------------------------------------------------------------------

    def visible_rows(self) -> tuple[int, int]:
        """The first and last rows on screen; (0, -1) when none."""
        count = self.model.rowCount()
        if count == 0 or not self.table.isVisible():
            return 0, -1
        first = self.table.rowAt(0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        if first < 0:
            return 0, -1
        return first, last if last >= 0 else count - 1

    def tick(self) -> None:
        """Move every countdown on screen to the wall clock now; no database involved.

        Only the cached rows on screen are signalled, and the view reads them again
        (``clock.at(now)`` for those cells alone). Warnings and breaches are told by the
        poll, which runs while the window is minimised too.
        """
        now = self.clock()
        if not self.isMinimized():
            first, last = self.visible_rows()
            self.model.tick(now, first, last)
            self.detail.tick(now)
        else:
            self.model.now = now

    def _age_tick(self) -> None:
        first, last = self.visible_rows()
        self.model.age_tick(first, last)

    def notify(self, alert: Alert) -> None:
        self.alerts.append(alert)
        icon = (QSystemTrayIcon.MessageIcon.Critical if alert.kind is Kind.BREACH
                else QSystemTrayIcon.MessageIcon.Warning)
        vendor = self.display.vendor_name(alert.vendor)
        self.tray.showMessage(alert.headline(), f"{vendor}: {alert.title}", icon, 15_000)
        self.statusBar().showMessage(alert.headline(), 15_000)

    def _tray_activated(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # ----- writing ----------------------------------------------------------------------

    def _current_incident(self) -> IncidentView | None:
        incident = self.detail.incident
        if incident is None or self.desk is None:
            self.statusBar().showMessage("Select an incident first", 4000)
            return None
        return incident

    def _agreement_of(self, incident: IncidentView) -> Agreement | None:
        return self.catalog.agreements.get(incident.vendor) if self.catalog else None

    def _ask(self, title: str, fields: list[FieldSpec],
             write: Callable[[Desk, str, dict[str, str], dict[str, Any]], Changed],
             explanation: str = "") -> ActionDialog | None:
        """A dialog for an action on the shown incident; OK writes with the version seen."""
        incident = self._current_incident()
        if incident is None:
            return None
        dialog = ActionDialog(title, incident.key, incident.version, fields, explanation, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = incident.key
        dialog.submitted.connect(lambda: self._perform(
            title, key, dialog.version,
            lambda desk, how: write(desk, key, dialog.values(), how), dialog))
        dialog.reload_requested.connect(lambda: self._reload_for(dialog))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _direct(self, what: str, write: Callable[[Desk, str, dict[str, Any]], Changed]) -> None:
        """An action with nothing to type: written at once, with the version on screen."""
        incident = self._current_incident()
        if incident is None:
            return
        key = incident.key
        self._perform(what, key, incident.version, lambda desk, how: write(desk, key, how),
                      None)

    def _perform(self, what: str, key: str, version: int,
                 write: Callable[[Desk, dict[str, Any]], Changed],
                 dialog: ActionDialog | None) -> None:
        desk = self.desk
        assert desk is not None
        wanted = self.current_filter()
        how = {"author": self.prefs.me, "expected_version": version}
        self._generation += 1
        generation = self._generation

        cached = set(self.model.versions())

        def work() -> _Written:
            return self._read_after(desk, write(desk, how), wanted, cached)

        def done(written: _Written) -> None:
            changed = written.changed
            if dialog is not None:
                dialog.set_busy(False)
                dialog.accept()
            self.queue_info.hide()
            self._take_written(written, wanted, generation)
            message = f"{key}: {what.replace('&', '').rstrip('…').lower()} done"
            self.statusBar().showMessage(message, 6000)
            if changed.hints:
                self.queue_info.show_message("\n".join(changed.hints), "info")

        def failed(error: Exception) -> None:
            if isinstance(error, ConflictError):
                if dialog is not None:
                    dialog.show_conflict(str(error))
                else:
                    self.queue_info.show_message(str(error), "error",
                                                 ("&Reload", lambda: self.load_detail(key)))
            elif dialog is not None:
                dialog.show_error(str(error))
            else:
                self._show_error(error)

        self.tasks.run(work, done, failed)

    def _read_after(self, desk: Desk, changed: Changed, wanted: QueueFilter,
                    cached: set[int]) -> _Written:
        """After a write (in the background): the view's ids and the lines around the
        incident written (it always, the others when not cached)."""
        key = changed.incident.key
        ids = desk.queue_ids(wanted, self.clock())
        incident_id = ids_of(desk, [key]).get(key)
        around: list[int] = []
        if incident_id is not None:
            around.append(incident_id)
            if incident_id in ids:
                position = ids.index(incident_id)
                around += [i for i in ids[max(position - MARGIN, 0):position + MARGIN + 1]
                           if i not in cached and i != incident_id]
        return _Written(changed, ids, desk.queue_rows(around), incident_id)

    def _take_written(self, written: _Written, wanted: QueueFilter, generation: int) -> None:
        if generation == self._generation:
            self._show_ids(wanted, written.ids, written.rows)
        else:
            self.model.add_rows(written.rows.values())
        self._show_written(written.changed.incident, written.incident_id)

    def _show_written(self, incident: IncidentView, incident_id: int | None) -> None:
        """Keep the incident just written on screen, selected if it is still in the view."""
        self._detail_key = incident.key
        self._detail_id = incident_id
        self._awaited_id = None
        self._detail_token += 1  # a neighbour's detail, loaded as rows moved, is dropped
        self.detail.show_incident(incident, self.clock())
        position = None if incident_id is None else self.model.row_of_id(incident_id)
        if position is None:
            self.table.selectionModel().clearCurrentIndex()
            self.table.clearSelection()
        else:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))
        self._update_action_states()

    def _reload_for(self, dialog: ActionDialog) -> None:
        def reloaded(view: IncidentView) -> None:
            dialog.reloaded(view.version, f"now {view.status.value}, severity "
                            f"{view.severity}, tier {view.tier}, changed by "
                            f"{view.updated_by}")
        self.load_detail(dialog.key, reloaded)
        self.refresh()

    def _show_error(self, error: Exception) -> None:
        self.queue_info.show_message(str(error), "error")

    # ----- the actions ------------------------------------------------------------------

    def new_incident(self) -> NewIncidentDialog | None:
        if self.desk is None or self.catalog is None:
            return None
        desk = self.desk
        dialog = NewIncidentDialog(self.catalog.agreements, desk.sla, self.clock, self.prefs.me,
                                   self.catalog.users, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        vendor = self.vendor_filter.currentData()
        if vendor:
            dialog.set_vendor(vendor)
        dialog.submitted.connect(lambda draft, at: self._log(dialog, draft, at))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _log(self, dialog: NewIncidentDialog, draft: IncidentDraft, at: datetime | None) -> None:
        desk = self.desk
        assert desk is not None
        me = self.prefs.me
        wanted = self.current_filter()
        self._generation += 1
        generation = self._generation

        cached = set(self.model.versions())

        def work() -> tuple[_Written, list[str]]:
            changed = desk.log(draft, author=me, at=at)
            return self._read_after(desk, changed, wanted, cached), desk.users()

        def done(result: tuple[_Written, list[str]]) -> None:
            written, users = result
            changed = written.changed
            dialog.set_busy(False)
            dialog.accept()
            if self.catalog is not None and users != self.catalog.users:
                self.catalog = Catalog(self.catalog.agreements, users, self.catalog.office)
                self._fill_filter_choices()
            self._take_written(written, wanted, generation)
            self.statusBar().showMessage(f"Logged {changed.incident.key}", 6000)
            if changed.hints:
                self.queue_info.show_message(
                    f"{changed.incident.key} logged. " + " ".join(changed.hints), "info")
            elif written.incident_id is None or \
                    self.model.row_of_id(written.incident_id) is None:
                self.queue_info.show_message(
                    f"{changed.incident.key} logged; it is not in this view.", "ok")

        self.tasks.run(work, done, lambda error: dialog.show_error(str(error)))

    def assign(self) -> None:
        users = self.catalog.users if self.catalog else []
        incident = self.detail.incident
        choices = tuple((u, u) for u in sorted({*users, self.prefs.me}))
        self._ask("Assign", [FieldSpec("assignee", "Assignee", FieldKind.EDITABLE,
                                       "Name the person to assign", choices,
                                       self.prefs.me if incident is None
                                       or incident.assignee != self.prefs.me else "")],
                  lambda desk, key, v, how: desk.assign(key, v["assignee"].strip(), **how))

    def change_severity(self) -> None:
        incident = self.detail.incident
        agreement = self._agreement_of(incident) if incident else None
        choices: tuple[tuple[str, str], ...] = ()
        if agreement is not None:
            choices = tuple((f"{s.key}  {s.name}", s.key) for s in agreement.severities)
        self._ask("Change severity", [
            FieldSpec("severity", "Severity", FieldKind.CHOICE, None, choices,
                      incident.severity if incident else ""),
            FieldSpec("reason", "Reason", FieldKind.TEXT, "A severity change needs a reason",
                      placeholder="Why the severity changes (goes into the timeline)")],
            lambda desk, key, v, how: desk.change_severity(key, v["severity"], v["reason"],
                                                           **how),
            "The targets are recomputed from the new severity's; time already spent counts.")

    def escalate(self) -> None:
        self._direct("Escalate", lambda desk, key, how: desk.escalate(key, **how))

    def lower_tier(self) -> None:
        incident = self._current_incident()
        if incident is None:
            return
        agreement = self._agreement_of(incident)
        order = [t.key for t in agreement.tiers] if agreement else []
        if incident.tier not in order or order.index(incident.tier) == 0:
            self.queue_info.show_message(f"{incident.key} is already at the lowest tier, "
                                         f"{incident.tier}", "error")
            return
        lower = order[order.index(incident.tier) - 1]
        self._direct("Lower tier", lambda desk, key, how: desk.change_tier(key, lower, **how))

    def pause(self) -> None:
        self._ask("Pause", [FieldSpec("note", "Note", FieldKind.TEXT,
                                      placeholder="What the desk waits for (optional)")],
                  lambda desk, key, v, how: desk.pause(key, v["note"], **how),
                  "Waiting on the customer: pausable targets stop counting until resumed "
                  "or the customer answers.")

    def resume(self) -> None:
        self._direct("Resume", lambda desk, key, how: desk.resume(key, **how))

    def customer_update(self) -> None:
        self._ask("Customer update", [FieldSpec("text", "Update", FieldKind.TEXT,
                                                "A customer update needs its text")],
                  lambda desk, key, v, how: desk.customer_update(key, v["text"], **how))

    def respond(self, *, from_vendor: bool) -> None:
        title = "Vendor response" if from_vendor else "Response sent"
        self._ask(title, [FieldSpec("text", "Text", FieldKind.TEXT,
                                    placeholder="What was said (optional)")],
                  lambda desk, key, v, how: desk.respond(key, v["text"],
                                                         from_vendor=from_vendor, **how))

    def workaround(self) -> None:
        self._ask("Workaround", [FieldSpec("text", "Workaround", FieldKind.TEXT,
                                           placeholder="The workaround (optional)")],
                  lambda desk, key, v, how: desk.provide_workaround(key, v["text"], **how))

    def resolve(self) -> None:
        choices = tuple((kind.value, kind.value) for kind in ResolutionType)
        self._ask("Resolve", [
            FieldSpec("resolution", "Resolution type", FieldKind.CHOICE, None, choices,
                      ResolutionType.ANSWER.value),
            FieldSpec("text", "Resolution", FieldKind.TEXT,
                      placeholder="How it was resolved (optional)")],
            lambda desk, key, v, how: desk.resolve(key, ResolutionType(v["resolution"]),
                                                   v["text"], **how))

    def close_incident(self) -> None:
        self._direct("Close", lambda desk, key, how: desk.close(key, **how))

    def reopen(self) -> None:
        self._ask("Reopen", [FieldSpec("reason", "Reason", FieldKind.TEXT,
                                       "Reopening needs a reason")],
                  lambda desk, key, v, how: desk.reopen(key, v["reason"], **how))

    def comment(self) -> None:
        self._ask("Comment", [FieldSpec("text", "Comment", FieldKind.TEXT,
                                        "A comment needs its text")],
                  lambda desk, key, v, how: desk.comment(key, v["text"], **how))

    def documentation_complete(self) -> None:
        self._direct("Documentation complete",
                     lambda desk, key, how: desk.documentation_complete(key, **how))

    def agree_due_date(self) -> None:
        zone = self.display.office_zone
        self._ask("Agree due date", [
            FieldSpec("due", "Due", FieldKind.LINE, "Give the agreed due date",
                      placeholder=f"e.g. 2026-12-18T17:00 ({zone.key} unless an offset is "
                                  "given)")],
            lambda desk, key, v, how: desk.agree_due_date(key, parse_instant(v["due"], zone),
                                                          **how))

    def _update_action_states(self) -> None:
        incident = self.detail.incident
        ready = self.desk is not None
        has = ready and incident is not None
        status = incident.status if incident is not None else None
        is_open = bool(status and status.is_open)
        agreement = self._agreement_of(incident) if incident is not None else None
        tiers = [t.key for t in agreement.tiers] if agreement else []
        tier_at = tiers.index(incident.tier) if incident and incident.tier in tiers else -1
        documentation = bool(agreement and any(
            m.clock_start is ClockStart.DOCUMENTATION_COMPLETE for m in agreement.metrics))
        agreed = bool(agreement and incident and any(
            t.agreed_per_incident for t in agreement.targets_for(incident.severity)))
        states = {
            "assign": has, "severity": has and is_open,
            "escalate": has and is_open and 0 <= tier_at < len(tiers) - 1,
            "lower": has and is_open and tier_at > 0,
            "pause": has and is_open and status is not Status.WAITING_ON_CUSTOMER,
            "resume": has and status is Status.WAITING_ON_CUSTOMER,
            "customer": has and is_open, "respond": has and is_open, "vendor": has and is_open,
            "workaround": has and is_open and status is not Status.WORKAROUND_PROVIDED,
            "resolve": has and is_open, "close": has and status is Status.RESOLVED,
            "reopen": has and not is_open, "comment": has,
            "documentation": has and documentation, "agree": has and is_open and agreed,
        }
        for name, enabled in states.items():
            self.actions_by_name[name].setEnabled(bool(enabled))

    # ----- settings ---------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        office = self.catalog.office if self.catalog else None
        values = SettingsValues(
            me=self.prefs.me, office_zone=office.zone if office else "",
            office_country=(office.country or "") if office else "",
            database=self.prefs.database, warn_minutes=self.prefs.warn_minutes,
            soon_hours=self.prefs.soon_hours)
        dialog = SettingsDialog(values, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda: self._apply_settings(dialog, values))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _apply_settings(self, dialog: SettingsDialog, before: SettingsValues) -> None:
        values = dialog.values()
        desk = self.desk
        office_changed = (values.office_zone, values.office_country) != (
            before.office_zone, before.office_country)

        def save_locally() -> None:
            self.prefs.me = values.me
            self.prefs.database = values.database
            self.prefs.warn_minutes = values.warn_minutes
            self.prefs.soon_hours = values.soon_hours
            self.notifier.warn_seconds = values.warn_minutes * 60
            self.model.set_warn_seconds(values.warn_minutes * 60)
            self._show_me()
            self._fill_filter_choices()
            if values.database != before.database:
                self.queue_info.show_message(
                    "The new database is used from the next start.", "info")
            dialog.accept()
            self.refresh()

        if desk is None or not office_changed:
            save_locally()
            return

        def change_office() -> Catalog:
            desk.set_office(values.office_zone, values.office_country or None)
            return load_catalog(desk)

        def changed(catalog: Catalog) -> None:
            self._use_catalog(catalog)
            self.model.invalidate()  # the clocks were recomputed for the new office
            save_locally()
            if self.detail.incident is not None:
                self.load_detail(self.detail.incident.key)

        self.tasks.run(change_office, changed, lambda error: dialog.show_error(str(error)))

    def _show_me(self) -> None:
        self.me_label.setText(f"Me: {self.prefs.me}")

    def recompute_clocks(self) -> None:
        desk = self.desk
        if desk is None:
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.statusBar().showMessage("Recomputing every incident's clocks…")

        def step(done: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.statusBar().showMessage(f"Recomputing clocks: {done} of {total}")

        def finished(count: int) -> None:
            self.statusBar().showMessage(f"Recomputed the clocks of {count} incidents", 6000)
            self.progress.setRange(0, 0)
            self.model.invalidate()
            self.refresh()

        self.tasks.run_with_progress(lambda report: desk.recompute_all(report), finished, step,
                                     self._show_error)

    # ----- help -------------------------------------------------------------------------

    def show_agreements(self) -> None:
        if self.catalog is None:
            return
        from deskapp.ui.agreements import AgreementsWindow

        window = AgreementsWindow(self.catalog.agreements, self)
        window.setWindowFlag(Qt.WindowType.Window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def show_shortcuts(self) -> None:
        lines = [f"{made.shortcut().toString():<16} {made.text().replace('&', '')}"
                 for made in self.actions_by_name.values() if not made.shortcut().isEmpty()]
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts",
                          "\n".join(lines), QMessageBox.StandardButton.Close, self)
        box.setStyleSheet("QLabel { font-family: monospace; }")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ----- busy indicator and layout ----------------------------------------------------

    def _busy_changed(self, busy: bool) -> None:
        # Polls are quick and frequent: the bar shows only for work that takes a moment.
        if busy:
            QTimer.singleShot(400, self._show_progress_if_busy)
        else:
            self.progress.hide()
            self.progress.setRange(0, 0)

    def _show_progress_if_busy(self) -> None:
        if not self.tasks.idle:
            self.progress.show()

    def _restore_layout(self) -> None:
        geometry = self.prefs.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        if self.prefs.value("window/right") is None:
            self.right.setSizes([470, 400])
        state = self.prefs.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for key, splitter in (("window/splitter", self.splitter), ("window/right", self.right)):
            saved = self.prefs.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)
        header = self.prefs.value("queue/header")
        if isinstance(header, QByteArray):
            restored = self.table.horizontalHeader()
            restored.restoreState(header)
            # A layout saved when the queue could be sorted by a column: the queue's order.
            restored.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            restored.setSortIndicatorShown(False)
        view = self.prefs.value("queue/view")
        if isinstance(view, str) and view in {v.value for v in View}:
            self.set_view(View(view))

    def save_layout(self) -> None:
        self.prefs.set_value("window/geometry", self.saveGeometry())
        self.prefs.set_value("window/state", self.saveState())
        self.prefs.set_value("window/splitter", self.splitter.saveState())
        self.prefs.set_value("window/right", self.right.saveState())
        self.prefs.set_value("queue/header", self.table.horizontalHeader().saveState())
        self.prefs.set_value("queue/view", self.current_view().value)
        self.prefs.store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        for timer in (self.tick_timer, self.age_timer, self.poll_timer, self._refresh_timer):
            timer.stop()
        self.tray.hide()
        self.tasks.shut_down()
        self.shut_down_desk()
        super().closeEvent(event)

    def shut_down_desk(self) -> None:
        opened, self.opened = self.opened, None
        if opened is not None and (opened.scratch is not None or self._owns_desk):
            opened.desk.shutdown()
            if opened.scratch is not None:
                opened.scratch.cleanup()
        self.desk = None
