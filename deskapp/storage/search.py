"""The full-text search of incidents: each typed word found through the database's index of
an incident's words (db/versions/0004: SQLite FTS5, PostgreSQL ``tsvector``), every word in
any order.

A word of punctuation only ("%") has no indexed word: it is looked for as literal text in
the incident's fields and timeline, which reads every row (such searches are rare)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)

from deskapp.core.queue import search_tokens
from deskapp.storage.models import Incident, IncidentEvent, Product
from deskapp.storage.sqlite_reads import fts5_query

# The index's tables are the database's own (kept by triggers, not by the models): schema
# comparisons leave them out. SQLite's FTS5 keeps its data in shadow tables named after it.
INDEX_TABLE = "incident_words"

_SQLITE_INDEX = table(INDEX_TABLE, column("incident_id", Integer))
_POSTGRESQL_INDEX = table(INDEX_TABLE, column("incident_id", Integer), column("words"))


# The triggers that index each new incident and timeline entry (db/versions/0004), and how
# each reads: "... AFTER INSERT ON table [WHEN condition] BEGIN INSERT INTO index(columns)
# VALUES (values); END".
_INSERT_TRIGGERS = ("incident_words_logged", "incident_words_written")
_INSERT_TRIGGER = re.compile(
    r"AFTER INSERT ON (?P<table>\w+)\s+(?:WHEN (?P<when>.+?)\s+)?BEGIN\s+"
    r"(?P<insert>INSERT INTO \w+\s*\([\w\s,]+\))\s*VALUES\s*\((?P<values>.+)\);\s*END\s*$",
    re.DOTALL | re.IGNORECASE)


@contextmanager
def words_indexed_in_bulk(connection: Connection) -> Iterator[Callable[[], None]]:
    """In an SQLite write transaction: the incidents and timeline entries inserted in the
    block get their words indexed when the function it gives is called (and at its end),
    one statement a table for all the rows inserted since, instead of by the triggers as
    each statement ends (20,000 incidents written 2,000 at a time: 2.0 s of inserts with the
    triggers, 1.1 s without and 0.6 s to index them).

    The index's rows are the triggers' own: their statement, made to read every row
    inserted since. A trigger not of that shape (a later schema) is left to do its work."""
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
        _INSERT_TRIGGERS).all() if connection.dialect.name == "sqlite" else []
    shapes = [(name, sql, _INSERT_TRIGGER.search(sql)) for name, sql in triggers]
    bulk = [(name, sql, shape) for name, sql, shape in shapes if shape is not None]
    if len(bulk) != len(_INSERT_TRIGGERS):
        yield lambda: None
        return
    indexing: list[tuple[str, str, list[int]]] = []
    for name, _, shape in bulk:
        table = shape["table"]
        condition = f" AND ({shape['when']})" if shape["when"] else ""
        # The trigger's "new" is each row inserted since.
        indexing.append((f"{shape['insert']} SELECT {shape['values']} FROM main.{table} AS new"
                         f" WHERE new.rowid >= ?{condition}", table, [_next_rowid(
                             connection, table)]))
        connection.exec_driver_sql(f"DROP TRIGGER {name}")

    def index() -> None:
        for statement, table, since in indexing:
            connection.exec_driver_sql(statement, (since[0],))
            since[0] = _next_rowid(connection, table)

    try:
        yield index
        index()
    finally:
        for _, sql, _ in bulk:
            connection.exec_driver_sql(sql)


def _next_rowid(connection: Connection, table: str) -> int:
    return int(connection.exec_driver_sql(
        f"SELECT coalesce(max(rowid), 0) + 1 FROM main.{table}").scalar_one())


def is_index_table(name: str | None) -> bool:
    """Whether ``name`` is the search index's or one of its shadow tables."""
    return name is not None and (name == INDEX_TABLE or name.startswith(INDEX_TABLE + "_"))


def tsquery(words: list[str]) -> str:
    """The same query in PostgreSQL's ``to_tsquery`` syntax: ``'ace' <-> '77':*``."""
    phrases = []
    for word in words:
        quoted = [f"'{token}'" for token in search_tokens(word)]
        quoted[-1] += ":*"
        phrases.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(phrases)


def matches_every_word(words: list[str], number: int | None, dialect: str
                       ) -> ColumnElement[bool]:
    """Each word somewhere in the incident (a text field, its product's name, or the text
    of an entry of its timeline), in any order; or, for one word, the incident it names."""
    every: list[ColumnElement[bool]] = []
    indexed = [word for word in words if search_tokens(word)]
    if dialect == "sqlite":  # the words of one field or one entry each: a lookup a word
        every += [Incident.id.in_(select(_SQLITE_INDEX.c.incident_id).where(
            literal_column(INDEX_TABLE).op("MATCH")(fts5_query(word)))) for word in indexed]
    elif indexed:  # all of an incident's words together: one lookup
        every.append(Incident.id.in_(select(_POSTGRESQL_INDEX.c.incident_id).where(
            _POSTGRESQL_INDEX.c.words.op("@@")(func.to_tsquery("simple", tsquery(indexed))))))
    every += [_literally(word) for word in words if word not in indexed]
    if number is not None and len(words) == 1:
        return or_(Incident.number == number, *every)
    return and_(*every)


_PRODUCT_NAME = select(Product.name).where(Product.id == Incident.product_id).scalar_subquery()
_SEARCHED = (Incident.title, Incident.description, Incident.reporter, Incident.contact,
             Incident.vendor_ref, _PRODUCT_NAME)


def _literally(word: str) -> ColumnElement[bool]:
    # Literal text: a % or _ typed by the agent matches itself, not "anything".
    found: list[ColumnElement[bool]] = [
        field.icontains(word, autoescape=True) for field in _SEARCHED]
    found.append(exists().where(
        IncidentEvent.incident_id == Incident.id,
        IncidentEvent.data["text"].as_string().icontains(word, autoescape=True)))
    return or_(*found)
