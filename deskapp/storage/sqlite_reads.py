"""An SQLite file of this deskapp's schema read with Python's own driver, for the commands
that read one thing and end (``incident show``, ``incident list``): such a command has
0.3 s, and importing SQLAlchemy alone takes 0.25 s of them (``sqlite3`` 0.01 s).

The statements are the SQLite form of the desk's own reads (``records.read_record``,
``timelines.timeline``, ``queue.queue_ids`` and ``queue.queue_lines``), which remain the
reference: tests/storage/test_sqlite_reads.py compares the two for every view, filter and
sort. Anything unusual (another schema, a busy or damaged file, a value that does not read)
is ``Unreadable``: the command then opens the desk the usual way, which migrates the file or
names the problem."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deskapp.core.lifecycle import Event, EventKind, Status
from deskapp.core.queue import (
    QueueFilter,
    SortKey,
    View,
    due_bounds,
    next_due_bands,
    search_tokens,
    search_words,
)
from deskapp.paths import migrations_dir
from deskapp.storage.clock_cache import INSTANT_FIELDS, CachedClock
from deskapp.storage.incident_record import INSTANTS, IncidentRecord, QueueLine
from deskapp.storage.revisions import head_of, shipped_revisions

# The rows of a query's IN list at a time (SQLite allows 32,766 parameters; the desk's
# own reads take the same chunks).
_CHUNK = 500


class Unreadable(Exception):
    """The file cannot be read this way; the desk's usual opening can say why."""


def sqlite_instant(moment: datetime) -> str:
    """How ``models.UTCDateTime`` keeps an instant in SQLite: its UTC wall time as text."""
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def instant(text: str) -> datetime:
    """An instant kept by ``models.UTCDateTime``, read back."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def maybe_instant(text: str | None) -> datetime | None:
    return None if text is None else instant(text)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """One read-only transaction on ``path`` when its schema is this deskapp's (every read
    inside sees the same moment of the file); ``Unreadable`` otherwise."""
    if not path.is_file():
        raise Unreadable(f"no file {path}")
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5,
                                     isolation_level=None)
    except sqlite3.Error as exc:
        raise Unreadable(str(exc)) from exc
    with closing(connection):
        try:
            connection.execute("BEGIN")
            stored = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if stored != [(head_of(shipped_revisions(migrations_dir())),)]:
                raise Unreadable(f"schema {stored} is not this deskapp's")
            yield connection
        except sqlite3.Error as exc:
            raise Unreadable(str(exc)) from exc


@contextmanager
def _reads() -> Iterator[None]:
    """A read that fails (a busy file) or a stored value this reading does not understand
    (a damaged row) is ``Unreadable``: the desk's own reading waits or names the problem."""
    try:
        yield
    except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
        raise Unreadable(str(exc)) from exc


def settings(connection: sqlite3.Connection) -> dict[str, str]:
    with _reads():
        return dict(connection.execute("SELECT key, value FROM settings").fetchall())


_RECORD = """
SELECT i.*, v.key AS vendor_key, v.name AS vendor_name, p.name AS product_name,
       a.name AS assignee_name
FROM incidents AS i JOIN vendors AS v ON v.id = i.vendor_id
JOIN products AS p ON p.id = i.product_id LEFT JOIN users AS a ON a.id = i.assignee_id
WHERE i.number = ?
"""


def read_record(connection: sqlite3.Connection, number: int) -> IncidentRecord | None:
    """Incident ``number`` with the names of its vendor, product and assignee."""
    with _reads():
        cursor = connection.execute(_RECORD, (number,))
        row = cursor.fetchone()
        if row is None:
            return None
        values = dict(zip((column[0] for column in cursor.description), row, strict=True))
        for name in INSTANTS:
            values[name] = maybe_instant(values[name])
        values["is_open"] = bool(values["is_open"])
        record = IncidentRecord(**values)
        Status(record.status)
    return record


def timeline(connection: sqlite3.Connection, incident_id: int) -> list[Event]:
    """The incident's events in the order they happened."""
    with _reads():
        rows = connection.execute(
            "SELECT kind, at, author, data FROM incident_events WHERE incident_id = ? "
            "ORDER BY at, seq", (incident_id,))
        return [Event(EventKind(kind), instant(at), author, json.loads(data))
                for kind, at, author, data in rows]


# ----- the queue ----------------------------------------------------------------------------

_ON_INCIDENT = {
    SortKey.KEY: "i.number", SortKey.SEVERITY: "i.severity", SortKey.TIER: "i.tier",
    SortKey.STATUS: "i.status", SortKey.TITLE: "i.title", SortKey.REPORTED: "i.reported_at"}


