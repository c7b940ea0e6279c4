"""One open database: its engine, short transactions for reading and writing, and its name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from deskapp.storage.engine import open_engine, session_factory
from deskapp.storage.errors import describe, storage_errors
from deskapp.storage.migrate import upgrade


class Database:
    """The desk's database; every transaction is one of ``reading`` or ``writing``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.read_sessions: sessionmaker[Session] = session_factory(
            engine.execution_options(read_only=True))

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Database:
        """Connect, and (``migrate``) bring the schema to this version, creating it if new."""
        with storage_errors(url):
            engine = open_engine(url)
            try:
                if migrate:
                    upgrade(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def name(self) -> str:
        """The file, or the server's database, as a window title names it; no password."""
        url = self.engine.url
        return url.database or url.render_as_string(hide_password=True)

    def describe(self) -> str:
        """The database as a message names it ("the database file ..."), no password."""
        return describe(self.engine.url)

    def url_for_worker(self) -> str:
        """The URL another process of this desk opens (with its password, never shown)."""
        return self.engine.url.render_as_string(hide_password=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (on SQLite it takes the write lock at once)."""
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



def serialize(session: Session, lock: int) -> None:
    """Hold ``lock`` until the transaction ends, so two workstations take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
