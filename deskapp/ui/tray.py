"""The tray icon: warnings and breaches told as they come, the window brought back on a click."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from deskapp.ui.alerts_list import AlertsDialog, todays
from deskapp.ui.notifications import Alert, Kind, Notifier
from deskapp.ui.queue_model import Display
from deskapp.ui.style import app_icon

SHOWN_MS = 15_000


class TrayAlerts(QObject):
    """Tells each alert once in the tray and the status bar, and keeps the ones told;
    ``open_incident`` asks the window to show an alert's incident (a notification clicked
    or a line of the day's alerts chosen)."""

    open_incident = Signal(object)

    def __init__(self, window: QMainWindow, display: Display, warn_seconds: float,
                 documents_after: float = 0, me: str | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.display = display
        self.notifier = Notifier(warn_seconds, documents_after, me)
        self.alerts: list[Alert] = []
        self.tray = QSystemTrayIcon(app_icon(), window)
        self.tray.setToolTip("deskapp")
        self.tray.activated.connect(self._activated)
        self.tray.messageClicked.connect(self._message_clicked)
        self.last_told: Alert | None = None
        self.list_dialog: AlertsDialog | None = None
        menu = QMenu(window)
        menu.addAction("Show deskapp", self.bring_back)
        menu.addAction("Quit", window.close)
        self.tray.setContextMenu(menu)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    def tell(self, alert: Alert) -> None:
        self.alerts.append(alert)
        self.last_told = alert
        icon = (QSystemTrayIcon.MessageIcon.Critical if alert.kind is Kind.BREACH
                else QSystemTrayIcon.MessageIcon.Warning)
        vendor = self.display.vendor_name(alert.vendor)
        self.tray.showMessage(alert.headline(), f"{vendor}: {alert.title}", icon, SHOWN_MS)
        self.window.statusBar().showMessage(alert.headline(), SHOWN_MS)

    def restart(self, now: datetime) -> None:
        """A desk was opened: what is already late there is not news."""
        self.notifier.since = None
        self.notifier.start(now)

    def bring_back(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self.bring_back()

    def _message_clicked(self) -> None:
        """The notification shown last was clicked: its incident, in the window."""
        self.bring_back()
        if self.last_told is not None:
            self.open_incident.emit(self.last_told)

    def show_list(self, now: datetime) -> AlertsDialog:
        """The day's alerts, newest first; choosing one opens its incident."""
        if self.list_dialog is not None:
            self.list_dialog.close()
        zone = self.display.office_zone
        names = {vendor: self.display.vendor_name(vendor) for vendor in self.display.agreements}
        dialog = AlertsDialog(todays(self.alerts, now, zone), names, zone, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_incident.connect(self.open_incident.emit)
        dialog.destroyed.connect(self._forget_list)
        self.list_dialog = dialog
        dialog.show()
        return dialog

    def _forget_list(self) -> None:
        self.list_dialog = None

    def hide(self) -> None:
        self.tray.hide()
