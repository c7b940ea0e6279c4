"""The search finds incidents through the database's full-text index of their words: every
typed word, in any order, at the start of a word of any field or timeline entry."""

from __future__ import annotations

import io
from typing import Any

from alembic import command
from sqlalchemy import event

from deskapp.app import transfer
from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter
from deskapp.storage import migrate
from tests.app.support import draft, open_desk


def found(desk: Desk, words: str, **wanted: Any) -> list[str]:
    return [row.title for row in desk.queue(QueueFilter(text=words, **wanted))]


def test_words_in_any_order_at_the_start_of_words(desk: Desk) -> None:
    desk.log(draft(title="Customs entry rejected", description="Filing for ACE-771 fails"),
             author="ana")
    desk.log(draft(title="Label printer jams", reporter="Dana Whitfield",
                   contact="dana@example.com", vendor_ref="TKT-42"), author="ana")
    assert found(desk, "rejected customs") == ["Customs entry rejected"]
    assert found(desk, "REJ cust") == ["Customs entry rejected"]  # prefixes, any case
    assert found(desk, "ace-77") == ["Customs entry rejected"]  # words in a row, last a prefix
    assert found(desk, "77-ace") == []  # ... in that order
    assert found(desk, "jected") == []  # inside a word: no
    assert found(desk, "example.com whitfield") == ["Label printer jams"]
    assert found(desk, "tkt 42") == ["Label printer jams"]
    assert found(desk, "printer customs") == []  # every word in one incident
    assert found(desk, "services jams") == ["Label printer jams"]  # the product's name


def test_the_index_follows_edits_and_the_timeline(desk: Desk) -> None:
    key = desk.log(draft(title="Orders will not save"), author="ana").incident.key
    desk.comment(key, "Customer mentions the Rotterdam warehouse", author="ana")
    desk.update_fields(key, title="Invoices will not post", author="ana")
    assert found(desk, "rotterdam invoices") == ["Invoices will not post"]
    assert found(desk, "orders") == []
    desk.comment(key, "Second note: Antwerp too", author="ana")
    assert found(desk, "antwerp rotterdam") == ["Invoices will not post"]


def test_an_upgraded_database_indexes_what_it_already_held(desk: Desk) -> None:
    key = desk.log(draft(title="Orders will not save"), author="ana").incident.key
    desk.comment(key, "Seen at the Rotterdam warehouse", author="ana")
    config = migrate.alembic_config()
    engine = desk.database.engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":  # as an upgrade does: tables are copied
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = OFF")
        config.attributes["connection"] = connection
        with connection.begin():
            command.downgrade(config, "0003")
        if engine.dialect.name == "sqlite":
            raw.execute("PRAGMA foreign_keys = ON")
        assert "incident_words" not in set(connection.dialect.get_table_names(connection))
    migrate.upgrade(engine)
    assert found(desk, "rotterdam orders") == ["Orders will not save"]


def test_the_search_reads_the_index(desk: Desk) -> None:
    desk.log(draft(title="Orders will not save"), author="ana")
    engine = desk.database.engine
    captured: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        captured.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert found(desk, "orders") == ["Orders will not save"]
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    searched = next(s for s in captured if "incident_words" in s)
    assert " LIKE " not in searched.upper()


def test_punctuation_alone_is_looked_for_as_text(desk: Desk) -> None:
    desk.log(draft(title="Only 100% of labels print"), author="ana")
    desk.log(draft(title="Nothing here — or “here”"), author="ana")
    assert found(desk, "%") == ["Only 100% of labels print"]
    assert found(desk, "—") == ["Nothing here — or “here”"]
    assert found(desk, "“here”") == ["Nothing here — or “here”"]
    assert found(desk, "_") == []
    assert found(desk, "100% labels") == ["Only 100% of labels print"]


def test_incidents_imported_in_bulk_are_found(desk: Desk, tmp_path: Any) -> None:
    key = desk.log(draft(title="Orders will not save"), author="ana").incident.key
    desk.comment(key, "Seen at the Rotterdam warehouse", author="ana")
    desk.log(draft(title="Label printer jams"), author="ana")
    exported = io.StringIO()
    transfer.export_json(desk, exported)
    other = open_desk(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        transfer.import_json(other, exported.getvalue().encode())
        assert found(other, "rotterdam orders") == ["Orders will not save"]
        assert found(other, "printer") == ["Label printer jams"]
        assert found(other, "antwerp") == []
    finally:
        other.shutdown()
