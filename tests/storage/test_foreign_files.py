"""Another program's file is refused untouched; the driver's disk errors are StorageError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from deskapp.storage.errors import Problem, StorageError, translate


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("alembic", [False, True])
def test_another_program_s_file_is_refused_unchanged(tmp_path: Path, alembic: bool) -> None:
    path = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("INSERT INTO recipes (name) VALUES ('bread')")
        if alembic:  # another program that also uses Alembic
            other.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            other.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    other.close()
    before = _files(tmp_path)
    with pytest.raises(StorageError, match="is not a deskapp database") as caught:
        Desk.open(str(path))
    assert caught.value.problem is Problem.NOT_DESKAPP
    assert _files(tmp_path) == before  # same bytes: still in rollback mode, no -wal
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    other.close()


@pytest.mark.parametrize("message", ["disk I/O error", "database or disk is full"])
def test_driver_disk_errors_are_storage_errors(message: str) -> None:
    error = translate(sqlite3.OperationalError(message), "sqlite:////srv/desk.sqlite3")
    assert isinstance(error, StorageError)
    assert isinstance(error, InputError)
    assert error.problem in (Problem.DISK_FULL, Problem.DISK_ERROR)
    assert "/srv/desk.sqlite3" in str(error)
