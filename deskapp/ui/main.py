"""Starting the desktop interface: the main window on the configured or a demo database."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from deskapp.app.locations import DATABASE_ENV, database_url
from deskapp.ui.main_window import MainWindow
from deskapp.ui.style import app_icon, style_sheet

ORGANIZATION = "deskapp"
APPLICATION = "deskapp"


def chosen_database(args: argparse.Namespace, saved: str) -> str:
    """The command line's database, else $DESKAPP_DB, else the one saved in the settings."""
    given = getattr(args, "db", None)
    if not given and not os.environ.get(DATABASE_ENV) and saved:
        given = saved
    return database_url(given)


def run_window(args: argparse.Namespace) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    # With a tray icon the desk keeps running (and notifying) when the window is hidden.
    app.setQuitOnLastWindowClosed(True)
    window = MainWindow(QSettings())
    _report_bugs_in(window)
    window.show()
    if getattr(args, "demo", False):
        window.open_demo()
    else:
        read_only = getattr(args, "read_only", None)  # the file, as given
        window.open_database(database_url(read_only) if read_only
                             else chosen_database(args, window.prefs.database),
                             read_only=bool(read_only))
    return int(app.exec())


def _report_bugs_in(window: MainWindow) -> None:
    """Anything but an InputError is a bug: print the traceback, tell the agent in one line."""
    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        traceback.print_exception(kind, error, trace)
        window.queue_info.show_message(
            f"Something went wrong inside deskapp ({kind.__name__}: {error}). The details "
            "are on the console; please report them.", "error")

    sys.excepthook = hook
