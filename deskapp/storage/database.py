"""One open database: its engine, short transactions for reading and writing, and its name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from deskapp.storage.engine import (
    is_read_only,
    open_engine,
    read_only_url,
    session_factory,
    sqlite_path,
)
from deskapp.storage.errors import Problem, StorageError, describe, storage_errors
from deskapp.storage.migrate import (
    DESKAPP_TABLE,
    UpgradeResult,
    current_revision,
    head_revision,
    shipped_revisions,
    upgrade,
)


class Database:
    """The desk's database; every transaction is one of ``reading`` or ``writing``."""

    def __init__(self, engine: Engine, upgraded: UpgradeResult | None = None) -> None:
        self.engine = engine
        # What opening it migrated, if anything.
        self.upgraded = upgraded
        # Opened read-only (see ``engine.read_only_url``): the connection itself cannot
        # write, and ``writing`` refuses before it tries.
        self.read_only = is_read_only(engine.url)
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.read_sessions: sessionmaker[Session] = session_factory(
            engine.execution_options(read_only=True))

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, read_only: bool = False) -> Database:
        """Connect, and (``migrate``) bring the schema to this version, creating it if new.

        ``read_only`` (or a read-only URL): an existing database whose schema is this
        version's, opened so that nothing can be written; never created nor migrated."""
        if read_only or is_read_only(url):
            url = read_only_url(url)
        upgraded = None
        with storage_errors(url):
            engine = open_engine(url)
            try:
                if is_read_only(engine.url):
                    _check_readable(engine)
                elif migrate:
                    upgraded = upgrade(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine, upgraded)

    @property
    def migrated(self) -> bool:
        """Whether opening it brought an existing database to this version's schema (whose
        clock cache may keep more than the older one's)."""
        return (self.upgraded is not None and self.upgraded.before is not None
                and self.upgraded.changed)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def name(self) -> str:
        """The file, or the server's database, as a window title names it; no password."""
        url = self.engine.url
        path = sqlite_path(self.engine)
        if path is not None:
            return str(path)
        return url.database or url.render_as_string(hide_password=True)

    def describe(self) -> str:
        """The database as a message names it ("the database file ..."), no password."""
        return _described(self.engine)

    def url_for_worker(self) -> str:
        """The URL another process of this desk opens (with its password, never shown)."""
        return self.engine.url.render_as_string(hide_password=False)

    def refuse_if_read_only(self) -> None:
        """Raise the one message for a write to a database opened read-only."""
        if self.read_only:
            raise StorageError(Problem.READ_ONLY,
                               f"{self.describe()} is open read-only: nothing can be changed "
                               "in it (open it normally to work in it)")

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (on SQLite it takes the write lock at once)."""
        self.refuse_if_read_only()
        with storage_errors(self.engine.url), self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: it never waits for, nor holds up, a writer."""
        with storage_errors(self.engine.url), self.read_sessions() as session, \
                session.begin():
            yield session

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()


def _check_readable(engine: Engine) -> None:
    """A database opened read-only holds this version's schema: it cannot be created nor
    migrated, so anything else is one message."""
    where = _described(engine)
    revision = current_revision(engine)
    head = head_revision()
    if revision == head:
        return
    known = revision in shipped_revisions()
    if revision is None or (not known and not _has_incidents(engine)):
        raise StorageError(Problem.NOT_DESKAPP,
                           f"{where} is not a deskapp database (it is empty or another "
                           "program's): there is nothing to show")
    if not known:
        raise StorageError(Problem.NEWER_VERSION,
                           f"{where} was made by a newer deskapp (schema {revision}); "
                           "update deskapp to open it")
    raise StorageError(Problem.READ_ONLY,
                       f"{where} was made by an older deskapp (schema {revision}, this one "
                       f"reads {head}) and a database opened read-only is not brought up to "
                       "date: open a copy of it without read-only, which migrates the copy")


def _described(engine: Engine) -> str:
    """As ``errors.describe``, with a file named by its path, not by its ``file:`` URI."""
    path = sqlite_path(engine)
    return f"the database file {path}" if path is not None else describe(engine.url)


def _has_incidents(engine: Engine) -> bool:
    with engine.connect() as connection:
        return inspect(connection).has_table(DESKAPP_TABLE)


def serialize(session: Session, lock: int) -> None:
    """Hold ``lock`` until the transaction ends, so two workstations take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
