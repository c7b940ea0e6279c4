"""Migrations build the schema from zero, match the models, and guard foreign databases."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Engine, inspect, text
from sqlalchemy.dialects.postgresql import JSONB

from deskapp.paths import migrations_dir
from deskapp.storage import migrate
from deskapp.storage.engine import open_engine, session_factory, sqlite_path
from deskapp.storage.errors import Problem, StorageError
from deskapp.storage.migrate import backup_sqlite, current_revision, head_revision, upgrade
from deskapp.storage.models import Base, Setting
from deskapp.storage.search import INDEX_TABLE, is_index_table

NOW = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)


def test_a_fresh_database_is_built_from_zero_and_matches_the_models(engine: Engine) -> None:
    assert current_revision(engine) is None
    result = upgrade(engine)
    assert (result.before, result.after, result.backup) == (None, head_revision(), None)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True,
                              "include_name": migrate.is_modelled})
        assert compare_metadata(context, Base.metadata) == []
        # Besides the models' tables, only the search index the database keeps itself.
        names = set(inspect(connection).get_table_names())
        assert {name for name in names if not is_index_table(name)} == {
            *Base.metadata.tables, "alembic_version"}
        assert INDEX_TABLE in names


def test_upgrading_a_current_database_changes_nothing(migrated: Engine) -> None:
    result = upgrade(migrated)
    assert not result.changed
    assert result.backup is None
    path = sqlite_path(migrated)
    if path is not None:
        assert list(path.parent.glob("*.bak")) == []


def test_a_database_with_other_tables_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)"))
    with pytest.raises(StorageError, match=r"is not a deskapp database.*recipes") as caught:
        upgrade(engine)
    assert caught.value.problem is Problem.NOT_DESKAPP


def test_a_database_from_a_newer_deskapp_is_refused(migrated: Engine) -> None:
    with migrated.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match=r"made by a newer deskapp \(schema 9999\)") as caught:
        upgrade(migrated)
    assert caught.value.problem is Problem.NEWER_VERSION


def _fill(path: Path) -> Engine:
    engine = open_engine(str(path))
    upgrade(engine)
    with session_factory(engine).begin() as session:
        session.add(Setting(key="office", value="New York"))
    return engine


def test_backup_copies_an_sqlite_database_into_one_file(tmp_path: Path) -> None:
    engine = _fill(tmp_path / "desk.sqlite3")
    try:
        first = backup_sqlite(tmp_path / "desk.sqlite3", "0001", NOW)
        second = backup_sqlite(tmp_path / "desk.sqlite3", "0001", NOW)
    finally:
        engine.dispose()
    assert first.name == "desk.sqlite3.before-0001-20260504T030201Z.bak"
    assert second.name == "desk.sqlite3.before-0001-20260504T030201Z-2.bak"
    with sqlite3.connect(first) as copy:
        assert copy.execute("SELECT value FROM settings").fetchall() == [("New York",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()


def test_an_older_sqlite_database_is_backed_up_before_migrating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _fill(tmp_path / "desk.sqlite3")
    shipped = head_revision()
    try:
        # A later deskapp: the shipped migrations plus one more.
        later = tmp_path / "db"
        shutil.copytree(migrations_dir(), later,
                        ignore=shutil.ignore_patterns("__pycache__"))
        (later / "versions" / "9999_notes.py").write_text(
            '"""Notes."""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            f'revision = "9999"\ndown_revision = "{shipped}"\nbranch_labels = None\n'
            'depends_on = None\n\n\ndef upgrade():\n'
            '    with op.batch_alter_table("settings") as batch:\n'
            '        batch.add_column(sa.Column("note", sa.String(), nullable=True))\n\n\n'
            'def downgrade():\n    pass\n')
        monkeypatch.setattr(migrate, "migrations_dir", lambda: later)
        result = upgrade(engine, now=NOW)
        assert (result.before, result.after) == (shipped, "9999")
        assert result.backup == tmp_path / f"desk.sqlite3.before-{shipped}-20260504T030201Z.bak"
        assert current_revision(engine) == "9999"
        with engine.connect() as connection:
            assert connection.execute(text("SELECT key, note FROM settings")).all() == [
                ("office", None)]
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    with sqlite3.connect(result.backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(shipped,)]
    copy.close()


def test_a_first_schema_database_is_upgraded_keeping_its_rows(
        engine: Engine) -> None:
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with session_factory(engine).begin() as session:
        session.add(Setting(key="office_zone", value="America/New_York"))
    result = upgrade(engine, now=NOW)
    assert (result.before, result.after) == ("0001", head_revision())
    with engine.connect() as connection:
        indexes = {index["name"]: index["column_names"]
                   for index in inspect(connection).get_indexes("incidents")}
        assert indexes["ix_incidents_queue"] == ["is_open", "next_due_at", "id"]
        data = next(column for column in inspect(connection).get_columns("incident_events")
                    if column["name"] == "data")
        assert isinstance(data["type"], JSON)
        assert isinstance(data["type"], JSONB) == (engine.dialect.name == "postgresql")
        assert connection.execute(text("SELECT key, value FROM settings")).all() == [
            ("office_zone", "America/New_York")]