class _Query:
    """A SELECT of incident ids: its joins and conditions, each with its parameters."""

    def __init__(self) -> None:
        self.joins: list[str] = []
        self.join_parameters: list[Any] = []
        self.where: list[str] = []
        self.where_parameters: list[Any] = []

    def join(self, clause: str, *parameters: Any) -> None:
        self.joins.append(clause)
        self.join_parameters += parameters

    def add(self, condition: str, *parameters: Any) -> None:
        self.where.append(condition)
        self.where_parameters += parameters

    def ids(self, connection: sqlite3.Connection, order: str, limit: int | None,
            band: Sequence[tuple[str, Any]] = ()) -> list[int]:
        """The ids, in ``order``, with the ``band``'s conditions and parameters added."""
        where = " AND ".join([*self.where, *(condition for condition, _ in band)]) or "1"
        parameters = [*self.join_parameters, *self.where_parameters,
                      *(value for _, value in band if value is not None),
                      -1 if limit is None else limit]
        sql = (f"SELECT i.id FROM incidents AS i {' '.join(self.joins)} WHERE {where} "
               f"ORDER BY {order} LIMIT ?")
        return [row[0] for row in connection.execute(sql, parameters)]


def queue_ids(connection: sqlite3.Connection, wanted: QueueFilter, now: datetime, *,
              me: str, office_zone: ZoneInfo, number: int | None,
              waiting_versions: Sequence[int] = ()) -> list[int]:
    """The ids of a view's incidents in queue order (as ``queue.queue_ids``)."""
    with _reads():
        return _queue_ids(connection, wanted, now, me=me, office_zone=office_zone,
                          number=number, waiting_versions=waiting_versions)


def _queue_ids(connection: sqlite3.Connection, wanted: QueueFilter, now: datetime, *,
               me: str, office_zone: ZoneInfo, number: int | None,
               waiting_versions: Sequence[int]) -> list[int]:
    query = _filtered(wanted, now, me=me, office_zone=office_zone, number=number,
                      waiting_versions=waiting_versions)
    view, limit = wanted.view, wanted.limit
    if wanted.sort is not None:
        column = _sort_column(query, wanted.sort)
        way = "DESC" if wanted.descending else "ASC"
        return query.ids(connection, f"{column} {way} NULLS LAST, i.number {way}", limit)
    if view is View.CLOSED or (wanted.everywhere and search_words(wanted.text)):
        return query.ids(connection, "i.updated_at DESC, i.number DESC", limit)
    if view is View.WAITING_FOR_DOCUMENTATION:
        return query.ids(connection, "i.reported_at, i.id", limit)
    found: list[int] = []
    for band in next_due_bands(view, now):
        conditions: list[tuple[str, Any]] = []
        if band.no_due:
            conditions.append(("i.next_due_at IS NULL", None))
        if band.after is not None:
            conditions.append(("i.next_due_at > ?", sqlite_instant(band.after)))
        if band.until is not None:
            conditions.append(("i.next_due_at <= ?", sqlite_instant(band.until)))
        order = ("i.next_due_at DESC, i.id DESC" if band.newest_first
                 else "i.next_due_at, i.id")
        found += query.ids(connection, order, None if limit is None else limit - len(found),
                           conditions)
        if limit is not None and len(found) >= limit:
            break
    return found


def _sort_column(query: _Query, key: SortKey) -> str:
    """The column ``key`` sorts by, joined to ``query`` when it is not the incident's."""
    if key in _ON_INCIDENT:
        return _ON_INCIDENT[key]
    if key is SortKey.VENDOR:
        query.join("JOIN vendors AS sv ON sv.id = i.vendor_id")
        return "sv.key"
    if key is SortKey.PRODUCT:
        query.join("JOIN products AS sp ON sp.id = i.product_id")
        return "sp.name"
    if key is SortKey.ASSIGNEE:
        query.join("LEFT JOIN users AS su ON su.id = i.assignee_id")
        return "su.name"
    query.join("LEFT JOIN target_clocks AS sc ON sc.incident_id = i.id AND sc.metric = ?",
               key.value)  # a metric: its target's due time
    return "sc.due_at"


