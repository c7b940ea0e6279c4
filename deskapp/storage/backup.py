"""Copies of an SQLite database taken while the desk works: consistent, checked and durable.

A copy is SQLite's online backup of the live file, in one step: one read transaction, so
it is a consistent snapshot, and in WAL mode writers go on meanwhile. It is written under a
temporary name, checked (``PRAGMA integrity_check`` and its rows counted), flushed to disk
and only then renamed: a file under a copy's name is always whole. The copies taken before a
migration and the desk's backups are both made here.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from deskapp.storage.engine import BUSY_TIMEOUT_MS
from deskapp.storage.errors import Problem, StorageError

# A copy is written under its name plus this suffix and renamed once verified.
UNFINISHED = ".partial"
# What is known of a backup (its counts and digest) is kept beside it under its name plus:
FACTS = ".json"
FACTS_FORMAT = 1


@dataclass(frozen=True)
class Facts:
    """What a verified copy holds: rows per table, the file's SHA-256 and size, and a mark of
    its data (equal marks: nothing changed between two moments)."""

    counts: dict[str, int]
    digest: str
    size: int
    mark: str


def database_file(url: str) -> Path | None:
    """The SQLite file a database URL names; None for PostgreSQL or memory."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    return Path(database.removeprefix("file:"))


def _read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write ``path`` (``immutable``: nor create a -wal or -shm
    beside it, for a copy nothing else opens)."""
    uri = f"{path.absolute().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.isolation_level = None
    return connection


def take(source: Path, target: Path, *, about: dict[str, Any] | None = None) -> Facts:
    """Copy the database at ``source`` to ``target``, verified; ``about``: written with the
    copy's facts beside it (``<target>.json``) for a backup listed later."""
    unfinished = target.with_name(target.name + UNFINISHED)
    try:
        _snapshot(source, unfinished)
        _flush(unfinished)
        facts = facts_of(unfinished)
        problems = integrity(unfinished)
        if problems:
            raise StorageError(Problem.CORRUPT,
                               f"the database file {source} is damaged "
                               f"({'; '.join(problems[:3])}): its copy was not kept")
        if about is not None:
            _write_json(facts_path(target), {
                "format": FACTS_FORMAT, **about, "counts": facts.counts,
                "sha256": facts.digest, "size": facts.size, "mark": facts.mark})
        os.replace(unfinished, target)
        sync_folder(target.parent)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        if about is not None and not target.exists():
            facts_path(target).unlink(missing_ok=True)
        raise
    return facts


