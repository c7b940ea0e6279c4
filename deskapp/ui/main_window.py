"""The desk's main window: it lays out and wires its parts and opens the database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial

from PySide6.QtCore import QProcess, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSystemTrayIcon,
    QWidget,
)

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import IncidentView, QueueRow
from deskapp.core.text import has_password, shown_url
from deskapp.office import Office
from deskapp.ui.action_dialogs import ActionDialog
from deskapp.ui.backups import BackupsDialog, DailyBackups, restore_offer
from deskapp.ui.detail import DetailPane
from deskapp.ui.filters import FilterBar
from deskapp.ui.first_start import FirstStartDialog, needs_first_start
from deskapp.ui.goals_strip import GoalsStrip
from deskapp.ui.incident_actions import IncidentActions, make_action
from deskapp.ui.infobar import InfoBar
from deskapp.ui.layout import VIEWS, QueueTable, ViewsPanel, WindowLayout
from deskapp.ui.new_incident import NewIncidentDialog
from deskapp.ui.notifications import Alert, Notifier
from deskapp.ui.opening import Catalog, Opened, load_catalog, open_database, open_demo
from deskapp.ui.queue_controller import QueueController
from deskapp.ui.queue_model import QueueModel
from deskapp.ui.settings import PASSWORD_ADVICE, Preferences, SettingsDialog, SettingsValues
from deskapp.ui.shown_incident import ShownIncident
from deskapp.ui.status_line import StatusLine
from deskapp.ui.style import app_icon
from deskapp.ui.tasks import Tasks
from deskapp.ui.tray import TrayAlerts
from deskapp.ui.workstation import Clock, Workstation, now_utc

# Actions that need no open database.
ALWAYS_ENABLED = frozenset({"quit", "settings", "keys", "search", "queue", "clear_filters",
                            "alerts", "open_read_only"})
# Actions that write to the database (the incident actions aside, which core's workflow
# enables): off on a desk opened read-only.
WRITES = frozenset({"new", "recompute"})
READ_ONLY_BANNER = ("Read-only: {name} is open to read. Every view, incident and "
                    "explanation can be seen; nothing can be changed, and nothing is "
                    "written to it.")


class MainWindow(QMainWindow):
    """The queue on the left, the selected incident on the right, everything off the UI
    thread that touches the database."""

    def __init__(self, settings: QSettings, *, clock: Clock | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("deskapp")
        self.setWindowIcon(app_icon())
        self.prefs = Preferences(settings)
        self.tasks = Tasks(self)
        self.station = Workstation(self.prefs, clock or now_utc, self.tasks)
        self.clock: Clock = self.station.clock
        self.model = QueueModel(self.station.display, self.clock(), self)

        self.views = ViewsPanel()
        self.filters = FilterBar()
        # Short names for the filters, as the tests and the keyboard reach them.
        self.vendor_filter = self.filters.vendor
        self.severity_filter = self.filters.severity
        self.tier_filter = self.filters.tier
        self.status_filter = self.filters.status
        self.assignee_filter = self.filters.assignee
        self.within_filter = self.filters.within
        self.search = self.filters.search
        self.queue_info = InfoBar()
        self.read_only_banner = InfoBar()  # stays while a desk opened read-only is shown
        self.read_only_banner.dismiss.hide()
        self.table = QueueTable(self.model)
        self.detail = DetailPane(self.station.display)
        self.window_layout = WindowLayout(self, self.views, [self.read_only_banner,
                                                             self.filters, self.queue_info],
                                          self.table, self.detail)
        self.status = StatusLine(self.statusBar(), self.station)
        self.alerting = TrayAlerts(self, self.station.display, self.prefs.warn_minutes * 60,
                                   self.prefs.documents_hours * 3600, self.prefs.me)
        self.shown = ShownIncident(self.station, self.model, self.table, self.detail,
                                   self._show_error)
        self.queue = QueueController(self.station, self.model, self.table, self.shown,
                                     self.current_filter, self.alerting.notifier,
                                     self._show_error)
        self.incident_actions = IncidentActions(self, self.station, self.queue, self.shown,
                                                self.queue_info)

        self.queue.alerted.connect(self.notify)
        self.alerting.open_incident.connect(
            lambda alert: self.shown.load(alert.key, incident_id=alert.incident_id))
        self.queue.counted.connect(self.status.show_count)
        self.queue.waiting_counted.connect(
            partial(self.views.set_count, View.WAITING_FOR_DOCUMENTATION))
        self.queue.read_at.connect(self.status.show_read)
        self.views.changed.connect(lambda: self.queue.schedule_refresh(0))
        self.filters.changed.connect(self.queue.schedule_refresh)
        self.table.sort_changed.connect(lambda: self.queue.schedule_refresh(0))
        self.filters.search_done.connect(self.table.setFocus)
        self.incident_actions.users_changed.connect(self._fill_filter_choices)
        self.goals_strip = GoalsStrip(self.station)
        self.views.add_part(self.goals_strip)
        self.queue.read_at.connect(
            lambda _moment: self.goals_strip.writes_seen(self.queue.changes.known))
        self.tasks.failed_unexpectedly.connect(self._show_error)
        self.daily_backups = DailyBackups(self.station, self.queue_info.show_message, self)
        self._build_menus()
        self._set_ready(False)
        self.window_layout.restore(self.prefs)

    # ----- the parts, by the names the tests, benchmarks and scripts use ----------------

    @property
    def desk(self) -> Desk | None:
        return self.station.desk

    @property
    def catalog(self) -> Catalog | None:
        return self.station.catalog

    @property
    def opened(self) -> Opened | None:
        return self.station.opened

    @property
    def dialog(self) -> QWidget | None:
        """The open action, new-incident or settings dialog."""
        return self.station.dialog

    @property
    def notifier(self) -> Notifier:
        return self.alerting.notifier

    @property
    def alerts(self) -> list[Alert]:
        return self.alerting.alerts

    @property
    def tray(self) -> QSystemTrayIcon:
        return self.alerting.tray

    @property
    def tick_timer(self) -> QTimer:
        return self.queue.tick_timer

    @property
    def age_timer(self) -> QTimer:
        return self.queue.age_timer

    @property
    def poll_timer(self) -> QTimer:
        return self.queue.poll_timer

    @property
    def count_label(self) -> QLabel:
        return self.status.count_label

    @property
    def office_label(self) -> QLabel:
        return self.status.office_label

    @property
    def me_label(self) -> QLabel:
        return self.status.me_label

    def refresh(self) -> None:
        self.queue.refresh()

    def poll(self) -> None:
        self.queue.poll()

    def tick(self) -> None:
        self.queue.tick()

    def queue_ready(self) -> bool:
        return self.queue.queue_ready()

    def visible_rows(self) -> tuple[int, int]:
        return self.table.visible_rows()

    def select_key(self, key: str) -> bool:
        return self.shown.select_key(key)

    def selected_row(self) -> QueueRow | None:
        return self.shown.selected_row()

    def load_detail(self, key: str, after: Callable[[IncidentView], None] | None = None) -> None:
        self.shown.load(key, after)

    def notify(self, alert: Alert) -> None:
        self.alerting.tell(alert)

    def take_action(self, name: str) -> ActionDialog | None:
        """The incident action ``name`` (as in ``actions_by_name``) on the incident shown."""
        return self.incident_actions.take(name)

    def new_incident(self) -> NewIncidentDialog | None:
        return self.incident_actions.new_incident(self.vendor_filter.currentData())

    # ----- menus ------------------------------------------------------------------------

    def _build_menus(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}

        def action(name: str, text: str, shortcut: str, handler: Callable[[], object],
                   tip: str = "") -> QAction:
            made = make_action(self, text, shortcut, handler, tip)
            self.actions_by_name[name] = made
            return made

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(action("new", "&New incident…", "Ctrl+N", self.new_incident,
                                   "Log a new incident"))
        file_menu.addAction(action("open_read_only", "Open &read-only…", "",
                                   self.open_read_only,
                                   "Open a database file (a copy, a backup) in a window of "
                                   "its own, where nothing can be changed"))
        file_menu.addAction(action("export_queue", "&Export the queue to CSV…", "",
                                   self.export_queue,
                                   "The view's incidents with the columns shown, as CSV"))
        file_menu.addSeparator()
        file_menu.addAction(action("settings", "&Settings…", "Ctrl+,", self.open_settings,
                                   "Your name, the office, the database, thresholds"))
        file_menu.addAction(action("recompute", "Recompute all &clocks", "",
                                   self.recompute_clocks,
                                   "Recompute every incident's cached SLA clocks"))
        file_menu.addAction(action("backups", "&Backups…", "", self.show_backups,
                                   "Take, verify and restore backups of the database"))
        file_menu.addAction(action("edit_agreement", "Edit a&greement…", "",
                                   lambda: self.edit_agreement(v) if (
                                       v := self.vendor_filter.currentData())
                                   else self.show_agreements(),
                                   "Change the filtered vendor's agreement, or pick one"))
        file_menu.addSeparator()
        file_menu.addAction(action("quit", "&Quit", "Ctrl+Q", self.close))

        self.actions_by_name.update(self.incident_actions.by_name)
        self.incident_actions.fill_menu(menu.addMenu("&Incident"))

        view_menu = menu.addMenu("&View")
        for number, (view, text) in enumerate(VIEWS, start=1):
            view_menu.addAction(action(f"view_{view.name.lower()}", text, f"Ctrl+{number}",
                                       partial(self.views.views.setCurrentRow, number - 1)))
        view_menu.addSeparator()
        view_menu.addAction(action("search", "&Find…", "Ctrl+F", self._focus_search,
                                   "Search the queue"))
        view_menu.addAction(action("queue", "Go to the &queue", "Ctrl+L",
                                   self.table.setFocus))
        view_menu.addAction(action("refresh", "&Refresh", "F5", self.refresh,
                                   "Read the queue again"))
        view_menu.addAction(action("alerts", "Today's &alerts…", "F8",
                                   lambda: self.alerting.show_list(self.clock()),
                                   "The warnings and breaches told today"))
        view_menu.addAction(action("clear_filters", "Clear &filters", "Ctrl+Shift+F",
                                   self.clear_filters))
        view_menu.addAction(action("review", "Re&view: compliance and goals…", "F9",
                                   self.show_review,
                                   "Compliance per vendor, the goals and their trend"))
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(action("agreements", "Vendor &agreements", "F1",
                                   self.show_agreements))
        help_menu.addAction(action("keys", "&Keyboard shortcuts", "", self.show_shortcuts))

        toolbar = self.addToolBar("Incident")
        toolbar.setObjectName("incidentToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.actions_by_name["new"])
        toolbar.addSeparator()
        self.incident_actions.fill_toolbar(toolbar)

    def _set_ready(self, ready: bool) -> None:
        read_only = self.desk is not None and self.desk.read_only
        for name, made in self.actions_by_name.items():
            if name not in ALWAYS_ENABLED and not name.startswith("view_"):
                made.setEnabled(ready and not (read_only and name in WRITES))
        if ready:
            self.incident_actions.update()

    # ----- opening ----------------------------------------------------------------------

    def open_database(self, url: str, *, office: Office | None = None,
                      read_only: bool = False) -> None:
        """Open (creating or migrating) in the background; the window stays responsive.
        ``read_only``: an existing database, to read only."""
        self._begin_opening(f"Opening {shown_url(url)}{' read-only' if read_only else ''}…")
        self.station.owns_desk = True
        clock = self.station.desk_clock()
        folder = self.prefs.backup_folder or None

        def opened(opened: Opened) -> None:
            self._opened(opened)
            self.daily_backups.check()  # once the queue's first read is asked for

        self.tasks.run(lambda: open_database(url, office=office, clock=clock,
                                             read_only=read_only, backup_folder=folder),
                       opened, self._open_failed)

    def open_read_only(self, path: str | None = None) -> bool:
        """File > Open read-only…: the file in a deskapp of its own, beside this desk."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open a database read-only", "",
                "deskapp databases (*.sqlite3 *.sqlite *.db *.bak);;All files (*)")
            if not path:
                return False
        started, _ = QProcess.startDetached(sys.executable,
                                            ["-m", "deskapp", "--read-only", path])
        if started:
            self.statusBar().showMessage(f"Opening {path} read-only in a new window…", 6000)
        else:
            self.queue_info.show_message(f"Could not start deskapp to open {path}", "error")
        return bool(started)

    def open_demo(self) -> None:
        self._begin_opening("Creating a demo database…")
        self.station.owns_desk = True
        self.status.begin()
        clock = self.station.desk_clock()

        def step(done: int, total: int) -> None:
            self.status.step(done, total, f"Generating demo incidents: {done:,} of {total:,}")

        self.tasks.run_with_progress(lambda report: open_demo(clock=clock, progress=report),
                                     self._opened, step, self._open_failed)

    def attach(self, desk: Desk) -> None:
        """Use a Desk opened elsewhere (tests, scripts); its catalog loads in the background."""
        self._begin_opening("Loading agreements…")
        self.tasks.run(lambda: Opened(desk, load_catalog(desk)), self._opened,
                       self._open_failed)

    def _begin_opening(self, message: str) -> None:
        self.statusBar().showMessage(message)
        self.detail.subtitle.setText(message)

    def _opened(self, opened: Opened) -> None:
        self.station.use(opened)
        self._use_catalog(opened.catalog)
        self._set_ready(True)
        for note in opened.notes:
            self.queue_info.show_message(note, "info")
        self.statusBar().showMessage(f"Opened {opened.desk.database_name}", 5000)
        self.read_only_banner.hide()
        if opened.desk.read_only:
            self.read_only_banner.show_message(
                READ_ONLY_BANNER.format(name=opened.desk.database_name), "info")
        self.shown.clear()
        self.alerting.restart(self.clock())
        self.queue.start()
        self.goals_strip.start()
        self.table.setFocus()
        if needs_first_start(self.prefs) and not opened.desk.read_only:
            self.open_settings(first_start=True)

    def _open_failed(self, error: Exception) -> None:
        self.statusBar().clearMessage()
        self.detail.subtitle.setText("No database is open.")
        offer = restore_offer(self.station, error, self.reopen, self,
                              self.queue_info.show_message)
        self.queue_info.show_message(
            f"Could not open the database: {error}", "error",
            offer or ("&Settings…", self.open_settings))

    def _use_catalog(self, catalog: Catalog) -> None:
        self.station.use_catalog(catalog)
        self._fill_filter_choices()
        self.status.show_office(catalog.office)
        if self.desk is not None:
            read_only = " (read-only)" if self.desk.read_only else ""
            self.setWindowTitle(f"deskapp: {self.desk.database_name}{read_only}")

    def _show_error(self, error: Exception) -> None:
        self.queue_info.show_message(str(error), "error")

    # ----- views and filters ------------------------------------------------------------

    def _fill_filter_choices(self) -> None:
        agreements = self.catalog.agreements if self.catalog else {}
        self.filters.set_choices(agreements, [*self.station.users(), self.prefs.me])

    def current_view(self) -> View:
        return self.views.current_view()

    def set_view(self, view: View) -> None:
        self.views.set_view(view)

    def current_filter(self) -> QueueFilter:
        sort, descending = self.table.sorting()
        return replace(self.filters.queue_filter(self.current_view(), self.prefs.me,
                                                 timedelta(hours=self.prefs.soon_hours)),
                       sort=sort, descending=descending)

    def clear_filters(self) -> None:
        self.filters.clear()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ----- settings and upkeep ----------------------------------------------------------

    def open_settings(self, *, first_start: bool = False) -> SettingsDialog:
        office = self.catalog.office if self.catalog else None
        values = SettingsValues(
            me=self.prefs.me, office_zone=office.zone if office else "",
            office_country=(office.country or "") if office else "",
            database=self.prefs.database, warn_minutes=self.prefs.warn_minutes,
            soon_hours=self.prefs.soon_hours, documents_hours=self.prefs.documents_hours)
        dialog = (FirstStartDialog if first_start else SettingsDialog)(values, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda: self._apply_settings(dialog, values))
        self.station.keep_dialog(dialog)
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
            self.prefs.documents_hours = values.documents_hours
            self.notifier.documents_after = values.documents_hours * 3600
            self.notifier.me = values.me
            self.notifier.warn_seconds = values.warn_minutes * 60
            self.model.set_warn_seconds(values.warn_minutes * 60)
            self.status.show_me()
            self._fill_filter_choices()
            if has_password(values.database):
                self.queue_info.show_message(PASSWORD_ADVICE, "info")
            elif values.database != before.database:
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

    def recompute_clocks(self) -> None:
        desk = self.desk
        if desk is None:
            return
        self.status.begin()
        self.statusBar().showMessage("Recomputing every incident's clocks…")

        def step(done: int, total: int) -> None:
            self.status.step(done, total, f"Recomputing clocks: {done} of {total}")

        def finished(count: int) -> None:
            self.statusBar().showMessage(f"Recomputed the clocks of {count} incidents", 6000)
            self.status.progress.setRange(0, 0)
            self.queue.invalidate()

        self.tasks.run_with_progress(lambda report: desk.recompute_all(report), finished, step,
                                     self._show_error)

    def show_backups(self) -> None:
        if self.desk is None:
            return
        dialog = BackupsDialog(self.station, self.desk.url(), self.reopen, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.station.keep_dialog(dialog)
        dialog.open()

    def reopen(self, url: str) -> None:
        """Open the database again (on the data a backup restored)."""
        self.queue.stop()
        self.shut_down_desk()
        self._set_ready(False)
        self.open_database(url)

    # ----- the review ---------------------------------------------------------------------

    def show_review(self) -> QWidget | None:
        if self.desk is None:
            return None
        from deskapp.ui.review_window import ReviewWindow

        window = ReviewWindow(self.station, self.open_incident, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def open_incident(self, key: str) -> None:
        """Show an incident from another window: selected in the queue when it is in the
        view, else in the pane alone (closed ones too)."""
        self.activateWindow()
        if not self.select_key(key):
            self.load_detail(key)

    def export_queue(self, path: str | None = None) -> None:
        from deskapp.ui.queue_export import export_queue

        export_queue(self.station, self.table, self.model, self.queue_info.show_message, path)

    # ----- help -------------------------------------------------------------------------

    def show_agreements(self) -> None:
        if self.catalog is None:
            return
        from deskapp.ui.agreements import AgreementsWindow

        window = AgreementsWindow(self.catalog.agreements, self,
                                  edit=self.edit_agreement if self.desk else None)
        window.setWindowFlag(Qt.WindowType.Window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def edit_agreement(self, vendor: str | None = None, tables: dict[str, object] | None = None
                       ) -> QWidget | None:
        """The agreement editor on ``vendor`` (None: a new vendor) or a file's tables."""
        if self.desk is None or self.catalog is None:
            return None
        from deskapp.ui.agreement_editor import AgreementEditor

        dialog = AgreementEditor(self.station, vendor, tables, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.catalog_changed.connect(self._use_catalog)
        dialog.catalog_changed.connect(self.queue.invalidate)
        self.station.keep_dialog(dialog)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> None:
        lines = [f"{made.shortcut().toString():<16} {made.text().replace('&', '')}"
                 for made in self.actions_by_name.values() if not made.shortcut().isEmpty()]
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts",
                          "\n".join(lines), QMessageBox.StandardButton.Close, self)
        box.setStyleSheet("QLabel { font-family: monospace; }")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ----- closing ----------------------------------------------------------------------

    def save_layout(self) -> None:
        self.window_layout.save(self.prefs)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.queue.stop()
        self.goals_strip.stop()
        self.alerting.hide()
        self.tasks.shut_down()
        self.shut_down_desk()
        super().closeEvent(event)

    def shut_down_desk(self) -> None:
        self.station.shut_down_desk()
