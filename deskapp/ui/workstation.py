"""The agent's workstation: the open desk, preferences, clock and worker the parts share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QDialog

from deskapp.app.desk import Desk
from deskapp.core.agreement import Agreement
from deskapp.ui.opening import Catalog, Opened
from deskapp.ui.queue_model import Display
from deskapp.ui.settings import Preferences
from deskapp.ui.tasks import Tasks

Clock = Callable[[], datetime]


def now_utc() -> datetime:
    return datetime.now(UTC)


class Workstation:
    """What the parts of the window read and share; the window decides when it changes."""

    def __init__(self, prefs: Preferences, clock: Clock, tasks: Tasks) -> None:
        self.prefs = prefs
        self.clock = clock
        self.tasks = tasks
        self.display = Display(ZoneInfo("UTC"), {}, prefs.warn_minutes * 60)
        self.opened: Opened | None = None
        self.desk: Desk | None = None
        self.catalog: Catalog | None = None
        self.owns_desk = False  # opened here (not attached): shut down with the window
        self.dialog: QDialog | None = None  # the open action, new-incident or settings dialog

    @property
    def ready(self) -> bool:
        return self.desk is not None

    def desk_clock(self) -> Clock | None:
        """The clock a desk opened here is given: the wall clock unless a test moves one."""
        return None if self.clock is now_utc else self.clock

    def use(self, opened: Opened) -> None:
        self.opened = opened
        self.desk = opened.desk
        self.use_catalog(opened.catalog)

    def use_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.display.agreements = catalog.agreements
        self.display.office_zone = ZoneInfo(catalog.office.zone)

    def agreement_of(self, vendor: str) -> Agreement | None:
        return self.catalog.agreements.get(vendor) if self.catalog else None

    def users(self) -> list[str]:
        return self.catalog.users if self.catalog else []

    def keep_dialog(self, dialog: QDialog) -> None:
        """``dialog`` is the open one until it finishes."""
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))

    def _forget_dialog(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def shut_down_desk(self) -> None:
        """Release a desk opened here and delete the demo's throwaway database."""
        opened, self.opened = self.opened, None
        if opened is not None and (opened.scratch is not None or self.owns_desk):
            opened.desk.shutdown()
            if opened.scratch is not None:
                opened.scratch.cleanup()
        self.desk = None
