"""The tray icon: warnings and breaches told as they come, the window brought back on a click."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from deskapp.ui.notifications import Alert, Kind, Notifier
from deskapp.ui.queue_model import Display
from deskapp.ui.style import app_icon

SHOWN_MS = 15_000


class TrayAlerts(QObject):
    """Tells each alert once in the tray and the status bar, and keeps the ones told."""

    def __init__(self, window: QMainWindow, display: Display, warn_seconds: float) -> None:
        super().__init__(window)
        self.window = window
        self.display = display
        self.notifier = Notifier(warn_seconds)
        self.alerts: list[Alert] = []
        self.tray = QSystemTrayIcon(app_icon(), window)
        self.tray.setToolTip("deskapp")
        self.tray.activated.connect(self._activated)
        menu = QMenu(window)
        menu.addAction("Show deskapp", self.bring_back)
        menu.addAction("Quit", window.close)
        self.tray.setContextMenu(menu)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    def tell(self, alert: Alert) -> None:
        self.alerts.append(alert)
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

    def hide(self) -> None:
        self.tray.hide()
