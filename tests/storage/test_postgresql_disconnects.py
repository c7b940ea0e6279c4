"""A PostgreSQL connection the server ended: reads go on over a new one, a write that was
under way gets one clear message (never a traceback) and leaves nothing behind."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from deskapp.app.desk import Desk
from deskapp.storage.errors import Problem, StorageError
from tests.app.support import draft, open_desk, snapshot, start_clock
from tests.pg import _admin

pytestmark = pytest.mark.slow


@pytest.fixture
def desk(pg_url: str) -> Iterator[Desk]:
    opened = open_desk(pg_url, start_clock())
    try:
        yield opened
    finally:
        opened.shutdown()


def _pooled_backend(desk: Desk) -> int:
    with desk.reading() as session:
        pid: int = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _terminate(url: str, pid: int) -> None:
    with _admin(url) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,)).fetchone()[0]
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                            (pid,)).fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.05)


def test_a_read_after_the_server_ended_the_pooled_connection_succeeds(desk: Desk,
                                                                      pg_url: str) -> None:
    key = desk.log(draft(), author="ana").incident.key
    dropped = _pooled_backend(desk)
    _terminate(pg_url, dropped)
    assert desk.show(key).title == "Orders will not save"
    assert _pooled_backend(desk) != dropped


def test_a_write_after_the_server_ended_the_pooled_connection_succeeds(desk: Desk,
                                                                       pg_url: str) -> None:
    key = desk.log(draft(), author="ana").incident.key
    _terminate(pg_url, _pooled_backend(desk))
    desk.comment(key, "Ana's note", author="ana")
    assert desk.show(key).events[-1].data["text"] == "Ana's note"


def test_a_write_whose_connection_ends_mid_transaction_gets_a_message(desk: Desk,
                                                                      pg_url: str) -> None:
    key = desk.log(draft(), author="ana").incident.key
    before = snapshot(desk, key)
    with pytest.raises(StorageError) as caught, desk.writing() as session:
        session.execute(text("UPDATE incidents SET title = 'Renamed' WHERE number = 1"))
        _terminate(pg_url, session.execute(text("SELECT pg_backend_pid()")).scalar_one())
        session.execute(text("UPDATE incidents SET contact = 'x' WHERE number = 1"))
    assert caught.value.problem is Problem.CANNOT_CONNECT
    message = str(caught.value)
    assert message.startswith("the PostgreSQL database ")
    assert "ended the connection" in message
    assert "nothing was changed; try again" in message
    assert snapshot(desk, key) == before