def _filtered(wanted: QueueFilter, now: datetime, *, me: str, office_zone: ZoneInfo,
              number: int | None, waiting_versions: Sequence[int]) -> _Query:
    """The incidents a view and its filters keep (as ``queue._filtered``)."""
    query = _Query()
    view = wanted.view
    words = search_words(wanted.text)
    if wanted.everywhere and words:
        _matching(query, words, number)  # open and closed alike
        return query
    query.add("i.is_open = ?", 0 if view is View.CLOSED else 1)
    if view is View.MY_OPEN:
        query.join("JOIN users AS me ON me.id = i.assignee_id AND me.name = ?", me)
    elif view is View.PAUSED:
        query.add("i.status = ?", Status.WAITING_ON_CUSTOMER.value)
    elif view is View.WAITING_FOR_DOCUMENTATION:
        marks = ", ".join("?" * len(waiting_versions))
        query.add(f"i.documentation_complete_at IS NULL AND i.agreement_version_id IN "
                  f"({marks})", *waiting_versions)
    for bound in due_bounds(wanted, now, office_zone):
        query.add(f"i.next_due_at {bound.op} ?", sqlite_instant(bound.at))
    if wanted.vendor:
        query.join("JOIN vendors AS v ON v.id = i.vendor_id AND v.key = ?", wanted.vendor)
    if wanted.severity:
        query.add("i.severity = ?", wanted.severity)
    if wanted.tier:
        query.add("i.tier = ?", wanted.tier)
    if wanted.status is not None:
        query.add("i.status = ?", wanted.status.value)
    if wanted.assignee:
        query.join("JOIN users AS who ON who.id = i.assignee_id AND who.name = ?",
                   wanted.assignee)
    if words:
        _matching(query, words, number)
    return query


def fts5_query(word: str) -> str:
    """An FTS5 query for one typed word: its indexed words as a phrase, the last one a
    prefix (``"ace 77"*``). Tokens hold no quote (see ``search_tokens``): no escaping."""
    return '"' + " ".join(search_tokens(word)) + '"*'


_LITERAL_FIELDS = ("i.title", "i.description", "i.reporter", "i.contact", "i.vendor_ref",
                   "(SELECT name FROM products WHERE products.id = i.product_id)")


def _matching(query: _Query, words: list[str], number: int | None) -> None:
    """Each word somewhere in the incident, in any order; or, for one word, the incident
    it names (as ``search.matches_every_word``)."""
    every: list[str] = []
    parameters: list[Any] = []
    for word in words:
        if search_tokens(word):
            every.append("i.id IN (SELECT incident_id FROM incident_words "
                         "WHERE incident_words MATCH ?)")
            parameters.append(fts5_query(word))
        else:  # literal text: a % or _ typed by the agent matches itself
            escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
            like = "lower({}) LIKE '%' || lower(?) || '%' ESCAPE '/'"
            fields = [like.format(field) for field in _LITERAL_FIELDS]
            fields.append("EXISTS (SELECT 1 FROM incident_events AS e WHERE "
                          "e.incident_id = i.id AND "
                          + like.format("json_extract(e.data, '$.\"text\"')") + ")")
            every.append("(" + " OR ".join(fields) + ")")
            parameters += [escaped] * len(fields)
    if number is not None and len(words) == 1:
        query.add("(i.number = ? OR " + " AND ".join(every or ["0"]) + ")", number,
                  *parameters)
    else:
        query.add(" AND ".join(every or ["1"]), *parameters)


_LINES = """
SELECT i.id, i.number, i.agreement_version_id, i.site_zone, i.site_country,
       v.key, p.name, i.severity, i.tier, i.status, a.name, i.title,
       i.reported_at, i.next_due_at, i.version
FROM incidents AS i JOIN vendors AS v ON v.id = i.vendor_id
JOIN products AS p ON p.id = i.product_id LEFT JOIN users AS a ON a.id = i.assignee_id
WHERE i.id IN ({})
"""
_CLOCKS = f"""
SELECT incident_id, metric, {", ".join(CachedClock._fields)} FROM target_clocks
WHERE incident_id IN ({{}})
"""
_CLOCK_INSTANTS = [CachedClock._fields.index(name) for name in INSTANT_FIELDS]


def queue_lines(connection: sqlite3.Connection, ids: Sequence[int]
                ) -> list[tuple[QueueLine, list[tuple[str, CachedClock]]]]:
    """The rows of these incidents for queue lines, each with its cached clocks (as
    ``queue.queue_lines``)."""
    found: list[tuple[QueueLine, list[tuple[str, CachedClock]]]] = []
    with _reads():
        for start in range(0, len(ids), _CHUNK):
            found += _lines(connection, ids[start:start + _CHUNK])
    return found


def _lines(connection: sqlite3.Connection, ids: Sequence[int]
           ) -> list[tuple[QueueLine, list[tuple[str, CachedClock]]]]:
    marks = ", ".join("?" * len(ids))
    clocks: dict[int, list[tuple[str, CachedClock]]] = {}
    for incident_id, metric, *values in connection.execute(_CLOCKS.format(marks), ids):
        for index in _CLOCK_INSTANTS:
            values[index] = maybe_instant(values[index])
        clocks.setdefault(incident_id, []).append((metric, CachedClock(*values)))
    found = []
    for row in connection.execute(_LINES.format(marks), ids):
        line = QueueLine._make(row)._replace(reported_at=instant(row[12]),
                                             next_due_at=maybe_instant(row[13]))
        Status(line.status)
        found.append((line, clocks.get(line.id, [])))
    return found
