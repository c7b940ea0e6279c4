"""Copies taken before a migration: whole and checked, a few kept, not repeated for nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from deskapp.paths import migrations_dir
from deskapp.storage import backup, migrate
from deskapp.storage.database import Database
from deskapp.storage.engine import open_engine, session_factory, sqlite_path
from deskapp.storage.errors import Problem, StorageError
from deskapp.storage.migrate import backup_sqlite, current_revision, head_revision, upgrade
from deskapp.storage.models import Setting

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)


def _fill(path: Path) -> None:
    engine = open_engine(str(path))
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            session.add(Setting(key="office", value="New York"))
    finally:
        engine.dispose()


def _intact(copy: Path) -> bool:
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as check:
        ok = check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()
    return ok


def test_the_head_revision_is_alembic_s() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert head_revision() == script.get_current_head()
    assert set(migrate.shipped_revisions()) == {
        revision.revision for revision in script.walk_revisions()}


def test_only_the_last_three_copies_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    _fill(path)
    taken = [backup_sqlite(path, "0003", NOW + timedelta(minutes=n)) for n in range(5)]
    assert sorted(tmp_path.glob("*.bak")) == sorted(taken[-3:])
    assert all(_intact(copy) for copy in taken[-3:])


def test_what_an_interrupted_copy_left_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    _fill(path)
    # A copy killed by this deskapp, in a separate process, before it was renamed ...
    killer = ("import os, signal, sys\nfrom datetime import UTC, datetime\n"
              "from pathlib import Path\n"
              "from deskapp.storage import migrate\n"
              "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
              "migrate.backup_sqlite(Path(sys.argv[1]), '0003', datetime.now(UTC))\n")
    killed = subprocess.run([sys.executable, "-c", killer, str(path)], cwd=ROOT, timeout=120)
    assert killed.returncode != 0
    assert list(tmp_path.glob("*.bak")) == []  # no half copy named .bak
    assert len(list(tmp_path.glob("*.bak.partial"))) == 1
    # ... and one killed half-way by an older deskapp (copied in place, its journal beside).
    damaged = tmp_path / "desk.sqlite3.before-0002-20260101T000000Z.bak"
    damaged.write_bytes(path.read_bytes()[:1024])
    (tmp_path / f"{damaged.name}-journal").write_bytes(b"\0" * 512)

    copy = backup_sqlite(path, "0003", NOW)
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == [copy.name]
    assert _intact(copy)


def test_a_copy_that_fails_its_check_is_not_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "desk.sqlite3"
    _fill(path)
    monkeypatch.setattr(backup, "_snapshot", lambda source, unfinished: unfinished.write_bytes(
        path.read_bytes()[:100] + b"\0" * 4000))
    with pytest.raises((StorageError, sqlite3.DatabaseError)):
        backup_sqlite(path, "0003", NOW)
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []


def _later_migrations(tmp_path: Path, body: str) -> Path:
    """The shipped migrations plus a 9999 whose upgrade runs ``body``."""
    later = tmp_path / "db"
    shutil.copytree(migrations_dir(), later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "9999_notes.py").write_text(
        '"""Notes."""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        f'revision = "9999"\ndown_revision = "{head_revision()}"\nbranch_labels = None\n'
        'depends_on = None\n\n\ndef upgrade():\n'
        '    with op.batch_alter_table("settings") as batch:\n'
        '        batch.add_column(sa.Column("note", sa.String(), nullable=True))\n'
        f'    {body}\n\n\ndef downgrade():\n    pass\n')
    return later


def test_a_failing_migration_is_one_clear_message_and_changes_nothing(
        any_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine: Engine = open_engine(any_database_url)
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            session.add(Setting(key="office", value="New York"))
        shipped = head_revision()
        later = _later_migrations(tmp_path, 'op.execute("SELECT no_such_column FROM settings")')
        monkeypatch.setattr(migrate, "migrations_dir", lambda: later)
        for _ in range(3):  # each start tries again
            with pytest.raises(StorageError, match=f"from schema {shipped} to 9999") as caught:
                Database.open(any_database_url)
            assert caught.value.problem is Problem.MIGRATION_FAILED
        assert current_revision(engine) == shipped
        with engine.connect() as connection:
            assert connection.execute(text("SELECT * FROM settings")).all() == [
                ("office", "New York")]
        path = sqlite_path(engine)
        if path is None:
            assert "pg_dump" in str(caught.value)
        else:
            copies = list(path.parent.glob("*.bak"))
            assert len(copies) == 1  # the file did not change between the tries
            assert str(copies[0]) in str(caught.value)
            assert _intact(copies[0])
    finally:
        engine.dispose()


def test_a_changed_file_is_copied_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    path = tmp_path / "desk.sqlite3"
    _fill(path)
    later = _later_migrations(tmp_path, 'raise RuntimeError("no")')
    monkeypatch.setattr(migrate, "migrations_dir", lambda: later)
    with pytest.raises(StorageError):
        Database.open(str(path))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE settings SET value = 'Lisbon'")
    connection.close()
    with pytest.raises(StorageError, match="RuntimeError: no"):
        Database.open(str(path))
    assert len(list(tmp_path.glob("*.bak"))) == 2
