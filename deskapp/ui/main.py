"""Starting the desktop interface."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from deskapp.app.sla import SlaService
from deskapp.office import machine_office
from deskapp.ui.agreements import AgreementsWindow


def run_window(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("deskapp")
    service = SlaService.shipped(machine_office())
    window = AgreementsWindow(service.agreements)
    window.show()
    return int(app.exec())
