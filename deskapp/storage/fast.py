"""The driver's own rows, where SQLAlchemy's would cost more than the query: the one home of
the store's raw fast paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring_ascii,
)
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from deskapp.storage.sqlite_reads import sqlite_instant


def first_column(connection: Connection, query: Select[Any]) -> list[Any]:
    """The first value of each row, as the driver gives it: for the thousands of plain ids
    of a queue, SQLAlchemy's rows would cost more than the query (PostgreSQL, 9,401 ids:
    14 ms through its rows, 8 ms without)."""
    result = connection.execute(query)
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def raw_rows(session: Session, statement: ClauseElement) -> list[Any]:
    """The driver's own rows for a statement with no parameters left to bind.

    A million events go through here in a full recomputation; SQLAlchemy's row objects and
    type processing would cost more than the clocks themselves (Python calls per 10,000
    incidents recomputed on PostgreSQL: 2.25 M fetched row by row, 1.66 M in one go).
    """
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    connection = session.connection().connection
    # PostgreSQL sends numbers and instants in binary, which neither end formats or parses.
    options = {"binary": True} if dialect.name == "postgresql" else {}
    cursor = connection.cursor(**options)
    cursor.execute(sql)
    return list(cursor.fetchall())  # in one go: psycopg fetches row by row when iterated


def sqlite_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]
                  ) -> None:
    """Insert ``rows`` into an SQLite ``table`` through one statement, each value made as
    its column type would make it: an import of 100,000 incidents, their million events and
    300,000 cached clocks spends 45 s in SQLAlchemy's processing of each value, 15 s so.
    Every column a row leaves out takes its server default (Python-side defaults are not
    applied: a row must carry each value that has none on the server)."""
    if rows:
        insert_sqlite_values(connection, table.name, *sqlite_values(table, rows))


def sqlite_values(table: Table, rows: Sequence[dict[str, Any]]
                  ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names ``rows`` fill in ``table`` and each row's values in their order,
    made as the column types make them for SQLite: plain text, numbers and None, which
    ``insert_sqlite_values`` writes (in this process or in another: ``marshal`` carries
    them)."""
    if not rows:
        return [], []
    names = [str(column.name) for column in table.columns if column.name in rows[0]]
    instant = sqlite_instants()
    made = [instant if kind == "UTCDateTime" else _SQLITE_VALUE.get(kind)
            for kind in (type(table.c[name].type).__name__ for name in names)]
    converted = [(index, make) for index, make in enumerate(made) if make is not None]
    values_of = itemgetter(*names)
    prepared = []
    for row in rows:
        values = list(values_of(row)) if len(names) > 1 else [values_of(row)]
        for index, make in converted:
            if values[index] is not None:
                values[index] = make(values[index])
        prepared.append(tuple(values))
    return names, prepared


def insert_sqlite_values(connection: Connection, table: str, names: Sequence[str],
                         values: Sequence[Sequence[Any]]) -> None:
    """Insert rows made by ``sqlite_values`` into the SQLite table named ``table`` in one
    statement."""
    if not values:
        return
    # The rows go in through a table of this connection's own, then in one statement: the
    # search index's triggers (FTS5) write out their pending words at the end of every
    # statement, so 100,565 events and 10,000 incidents went in in 2.88 s row by row, in
    # 0.89 s so.
    columns = ", ".join(names)
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE incoming AS SELECT {columns} FROM main.{table} WHERE 0")
    try:
        connection.exec_driver_sql(
            f"INSERT INTO temp.incoming VALUES ({', '.join('?' for _ in names)})",
            list(values))
        connection.exec_driver_sql(
            f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM temp.incoming")
    finally:
        connection.exec_driver_sql("DROP TABLE temp.incoming")


def sqlite_instants() -> Callable[[datetime], str]:
    """A maker of instants as SQLite keeps them (``models.UTCDateTime``), which remembers
    those it made: many rows share an instant."""
    made: dict[datetime, str] = {}

    def instant(moment: datetime) -> str:
        text = made.get(moment)
        if text is None:
            text = made[moment] = sqlite_instant(moment)
        return text

    return instant


def _json_encoder() -> Callable[[Any], str]:
    # json.dumps builds its C encoder again for every value: an import's million timeline
    # entries' data took 0.48 s per 200,000 so, 0.23 s through one encoder made once.
    if c_make_encoder is None:  # a Python without the json module's C part
        return json.dumps
    # No check for cycles: a value read from JSON holds none.
    encode = c_make_encoder(None, json.JSONEncoder().default, encode_basestring_ascii, None,
                            ": ", ", ", False, False, True)

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


sqlite_json: Callable[[Any], str] = _json_encoder()
"""A value as SQLAlchemy's JSON type keeps it (``json.dumps`` with its defaults)."""

# How the other column types keep a value in SQLite (an instant: ``sqlite_instants``).
_SQLITE_VALUE: dict[str, Any] = {"JSON": sqlite_json, "Boolean": int}
