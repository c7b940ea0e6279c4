"""`deskapp backup create|list|verify|restore`, and a damaged database's message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskapp.app.backups import BACKUP_DIR_ENV
from deskapp.cli import backup as backup_cli
from tests.cli.support import run

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str],
       monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(BACKUP_DIR_ENV, str(tmp_path / "share"))
    moments = iter(NOW + timedelta(minutes=n) for n in range(1000))
    monkeypatch.setattr(backup_cli, "clock", lambda: next(moments))
    path = str(tmp_path / "desk.sqlite3")
    code, _, err = run(capsys, "incident", "add", "--vendor", "maqsu", "--severity", "high",
                       "--title", "Kept", "--db", path, "--as", "ana")
    assert code == 0, err
    return path


def _titles(capsys: pytest.CaptureFixture[str], db: str) -> str:
    code, out, err = run(capsys, "incident", "list", "--view", "all open", "--db", db)
    assert code == 0, err
    return out


def test_create_list_verify_and_restore(capsys: pytest.CaptureFixture[str], db: str,
                                        tmp_path: Path) -> None:
    code, out, _ = run(capsys, "backup", "create", "--db", db)
    assert code == 0 and "verified, 1 incident\n" in out
    assert str(tmp_path / "share") in out
    run(capsys, "incident", "add", "--vendor", "maqsu", "--severity", "high", "--title",
        "Lost", "--db", db, "--as", "ana")
    code, out, _ = run(capsys, "backup", "list", "--db", db)
    assert code == 0
    assert out.count("\n") == 1 and "2026-12-03 09:00:00 UTC  on demand" in out
    assert out.rstrip().endswith("verified")
    code, out, _ = run(capsys, "backup", "verify", "--db", db)
    assert code == 0 and "verified" in out
    name = out.split()[0]
    code, out, _ = run(capsys, "backup", "restore", name, "--yes", "--db", db)
    assert code == 0, out
    assert "restored" in out and "the data it replaced is in" in out
    listed = _titles(capsys, db)
    assert "Kept" in listed and "Lost" not in listed


def test_restore_asks_first(capsys: pytest.CaptureFixture[str], db: str,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "backup", "create", "--db", db)
    run(capsys, "incident", "add", "--vendor", "maqsu", "--severity", "high", "--title",
        "Stays", "--db", db, "--as", "ana")
    asked: list[str] = []
    monkeypatch.setattr(backup_cli, "confirm", lambda q: asked.append(q) or False)
    code, out, _ = run(capsys, "backup", "restore", "--latest", "--db", db)
    assert code == 1 and "nothing restored" in out
    assert "taken 2026-12-03 09:00:00 UTC" in asked[0]
    assert "Stays" in _titles(capsys, db)
    monkeypatch.setattr(backup_cli, "confirm", lambda q: True)
    code, out, _ = run(capsys, "backup", "restore", "--latest", "--db", db)
    assert code == 0
    assert "Stays" not in _titles(capsys, db)


def test_without_a_terminal_restore_needs_yes(capsys: pytest.CaptureFixture[str], db: str
                                             ) -> None:
    run(capsys, "backup", "create", "--db", db)
    code, _, err = run(capsys, "backup", "restore", "--latest", "--db", db)
    assert code == 2 and "--yes" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, message", [
    (["restore", "nope", "--yes"], "no backup 'nope'"),
    (["verify", "nope"], "no backup 'nope'"),
    (["restore", "--yes"], "one of the arguments"),
])
def test_bad_names_are_one_line(capsys: pytest.CaptureFixture[str], db: str,
                                argv: list[str], message: str) -> None:
    before = Path(db).read_bytes()
    code, _, err = run(capsys, "backup", *argv, "--db", db)
    assert code == 2 and message in err and err.count("\n") == 1
    assert Path(db).read_bytes() == before


def test_a_corrupt_backup_fails_verify_and_is_not_restored(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "backup", "create", "--db", db)
    copy = Path(out.split(":")[0])
    copy.write_bytes(b"\x00garbage" * 2000)
    code, out, _ = run(capsys, "backup", "verify", "--db", db)
    assert code == 1 and "damaged" in out
    code, _, err = run(capsys, "backup", "restore", copy.name, "--yes", "--db", db)
    assert code == 2 and "cannot be restored" in err and "Kept" in _titles(capsys, db)


def test_daily_only_when_due(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "backup", "create", "--daily", "--db", db)
    assert code == 0 and "verified" in out
    code, out, _ = run(capsys, "backup", "create", "--daily", "--db", db)
    assert code == 0 and "no backup needed" in out


def test_a_damaged_database_names_the_latest_verified_backup_and_its_time(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "backup", "create", "--db", db)
    Path(db).write_bytes(b"not a database at all" * 500)
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    code, _, err = run(capsys, "incident", "list", "--db", db)
    assert code == 2 and err.count("\n") == 1
    assert "latest verified backup was taken 2026-12-03 09:00:00 UTC" in err
    assert "deskapp backup restore --latest" in err
    code, out, _ = run(capsys, "backup", "restore", "--latest", "--yes", "--db", db)
    assert code == 0 and "damaged file was moved to" in out
    assert "Kept" in _titles(capsys, db)


def test_postgresql_is_told_about_pg_dump(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "backup", "create", "--db", "postgresql://u@localhost/desk")
    assert code == 2 and "pg_dump" in err and "deskapp export" in err
