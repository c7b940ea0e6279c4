"""Database problems a person can act on become StorageError with a clear message."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from deskapp.core.errors import InputError
from deskapp.storage.engine import open_engine, session_factory
from deskapp.storage.errors import Problem, StorageError, storage_errors, translate
from deskapp.storage.migrate import upgrade
from deskapp.storage.models import Setting
from tests.pg import free_port


@pytest.fixture
def desk_file(tmp_path: Path) -> Path:
    """An SQLite database at the current schema, with no connection left open."""
    path = tmp_path / "desk.sqlite3"
    engine = open_engine(str(path))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def opened() -> Iterator[list[Engine]]:
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def _write_setting(engine: Engine) -> None:
    with storage_errors(engine.url), session_factory(engine).begin() as session:
        session.add(Setting(key="office", value="Lisbon"))


def test_a_file_that_is_not_a_database(tmp_path: Path, opened: list[Engine]) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Dear diary, " + os.urandom(8192))
    opened.append(engine := open_engine(str(path)))
    with pytest.raises(StorageError, match=f"{path} is not an SQLite database") as caught:
        upgrade(engine)
    assert caught.value.problem is Problem.CORRUPT
    assert isinstance(caught.value, InputError)


def test_a_read_only_database(desk_file: Path, opened: list[Engine]) -> None:
    # mode=ro stands in for a read-only file, which root (running CI) could still write.
    opened.append(engine := open_engine(f"sqlite:///file:{desk_file}?mode=ro&uri=true"))
    with pytest.raises(StorageError, match="is read-only") as caught:
        _write_setting(engine)
    assert caught.value.problem is Problem.READ_ONLY


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a file with mode 0444")
def test_a_read_only_file(desk_file: Path, opened: list[Engine]) -> None:
    desk_file.chmod(0o444)
    opened.append(engine := open_engine(str(desk_file)))
    with pytest.raises(StorageError, match="is read-only") as caught:
        _write_setting(engine)
    assert caught.value.problem is Problem.READ_ONLY


def test_a_database_locked_by_another_program(desk_file: Path, opened: list[Engine]) -> None:
    other = sqlite3.connect(desk_file, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        opened.append(engine := open_engine(str(desk_file), busy_timeout_ms=50))
        with pytest.raises(StorageError, match="is busy: another deskapp") as caught:
            _write_setting(engine)
        assert caught.value.problem is Problem.BUSY
    finally:
        other.close()


def test_an_sqlite_file_of_another_program(tmp_path: Path, opened: list[Engine]) -> None:
    path = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    other.close()
    opened.append(engine := open_engine(str(path)))
    with pytest.raises(StorageError, match="is not a deskapp database") as caught:
        upgrade(engine)
    assert caught.value.problem is Problem.NOT_DESKAPP


def test_an_unreachable_postgresql_server(opened: list[Engine]) -> None:
    port = free_port()
    opened.append(engine := open_engine(
        f"postgresql://desk:s3cret-pw@127.0.0.1:{port}/desk?connect_timeout=5"))
    with pytest.raises(StorageError) as caught:
        upgrade(engine)
    message = str(caught.value)
    assert caught.value.problem is Problem.CANNOT_CONNECT
    assert message.startswith(f"cannot connect to the PostgreSQL database desk on 127.0.0.1:{port}")
    assert "refused" in message.lower()
    assert "s3cret" not in message


def test_bugs_are_not_translated(desk_file: Path, opened: list[Engine]) -> None:
    opened.append(engine := open_engine(str(desk_file)))
    _write_setting(engine)
    with pytest.raises(IntegrityError):
        _write_setting(engine)
    assert translate(RuntimeError("a bug")) is None


@pytest.mark.parametrize(("code", "problem"), [
    (errno.ENOSPC, Problem.DISK_FULL),
    (errno.EROFS, Problem.READ_ONLY),
    (errno.EACCES, Problem.READ_ONLY),
])
def test_file_system_errors(code: int, problem: Problem) -> None:
    error = translate(OSError(code, os.strerror(code), "/srv/desk.sqlite3"), "sqlite:////srv/d")
    assert error is not None
    assert error.problem is problem
    assert "/srv/desk.sqlite3" in str(error)
