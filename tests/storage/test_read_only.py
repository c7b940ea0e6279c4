"""A database opened read-only: nothing is created, migrated or written, not even beside it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from deskapp.core.errors import InputError
from deskapp.storage.database import Database
from deskapp.storage.engine import is_read_only, read_only_url, sqlite_url
from deskapp.storage.errors import Problem, StorageError
from deskapp.storage.migrate import head_revision, shipped_revisions


def _made(path: Path) -> Path:
    """A deskapp database file of this version, closed (no -wal left beside it)."""
    Database.open(sqlite_url(path)).close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {item.name: (item.read_bytes(), item.stat().st_mtime_ns)
            for item in folder.iterdir()}


def _set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    raw.close()


def test_a_file_opened_read_only_is_left_exactly_as_it_was(tmp_path: Path) -> None:
    path = _made(tmp_path / "copy.sqlite3")
    before = _snapshot(tmp_path)
    database = Database.open(str(path), read_only=True)
    try:
        assert database.read_only
        assert database.name == str(path)
        with database.reading() as session:
            assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 0
        with pytest.raises(StorageError, match="is open read-only: nothing can be changed") \
                as refused, database.writing():
            pytest.fail("a read-only database gave a write transaction")
        assert refused.value.problem is Problem.READ_ONLY
        assert str(path) in str(refused.value)
        # Past the service, the connection itself refuses: one message, no traceback.
        with pytest.raises(StorageError, match="read-only"), database.reading() as session:
            session.execute(text("DELETE FROM incidents"))
    finally:
        database.close()
    assert _snapshot(tmp_path) == before  # same bytes, same times, no -wal, -shm or journal


def test_a_file_nobody_can_write_opens(tmp_path: Path) -> None:
    path = _made(tmp_path / "taken-home.sqlite3")
    path.chmod(0o444)
    tmp_path.chmod(0o555)  # a read-only folder (a CD, a read-only share): nothing beside it
    try:
        database = Database.open(str(path), read_only=True)
        with database.reading() as session:
            assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 0
        database.close()
    finally:
        tmp_path.chmod(0o755)
    assert sorted(item.name for item in tmp_path.iterdir()) == ["taken-home.sqlite3"]


def test_a_missing_file_is_one_message_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.sqlite3"
    with pytest.raises(InputError, match=f"^there is no database file {path}$"):
        Database.open(str(path), read_only=True)
    with pytest.raises(InputError, match="is a folder, not a database file"):
        read_only_url(str(tmp_path))
    with pytest.raises(InputError, match="in-memory"):
        read_only_url("sqlite://")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_or_foreign_file_is_not_a_deskapp_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty 100%?#.sqlite3"
    empty.touch()
    with pytest.raises(StorageError, match="is not a deskapp database") as caught:
        Database.open(str(empty), read_only=True)
    assert caught.value.problem is Problem.NOT_DESKAPP
    assert str(caught.value).startswith(f"the database file {empty} is not")  # as named
    assert empty.read_bytes() == b""  # no schema created in it


@pytest.mark.parametrize("newer", [False, True])
def test_an_older_or_newer_schema_is_one_message_and_not_migrated(tmp_path: Path,
                                                                  newer: bool) -> None:
    path = _made(tmp_path / "other-version.sqlite3")
    older = shipped_revisions()[head_revision()]
    assert older is not None
    _set_revision(path, "9999_from_the_future" if newer else older)
    before = _snapshot(tmp_path)
    with pytest.raises(StorageError) as caught:
        Database.open(str(path), read_only=True)
    message = str(caught.value)
    if newer:
        assert "was made by a newer deskapp (schema 9999_from_the_future)" in message
    else:
        assert f"was made by an older deskapp (schema {older}, this one reads " \
               f"{head_revision()})" in message
        assert "open a copy of it without read-only" in message
    assert "\n" not in message
    assert _snapshot(tmp_path) == before  # not migrated, no backup taken beside it


def test_a_file_in_use_is_read_with_what_its_wal_holds(tmp_path: Path) -> None:
    """A -wal beside the file (another deskapp has it open): mode=ro, not immutable, so the
    changes committed into the -wal are seen."""
    path = _made(tmp_path / "live.sqlite3")
    live = Database.open(sqlite_url(path))
    try:
        with live.writing() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('office_zone', "
                                 "'Asia/Manila')"))
        assert path.with_name(path.name + "-wal").exists()
        url = read_only_url(str(path))
        assert make_url(url).query.get("immutable") is None
        reader = Database.open(url)
        try:
            assert reader.read_only
            with reader.reading() as session:
                assert session.execute(text("SELECT value FROM settings")).scalar() \
                    == "Asia/Manila"
        finally:
            reader.close()
    finally:
        live.close()


def test_read_only_urls(tmp_path: Path) -> None:
    path = _made(tmp_path / "a file?#%.sqlite3")
    url = read_only_url(str(path))
    assert is_read_only(url) and read_only_url(url) == url
    assert make_url(url).query == {"mode": "ro", "immutable": "1", "uri": "true"}
    assert read_only_url(sqlite_url(path)) == url
    assert not is_read_only(sqlite_url(path))
    assert not is_read_only(str(path)) and not is_read_only("postgresql://u@h:port/db")
    database = Database.open(url)
    assert database.name == str(path)
    database.close()

    postgres = read_only_url("postgresql://ana@db.example/desk?options=-c%20work_mem%3D64MB")
    assert make_url(postgres).query["options"] == \
        "-c work_mem=64MB -c default_transaction_read_only=on"
    assert is_read_only(postgres) and read_only_url(postgres) == postgres
    assert not is_read_only("postgresql://ana@db.example/desk")


@pytest.mark.slow
def test_a_postgresql_database_opened_read_only_refuses_every_write(pg_url: str) -> None:
    Database.open(pg_url).close()
    database = Database.open(pg_url, read_only=True)
    try:
        assert database.read_only
        with database.reading() as session:
            assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 0
            assert session.execute(text("SHOW transaction_read_only")).scalar() == "on"
        with pytest.raises(StorageError, match="is open read-only"), database.writing():
            pass
        # The server refuses too, whatever a session would try.
        with pytest.raises(StorageError, match="read-only") as caught, \
                database.reading() as session:
            session.execute(text("DELETE FROM incidents"))
        assert caught.value.problem is Problem.READ_ONLY
    finally:
        database.close()


def test_a_wal_on_read_only_media_without_its_index_is_one_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _made(tmp_path / "on-a-cd.sqlite3")
    path.with_name(path.name + "-wal").write_bytes(b"")
    real = os.access
    monkeypatch.setattr(os, "access", lambda where, mode: (
        False if Path(where) == tmp_path and mode == os.W_OK else real(where, mode)))
    with pytest.raises(InputError, match="copy the file with its -wal to a folder you can "
                                         "write to"):
        read_only_url(str(path))
    path.with_name(path.name + "-shm").write_bytes(b"")  # copied with its index: it opens
    assert make_url(read_only_url(str(path))).query["mode"] == "ro"
