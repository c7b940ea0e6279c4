"""Window fixtures: a temporary SQLite desk, a clock the test moves, and settings in a file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from deskapp.app.desk import Changed, Desk
from deskapp.app.views import IncidentDraft
from deskapp.storage.engine import sqlite_url
from tests.conftest import NEW_YORK_OFFICE

# Tuesday 8 December 2026, 10:00 in New York: every vendor but MAQSU (Singapore) is open.
START = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A Qt warning in a window test is a failure, as qutebrowser's suite has it; only the
    # offscreen platform's own complaint about size hints is not about deskapp.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(
                "This plugin does not support propagateSizeHints"))


@dataclass
class Clock:
    """The wall clock of a test: it only moves when the test moves it."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "desk.sqlite3")


@pytest.fixture
def desk(db_url: str, clock: Clock) -> Iterator[Desk]:
    opened = Desk.open(db_url, office=NEW_YORK_OFFICE, clock=clock)
    try:
        yield opened
    finally:
        opened.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue("agent/name", "tess")
    store.setValue("thresholds/warn_minutes", 0)
    return store


def log(desk: Desk, vendor: str = "magaya", severity: str = "1", title: str = "Cannot post",
        **fields: object) -> Changed:
    agreement = desk.agreements()[vendor]
    channel = (agreement.severity(severity).channels or ("email",))[0]
    draft = IncidentDraft(vendor=vendor, product=agreement.products[0], title=title,
                          severity=severity, channel=channel, **fields)
    return desk.log(draft, author="tess")


@pytest.fixture
def window(qtbot, desk: Desk, settings: QSettings, clock: Clock):
    from deskapp.ui.main_window import MainWindow

    made = MainWindow(settings, clock=clock)
    qtbot.addWidget(made)
    made.attach(desk)
    made.resize(1400, 860)  # a desktop screen (the offscreen one is smaller)
    made.show()
    qtbot.waitExposed(made)
    qtbot.waitUntil(lambda: made.catalog is not None and made.tasks.idle, timeout=10_000)
    return made


def settle(qtbot, window) -> None:
    """Wait until the background thread has delivered everything asked of it."""
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=10_000)
