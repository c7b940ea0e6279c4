"""A report's reading: its queries on the transaction's one connection, answered in the order
asked, read ahead in a thread of their own or each when asked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from deskapp.storage.compliance import Later, Reading


@pytest.mark.parametrize("ahead", [True, False])
def test_answers_come_in_order_and_a_failed_query_fails_where_it_is_read(
        migrated: Engine, ahead: bool) -> None:
    caller = threading.get_ident()
    threads: list[int] = []

    def query(sql: str) -> Callable[[Connection], Any]:
        def run(connection: Connection) -> Any:
            threads.append(threading.get_ident())
            return connection.execute(text(sql)).scalar()
        return run

    with Session(migrated) as session, session.begin():
        with Reading(session, ahead=ahead) as reading:
            first = Later(reading.ask(query("SELECT count(*) FROM incidents")), int)
            second = Later(reading.ask(query("SELECT 2")), str)
            failing = Later(reading.ask(query("SELECT no_column FROM no_table")), int)
            assert first.get() == 0
            assert second.get() == "2"
            with pytest.raises(SQLAlchemyError, match="no_table"):
                failing.get()
        # Ahead, every query ran in the reading's own thread; else in the caller's.
        assert len(threads) == 3
        assert all((thread != caller) == ahead for thread in threads)