def _snapshot(source: Path, unfinished: Path) -> None:
    """The online backup in one step, then made a plain file: one that opens without a
    -wal or -shm beside it."""
    if not source.is_file():
        raise StorageError(Problem.CANNOT_OPEN, f"the database file {source} does not exist")
    with _errors(source), closing(_read_only(source)) as live, \
            closing(sqlite3.connect(unfinished)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")


def _flush(path: Path) -> None:
    with open(path, "rb+") as written:
        os.fsync(written.fileno())


def facts_path(copy: Path) -> Path:
    return copy.with_name(copy.name + FACTS)


def facts_of(copy: Path) -> Facts:
    """The counts, digest, size and data mark of a copy nothing else writes."""
    with _errors(copy), closing(_read_only(copy, immutable=True)) as connection:
        counts, mark = _counts_and_mark(connection)
    return Facts(counts, file_digest(copy), copy.stat().st_size, mark)


def integrity(copy: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong in a copy; empty when it is whole."""
    try:
        with closing(_read_only(copy, immutable=True)) as connection:
            found = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def mark(database: Path) -> str:
    """The mark of the live database's data now (what a copy taken now would carry)."""
    with _errors(database), closing(_read_only(database)) as connection:
        connection.execute("BEGIN")
        try:
            return _counts_and_mark(connection)[1]
        finally:
            connection.execute("COMMIT")


def _counts_and_mark(connection: sqlite3.Connection) -> tuple[dict[str, int], str]:
    tables = [str(row[0]) for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
              for table in tables}
    # Every write to an incident raises its version and every setting is a row: with the
    # counts of each table they tell whether anything changed.
    seen: list[Any] = [counts]
    if "incidents" in counts:
        seen.append(connection.execute("SELECT sum(version) FROM incidents").fetchone()[0])
    if "settings" in counts:
        seen.append(connection.execute(
            "SELECT key, value FROM settings ORDER BY key").fetchall())
    return counts, hashlib.sha256(json.dumps(seen, default=str).encode()).hexdigest()


def recorded_facts(copy: Path) -> dict[str, Any] | None:
    """What was written beside a backup when it was taken; None when missing or unreadable."""
    try:
        facts = json.loads(facts_path(copy).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return facts if isinstance(facts, dict) else None


def problems(copy: Path) -> list[str]:
    """What is wrong with a backup now: damaged, or not what was recorded when it was
    taken (its digest or row counts); empty when it is whole."""
    found = integrity(copy)
    if found:
        return [f"damaged: {found[0]}"]
    recorded = recorded_facts(copy)
    if recorded is None:
        return ["its facts (.json beside it) are missing: it was never verified"]
    facts = facts_of(copy)
    if recorded.get("sha256") != facts.digest:
        return ["its content changed since it was taken (SHA-256 differs)"]
    if recorded.get("counts") != facts.counts:
        return ["its row counts differ from those recorded when it was taken"]
    return []


def restore(copy: Path, live: Path, aside: Path, *, in_place: bool = True) -> Path | None:
    """Put the data of ``copy`` in the database at ``live``.

    ``in_place``: through SQLite's backup into the live file, which other connections may
    hold open (they see the restored data). Otherwise, or when SQLite cannot open the live
    file as a database, the file is moved aside to ``aside`` with its -wal and -shm (a
    stale log must never be replayed onto the restored data) and the copy put in its place.
    Returns where the set-aside file went, if anywhere.
    """
    if in_place and live.exists():
        try:
            with closing(_read_only(copy, immutable=True)) as source, \
                    closing(sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)) as target:
                source.backup(target)
            return None
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StorageError(Problem.BUSY, f"the database file {live} is busy: "
                                   "another deskapp is writing to it; try again") from exc
        except sqlite3.DatabaseError:
            pass
    return _replace_file(copy, live, aside)


def _replace_file(copy: Path, live: Path, aside: Path) -> Path | None:
    moved = None
    unfinished = live.with_name(live.name + UNFINISHED)
    with open(copy, "rb") as source, open(unfinished, "wb") as written:
        while chunk := source.read(1 << 20):
            written.write(chunk)
        written.flush()
        os.fsync(written.fileno())
    for suffix in ("", "-wal", "-shm", "-journal"):
        stale = live.with_name(live.name + suffix)
        if stale.exists():
            os.replace(stale, aside.with_name(aside.name + suffix))
            moved = aside
    os.replace(unfinished, live)
    sync_folder(live.parent)
    return moved


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not possible on Windows, nor on some shares)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_json(path: Path, value: dict[str, Any]) -> None:
    unfinished = path.with_name(path.name + UNFINISHED)
    with open(unfinished, "w", encoding="utf-8") as written:
        json.dump(value, written, indent=1, sort_keys=True)
        written.flush()
        os.fsync(written.fileno())
    os.replace(unfinished, path)


def remove_unfinished(folder: Path, name_pattern: str) -> None:
    """What a copy interrupted by a crash or a kill left in ``folder`` (``name_pattern``:
    a glob of the copies' names, without the unfinished suffix)."""
    for stray in folder.glob(f"{name_pattern}{UNFINISHED}*"):
        stray.unlink(missing_ok=True)


def escape(name: str) -> str:
    return glob.escape(name)


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """sqlite3's errors about ``path`` as one StorageError."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            problem = Problem.BUSY
        elif "not a database" in text or "malformed" in text:
            problem = Problem.CORRUPT
        else:
            problem = Problem.CANNOT_OPEN
        raise StorageError(problem, f"the database file {path} cannot be copied: {text}"
                           ) from exc
