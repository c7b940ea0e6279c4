"""A database password is never shown by the window nor kept in its settings file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy.engine import make_url

from deskapp.ui.main_window import MainWindow
from deskapp.ui.settings import Preferences
from tests.pg import free_port
from tests.ui.conftest import Clock, settle

SECRET = "s3cret-pw"


def _shown(window: MainWindow) -> str:
    """Everything the window shows that could name its database."""
    return "\n".join([window.windowTitle(), window.statusBar().currentMessage(),
                      window.detail.subtitle.text(), window.queue_info.text()])


def _settings_text(settings: QSettings) -> str:
    settings.sync()
    return Path(settings.fileName()).read_text()


def test_opening_an_unreachable_server_shows_no_password(qtbot, settings: QSettings) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_database(f"postgresql://desk:{SECRET}@127.0.0.1:{free_port()}/desk"
                         "?connect_timeout=5")
    opening = _shown(window)
    assert "postgresql://desk:***@127.0.0.1" in opening
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=15_000)
    assert "Could not open the database: cannot connect" in window.queue_info.text()
    assert SECRET not in opening + _shown(window)


@pytest.mark.slow
def test_a_server_opened_with_a_password_shows_none(qtbot, pg_url: str,
                                                   settings: QSettings, clock: Clock) -> None:
    url = make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.open_database(url)
    seen = [_shown(window)]
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=30_000)
    seen.append(_shown(window))
    assert make_url(pg_url).database in window.windowTitle()
    assert SECRET not in "\n".join(seen)
    window.close()


def test_a_url_with_a_password_is_saved_without_it(qtbot, window: MainWindow,
                                                   settings: QSettings) -> None:
    dialog = window.open_settings()
    dialog.database.setText(f"postgresql://desk:{SECRET}@db.example:5432/desk")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.prefs.database == "postgresql://desk@db.example:5432/desk"
    assert SECRET not in _settings_text(settings)
    assert "~/.pgpass" in window.queue_info.text()
    assert SECRET not in _shown(window)


def test_a_password_an_older_version_saved_is_removed(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    store.setValue("database/url", f"postgresql://desk:{SECRET}@db/desk")
    assert Preferences(store).database == "postgresql://desk@db/desk"
    assert SECRET not in _settings_text(store)
