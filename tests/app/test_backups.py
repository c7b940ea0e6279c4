"""Backups of the desk's file: taken while it works, verified, listed, kept 7/4/3, restored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deskapp.app import backups
from deskapp.app.backups import Kind
from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, draft, open_desk


@pytest.fixture(autouse=True)
def _no_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(backups.BACKUP_DIR_ENV, raising=False)


def _titles(url: str, clock: Clock) -> list[str]:
    desk = open_desk(url, clock)
    try:
        return [row.title for row in desk.queue()]
    finally:
        desk.shutdown()


def test_a_backup_is_taken_while_the_desk_works_and_is_verified(
        sqlite_desk: Desk, sqlite_file: str, tmp_path: Path) -> None:
    sqlite_desk.log(draft(title="First"), author="ana")
    taken = sqlite_desk.backup_now()
    assert taken.path.parent == tmp_path / "backups"
    assert taken.verified and taken.incidents == 1 and taken.kind == Kind.ON_DEMAND
    with sqlite3.connect(f"{taken.path.as_uri()}?mode=ro", uri=True) as copy:
        assert copy.execute("SELECT title FROM incidents").fetchall() == [("First",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()
    assert [b.name for b in sqlite_desk.backups()] == [taken.name]
    assert backups.verify(sqlite_file)[0].state == "verified"


def test_the_folder_comes_from_the_environment_then_the_setting(
        sqlite_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert backups.folder_for(sqlite_file, str(tmp_path / "chosen")) == tmp_path / "chosen"
    monkeypatch.setenv(backups.BACKUP_DIR_ENV, str(tmp_path / "share"))
    assert backups.folder_for(sqlite_file, str(tmp_path / "chosen")) == tmp_path / "share"


def test_a_damaged_or_changed_backup_is_found_by_verify(
        sqlite_desk: Desk, sqlite_file: str) -> None:
    sqlite_desk.log(draft(), author="ana")
    taken = sqlite_desk.backup_now()
    data = bytearray(taken.path.read_bytes())
    data[-200:-100] = b"\xff" * 100  # a flipped block inside the last page
    taken.path.write_bytes(bytes(data))
    (checked,) = backups.verify(sqlite_file, taken.name)
    assert not checked.verified
    assert "changed" in checked.state or "damaged" in checked.state
    taken.path.write_bytes(b"junk" * 1000)
    (checked,) = backups.verify(sqlite_file)
    assert checked.state.startswith("damaged")


def test_the_daily_backup_is_taken_once_a_day_and_only_after_a_change(
        sqlite_desk: Desk, clock: Clock) -> None:
    first = sqlite_desk.daily_backup()
    assert first is not None and first.kind == Kind.DAILY
    clock.advance(hours=1)
    sqlite_desk.log(draft(), author="ana")
    assert sqlite_desk.daily_backup() is None  # one a day
    clock.advance(days=1)
    second = sqlite_desk.daily_backup()
    assert second is not None and second.incidents == 1
    clock.advance(days=1)
    assert sqlite_desk.daily_backup() is None  # nothing changed since
    assert len(sqlite_desk.backups()) == 2


def test_backups_beyond_7_daily_4_weekly_3_monthly_are_removed(
        sqlite_desk: Desk, clock: Clock) -> None:
    for day in range(150):
        clock.advance(days=1)
        sqlite_desk.log(draft(title=f"Day {day}"), author="ana")
        assert sqlite_desk.daily_backup() is not None
    found = sqlite_desk.backups()
    assert len(found) == 14
    assert all(b.verified for b in found)
    folder = found[0].path.parent
    assert len(list(folder.glob("*.json"))) == 14  # their facts went with them


def test_restore_puts_the_backup_back_after_a_safety_copy(
        sqlite_desk: Desk, sqlite_file: str, clock: Clock) -> None:
    sqlite_desk.log(draft(title="Before"), author="ana")
    taken = sqlite_desk.backup_now()
    clock.advance(minutes=5)
    sqlite_desk.log(draft(title="After"), author="ana")
    sqlite_desk.shutdown()
    restored = backups.restore(sqlite_file, taken.name, now=clock.now)
    assert restored.backup.name == taken.name
    assert restored.safety is not None and restored.safety.kind == Kind.BEFORE_RESTORE
    assert restored.set_aside is None
    assert _titles(sqlite_file, clock) == ["Before"]
    # The safety copy holds what was replaced, and can itself be restored.
    backups.restore(sqlite_file, restored.safety.name, now=clock.advance(minutes=1))
    assert sorted(_titles(sqlite_file, clock)) == ["After", "Before"]


def test_restore_latest_with_the_desk_still_open_elsewhere(
        sqlite_desk: Desk, sqlite_file: str, clock: Clock) -> None:
    sqlite_desk.log(draft(title="Kept"), author="ana")
    sqlite_desk.backup_now()
    clock.advance(minutes=1)
    sqlite_desk.log(draft(title="Lost"), author="ana")
    backups.restore(sqlite_file, None, now=clock.advance(minutes=1))
    assert [row.title for row in sqlite_desk.queue()] == ["Kept"]


def test_a_damaged_database_is_set_aside_with_its_stale_log(
        tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "desk.sqlite3"
    url = sqlite_url(path)
    desk = open_desk(url, clock)
    desk.log(draft(title="Saved"), author="ana")
    desk.backup_now()
    desk.shutdown()
    path.write_bytes(b"this is no database" * 100)
    (tmp_path / "desk.sqlite3-wal").write_bytes(b"\0" * 4096)  # a stale log
    restored = backups.restore(url, None, now=clock.advance(minutes=1))
    assert restored.safety is None and restored.set_aside is not None
    assert restored.set_aside.read_bytes().startswith(b"this is no database")
    assert not (tmp_path / "desk.sqlite3-wal").exists()
    assert Path(f"{restored.set_aside}-wal").exists()
    assert _titles(url, clock) == ["Saved"]


def test_bad_names_and_damaged_backups_change_nothing(
        sqlite_desk: Desk, sqlite_file: str, clock: Clock) -> None:
    sqlite_desk.log(draft(title="Here"), author="ana")
    taken = sqlite_desk.backup_now()
    with pytest.raises(InputError, match="no backup 'nope'"):
        backups.restore(sqlite_file, "nope", now=clock.now)
    taken.path.write_bytes(b"\0" * 8192)
    with pytest.raises(InputError, match=r"cannot be restored.*was not changed"):
        backups.restore(sqlite_file, taken.name, now=clock.now)
    with pytest.raises(InputError, match="no verified backup"):
        backups.restore(sqlite_file, None, now=clock.now)
    assert [row.title for row in sqlite_desk.queue()] == ["Here"]
    assert len(sqlite_desk.backups()) == 1  # no safety copy was taken for nothing


def test_postgresql_backups_belong_to_the_server() -> None:
    with pytest.raises(InputError, match="pg_dump"):
        backups.backups("postgresql+psycopg://u@localhost/desk")
