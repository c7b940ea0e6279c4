"""A write on PostgreSQL never waits forever behind another workstation's lock: it gives up
after the lock timeout with one message naming the incident and who holds it, and writes
nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from deskapp.app.desk import Desk
from deskapp.core.lifecycle import ResolutionType
from deskapp.storage.errors import Problem, StorageError, lock_wait_error
from deskapp.storage.locks import AGREEMENTS_LOCK, MIGRATION_LOCK, NUMBERING_LOCK
from tests.app.support import draft, open_desk, snapshot, start_clock

pytestmark = pytest.mark.slow

# A short wait keeps the tests quick; the default is a few seconds.
SHORT_WAIT = "options=" + quote("-c lock_timeout=1s")


def _psycopg(url: str, **settings: object):  # type: ignore[no-untyped-def]
    """A plain connection of another workstation, named as its application."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                           dbname=parsed.database, application_name="deskapp bob@ws-7",
                           **settings)


@pytest.fixture
def desk(pg_url: str) -> Iterator[Desk]:
    opened = open_desk(f"{pg_url}?{SHORT_WAIT}", start_clock())
    try:
        yield opened
    finally:
        opened.shutdown()


def test_sessions_get_timeouts_and_keepalives(pg_url: str) -> None:
    opened = open_desk(pg_url, start_clock())
    try:
        with opened.reading() as session:
            shown = {name: session.connection().exec_driver_sql(f"SHOW {name}").scalar_one()
                     for name in ("lock_timeout", "statement_timeout",
                                  "idle_in_transaction_session_timeout", "application_name")}
            raw = session.connection().connection.driver_connection
            params = raw.info.get_parameters()  # type: ignore[union-attr]
        assert shown["lock_timeout"] == "5s"
        assert shown["statement_timeout"] == "5min"
        assert shown["idle_in_transaction_session_timeout"] == "2min"
        assert shown["application_name"].startswith("deskapp ")
        assert params["keepalives"] == "1"
        assert int(params["keepalives_idle"]) > 0
    finally:
        opened.shutdown()


def test_settings_given_in_the_url_or_by_the_server_win(pg_url: str) -> None:
    opened = open_desk(f"{pg_url}?{SHORT_WAIT}&application_name=front+desk", start_clock())
    try:
        with opened.reading() as session:
            run = session.connection().exec_driver_sql
            assert run("SHOW lock_timeout").scalar_one() == "1s"
            assert run("SHOW application_name").scalar_one() == "front desk"
            assert run("SHOW statement_timeout").scalar_one() == "5min"
    finally:
        opened.shutdown()


def test_a_write_behind_a_row_lock_gives_up_with_a_message(desk: Desk, pg_url: str) -> None:
    key = desk.log(draft(), author="ana").incident.key
    before = snapshot(desk, key)
    with _psycopg(pg_url) as other:
        other.execute("SELECT * FROM incidents WHERE number = 1 FOR UPDATE")
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            desk.comment(key, "Ana's note", author="ana")
        waited = time.monotonic() - started
    assert waited < 4
    assert caught.value.problem is Problem.BUSY
    assert str(caught.value).startswith(
        "INC-000001 is being changed on another workstation (by deskapp bob@ws-7")
    assert str(caught.value).endswith("; try again")
    assert snapshot(desk, key) == before


def test_a_write_behind_an_open_update_gives_up_with_a_message(desk: Desk,
                                                               pg_url: str) -> None:
    key = desk.log(draft(), author="ana").incident.key
    before = snapshot(desk, key)
    with _psycopg(pg_url) as other:
        other.execute("UPDATE incidents SET title = 'Renamed' WHERE number = 1")
        with pytest.raises(StorageError, match=r"^INC-000001 is being changed on another "
                                               r"workstation \(by deskapp bob@ws-7"):
            desk.resolve(key, ResolutionType.ANSWER, author="ana")
        other.rollback()
    assert snapshot(desk, key) == before


def test_the_default_wait_is_a_few_seconds(pg_url: str) -> None:
    opened = open_desk(pg_url, start_clock())
    try:
        key = opened.log(draft(), author="ana").incident.key
        with _psycopg(pg_url) as other:
            other.execute("SELECT * FROM incidents WHERE number = 1 FOR UPDATE")
            started = time.monotonic()
            with pytest.raises(StorageError, match="is being changed on another workstation"):
                opened.comment(key, "Ana's note", author="ana")
            assert time.monotonic() - started < 8
    finally:
        opened.shutdown()


def test_logging_behind_the_numbering_lock_gives_up_with_a_message(desk: Desk,
                                                                   pg_url: str) -> None:
    desk.log(draft(), author="ana")
    before = snapshot(desk)
    with _psycopg(pg_url) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (NUMBERING_LOCK,))
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            desk.log(draft(title="Second"), author="ana")
        assert time.monotonic() - started < 4
    assert caught.value.problem is Problem.BUSY
    assert str(caught.value).startswith(
        "another workstation is logging an incident (by deskapp bob@ws-7")
    assert str(caught.value).endswith("; try again")
    assert snapshot(desk) == before


@pytest.mark.parametrize(("lock", "doing"), [
    (NUMBERING_LOCK, "logging an incident"),
    (AGREEMENTS_LOCK, "storing the agreements"),
    (MIGRATION_LOCK, "upgrading the database"),
])
def test_each_advisory_lock_says_what_its_holder_is_doing(lock: int, doing: str) -> None:
    message = str(lock_wait_error(None, ["deskapp ana@ws-1 from 10.0.0.5"], lock=lock))
    assert message == f"another workstation is {doing} (by deskapp ana@ws-1 from 10.0.0.5); " \
                      "try again"
