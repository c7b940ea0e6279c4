"""Database problems a person can act on (locked, read-only, full, corrupt, unreachable)."""

from __future__ import annotations

import errno
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key
from deskapp.storage.locks import ADVISORY_LOCK_SUBJECTS


class Problem(StrEnum):
    BUSY = "busy"
    READ_ONLY = "read-only"
    DISK_FULL = "disk full"
    CORRUPT = "corrupt"
    CANNOT_OPEN = "cannot open"
    NOT_DESKAPP = "not a deskapp database"
    NEWER_VERSION = "newer version"
    CANNOT_CONNECT = "cannot connect"
    DISK_ERROR = "disk error"
    MIGRATION_FAILED = "migration failed"


class StorageError(InputError):
    """A database problem the user can fix or wait out; ``problem`` says which kind."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def describe(database: str | URL | None) -> str:
    """Name a database for a message, never showing a password."""
    if database is None:
        return "the database"
    try:
        url = make_url(database)
    except ArgumentError:
        return f"the database {database}"
    if url.get_backend_name() == "sqlite":
        name = url.database or ":memory:"
        return f"the database file {name.removeprefix('file:')}"
    service = url.query.get("service")
    if isinstance(service, str) and not url.host and not url.database:
        return f"the PostgreSQL service {service}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    user = f" as {url.username}" if url.username else ""
    return f"the PostgreSQL database {url.database or '(default)'} on {where}{user}"


_SQLITE = [
    # (sqlite error name or message fragment, problem, what it means for the user)
    (("SQLITE_BUSY", "database is locked", "database table is locked", "database schema is locked"),
     Problem.BUSY,
     "is busy: another deskapp or program is writing to it; try again in a moment"),
    (("SQLITE_READONLY", "readonly database", "attempt to write a readonly"),
     Problem.READ_ONLY,
     "is read-only: deskapp needs write access to the file and its folder"),
    (("SQLITE_FULL", "database or disk is full"),
     Problem.DISK_FULL, "cannot grow: the disk is full; free some space and try again"),
    (("SQLITE_IOERR", "disk i/o error"),
     Problem.DISK_ERROR,
     "cannot be read or written: the disk reported an error (is it full, removed or "
     "failing?); free some space or check the disk, then try again"),
    (("could not decode to utf-8",),
     Problem.CORRUPT,
     "holds damaged text; restore it from a backup (deskapp keeps *.bak files beside it)"),
    (("SQLITE_NOTADB", "file is not a database"),
     Problem.CORRUPT, "is not an SQLite database file (or is encrypted or damaged)"),
    (("SQLITE_CORRUPT", "database disk image is malformed"),
     Problem.CORRUPT, "is damaged; restore it from a backup (deskapp keeps *.bak files beside it)"),
    (("SQLITE_CANTOPEN", "unable to open database file"),
     Problem.CANNOT_OPEN, "cannot be opened: check that its folder exists and is writable"),
    (("SQLITE_PERM", "access permission denied"),
     Problem.READ_ONLY, "cannot be opened: permission denied"),
]

# PostgreSQL SQLSTATEs: disk full, out of memory/resources, read-only transaction, lock timeout.
_POSTGRES_STATES = {
    "53100": (Problem.DISK_FULL, "cannot grow: the server's disk is full"),
    "25006": (Problem.READ_ONLY, "is read-only (a standby server or read-only transaction)"),
    "55P03": (Problem.BUSY, "is busy: a row is locked by another user; try again in a moment"),
    "57P03": (Problem.CANNOT_CONNECT, "is not accepting connections yet (starting up)"),
    "57014": (Problem.BUSY, "did not finish a query in time (its statement_timeout); nothing "
                            "was changed; try again"),
    "57P01": (Problem.CANNOT_CONNECT, "ended the connection (the server was restarted or an "
                                      "administrator ended it); nothing was changed; try again"),
    "57P02": (Problem.CANNOT_CONNECT, "ended the connection (the server crashed); nothing was "
                                      "changed; try again"),
    "25P03": (Problem.CANNOT_CONNECT, "ended the connection after it stayed inside a "
                                      "transaction for too long; nothing was changed; try "
                                      "again"),
}

# libpq's words for a password that is missing or wrong, and where deskapp expects it.
_PASSWORD_CLUES = ("no password supplied", "password authentication failed")
PASSWORD_HINT = ("give the password in ~/.pgpass (on Windows %APPDATA%\\postgresql\\"
                 "pgpass.conf), a service file (postgresql:///?service=NAME) or PGPASSWORD; "
                 "see docs/postgresql.md")


def lock_wait_error(database: str | URL | None, holders: Sequence[str], *,
                    relation: str | None = None, number: int | None = None,
                    lock: int | None = None) -> StorageError:
    """A write gave up waiting for another workstation's lock (PostgreSQL's lock_timeout):
    what was locked and, when the server could tell, by whom. Nothing was written."""
    by = f" (by {', '.join(holders)})" if holders else ""
    if number is not None:
        subject = f"{incident_key(number)} is being changed on another workstation{by}"
    elif relation == "incidents":
        subject = f"an incident is being changed on another workstation{by}"
    elif lock is not None and lock in ADVISORY_LOCK_SUBJECTS:
        subject = f"another workstation is {ADVISORY_LOCK_SUBJECTS[lock]}{by}"
    else:
        subject = f"{describe(database)} is busy: another workstation holds what this " \
                  f"changes{by}"
    return StorageError(Problem.BUSY, f"{subject}; try again")

_OS_ERRORS = {
    errno.EACCES: (Problem.READ_ONLY, "permission denied"),
    errno.EPERM: (Problem.READ_ONLY, "permission denied"),
    errno.EROFS: (Problem.READ_ONLY, "the file system is read-only"),
    errno.ENOSPC: (Problem.DISK_FULL, "the disk is full"),
    errno.EDQUOT: (Problem.DISK_FULL, "the disk quota is used up"),
}


def translate(exc: BaseException, database: str | URL | None = None) -> StorageError | None:
    """The StorageError for a database failure a user can act on, or None for a bug."""
    where = describe(database)
    if isinstance(exc, StorageError):
        return exc
    orig: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    if isinstance(orig, sqlite3.Error):
        return _from_sqlite(orig, where)
    if type(orig).__module__.startswith("psycopg"):
        return _from_postgres(orig, where, database)
    if isinstance(orig, OSError) and orig.errno in _OS_ERRORS:
        problem, reason = _OS_ERRORS[orig.errno]
        name = f" ({orig.filename})" if orig.filename else ""
        return StorageError(problem, f"cannot write {where}{name}: {reason}")
    return None


def _from_sqlite(exc: sqlite3.Error, where: str) -> StorageError | None:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    for clues, problem, meaning in _SQLITE:
        if any(name.startswith(clue) if clue.startswith("SQLITE_") else clue in text
               for clue in clues):
            return StorageError(problem, f"{where} {meaning}")
    return None


def _from_postgres(exc: BaseException, where: str,
                   database: str | URL | None) -> StorageError | None:
    state = getattr(exc, "sqlstate", None)
    if state in _POSTGRES_STATES:
        problem, meaning = _POSTGRES_STATES[state]
        return StorageError(problem, f"{where} {meaning}")
    if state is None and type(exc).__name__ == "OperationalError":
        # Connection failures carry no SQLSTATE; libpq's text says what went wrong.
        reason = _clean_reason(str(exc), database)
        if any(clue in reason for clue in _PASSWORD_CLUES):
            reason += f"; {PASSWORD_HINT}"
        return StorageError(Problem.CANNOT_CONNECT,
                            f"cannot connect to {where}: {reason}")
    return None


def _clean_reason(text: str, database: str | URL | None) -> str:
    reason = " ".join(line.strip() for line in text.splitlines() if line.strip())
    reason = reason.removeprefix("connection failed: ")
    reason = re.sub(r"password=\S+", "password=***", reason)
    if database is not None:
        try:
            password = make_url(database).password
        except ArgumentError:
            password = None
        if password:
            reason = reason.replace(str(password), "***")
    return reason


def damaged_row(what: str, exc: BaseException, database: str | URL | None = None
                ) -> StorageError:
    """A stored row that cannot be read back (damaged text, an unknown status or kind,
    malformed JSON or timestamp): ``what`` names it, e.g. "incident INC-7". A failure
    already told as a StorageError (a lock wait, say) is not damage: it is returned as is."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, DBAPIError | sqlite3.Error):
        known = translate(exc, database)
        if known is None:
            raise exc  # a bug, not damage
        if known.problem is not Problem.CORRUPT:
            return known
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    # The driver quotes the undecodable bytes after " with text": not worth showing.
    reason = reason.split(" with text ")[0][:200]
    return StorageError(
        Problem.CORRUPT,
        f"{what} cannot be read from {describe(database)}: its stored data is damaged "
        f"({reason}); restore the database from a backup (deskapp keeps *.bak files beside "
        "an SQLite file) or have it repaired")


# What decoding a damaged row raises: a value no enum has, JSON or a timestamp that does not
# parse (ValueError), a missing key or a wrong type; and the driver's own decoding errors.
ROW_ERRORS = (ValueError, KeyError, TypeError, DBAPIError, sqlite3.Error)


@contextmanager
def storage_errors(database: str | URL | None = None) -> Iterator[None]:
    """Re-raise database failures a user can act on as StorageError; others propagate."""
    try:
        yield
    except StorageError:
        raise
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        known = translate(exc, database)
        if known is None:
            raise
        raise known from exc
    except Exception as exc:
        # psycopg errors raised outside SQLAlchemy (e.g. from a raw driver connection).
        known = translate(exc, database) if type(exc).__module__.startswith("psycopg") else None
        if known is None:
            raise
        raise known from exc
