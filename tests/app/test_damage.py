"""A full disk and damaged rows are one clear message, never a traceback, nothing changed."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from deskapp.app.desk import Desk
from deskapp.storage.database import Database
from deskapp.storage.errors import Problem, StorageError
from tests.app.support import Clock, draft, open_desk, snapshot


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own (tmpfs: needs root)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill_up(folder: Path) -> Path:
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_refuses_writes_with_one_message_and_still_reads(
        small_disk: Path, clock: Clock) -> None:
    url = str(small_disk / "desk.sqlite3")
    desk = open_desk(url, clock)
    try:
        key = desk.log(draft(), author="ana").incident.key
        before = snapshot(desk, key)
        filler = _fill_up(small_disk)
        with pytest.raises(StorageError) as caught:
            for _ in range(200):  # until the WAL cannot grow
                desk.log(draft(description="x" * 20000), author="ana")
        assert caught.value.problem in (Problem.DISK_FULL, Problem.DISK_ERROR)
        assert desk.show(key).title == "Orders will not save"  # reading still works
        desk.shutdown()
        # Another command, while the disk is still full: it reads, or says why not.
        try:
            other = open_desk(url, clock)
        except StorageError as error:
            assert error.problem in (Problem.DISK_FULL, Problem.DISK_ERROR)
        else:
            other.shutdown()
        filler.unlink()
    finally:
        desk.shutdown()
    desk = open_desk(url, clock)
    try:
        assert desk.show(key).title == "Orders will not save"
        assert snapshot(desk, key).events == before.events
    finally:
        desk.shutdown()


@pytest.fixture
def damaged(tmp_path: Path, clock: Clock) -> Iterator[tuple[Desk, str, Path]]:
    path = tmp_path / "desk.sqlite3"
    desk = open_desk(str(path), clock)
    try:
        key = desk.log(draft(), author="ana").incident.key
        desk.comment(key, "called the vendor", author="ana")
        yield desk, key, path
    finally:
        desk.shutdown()


@pytest.mark.parametrize("damage", [
    "UPDATE incidents SET title = CAST(x'4f72fffe20' AS TEXT)",
    "UPDATE incidents SET status = 'frozen'",
    "UPDATE incidents SET resolution_type = 'magic'",
    "UPDATE incidents SET reported_at = 'yesterday'",
    "UPDATE incident_events SET kind = 'teleported' WHERE seq = 2",
    "UPDATE incident_events SET data = '{not json' WHERE seq = 2",
    "UPDATE incident_events SET at = 'soon' WHERE seq = 2",
])
def test_a_damaged_row_is_one_message_naming_its_incident(
        damaged: tuple[Desk, str, Path], damage: str) -> None:
    desk, key, path = damaged
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.execute(text(damage))
    finally:
        engine.dispose()
    with pytest.raises(StorageError) as caught:
        desk.show(key)
    assert caught.value.problem is Problem.CORRUPT
    assert key in str(caught.value) or "damaged text" in str(caught.value)
    with pytest.raises(StorageError):
        desk.comment(key, "one more", author="ana")


def test_a_damaged_status_is_named_on_postgresql_too(any_database_url: str,
                                                     clock: Clock) -> None:
    desk = open_desk(any_database_url, clock)
    try:
        key = desk.log(draft(), author="ana").incident.key
        with desk.writing() as session:
            session.execute(text("UPDATE incidents SET status = 'frozen'"))
        with pytest.raises(StorageError, match=f"incident {key} cannot be read.*frozen"):
            desk.show(key)
        # The queue that lists it too (in a view that does not filter by status).
        with pytest.raises(StorageError, match=f"incident {key} cannot be read.*frozen"):
            desk.queue()
    finally:
        desk.shutdown()


def test_a_database_file_that_cannot_open_its_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        Database.open(str(tmp_path / "missing" / "desk.sqlite3"))
    assert not os.path.exists(tmp_path / "missing")
