"""A full-text index of each incident's words: its title, description, reporter, contact,
vendor reference, product name and the text of its timeline, kept by the database itself
(triggers), so every way of writing an incident keeps it current. SQLite keeps it in an
FTS5 table, PostgreSQL as a ``tsvector`` with a GIN index. Both split the text at white
space and punctuation, as ``deskapp.core.queue.search_tokens`` splits what is typed.

A later migration that copies the ``incidents`` or ``incident_events`` table on SQLite (a
batch migration) drops its triggers with it, and must create them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_FIELDS = (
    "coalesce({r}.title, '') || ' ' || coalesce({r}.description, '') || ' ' || "
    "coalesce({r}.reporter, '') || ' ' || coalesce({r}.contact, '') || ' ' || "
    "coalesce({r}.vendor_ref, '') || ' ' || "
    "coalesce((SELECT name FROM products WHERE id = {r}.product_id), '')")
_CHANGED = ("{o}.title IS {d} {n}.title OR {o}.description IS {d} {n}.description OR "
            "{o}.reporter IS {d} {n}.reporter OR {o}.contact IS {d} {n}.contact OR "
            "{o}.vendor_ref IS {d} {n}.vendor_ref OR {o}.product_id IS {d} {n}.product_id")

_FIELDS_ROWID = 2 ** 40

SQLITE_UP = [
    # One row for the text of each timeline entry (its rowid is the entry's id) and one for
    # an incident's fields (its rowid is the incident's id plus 2**40): a new entry is one
    # small insert, never a new index of the whole timeline. Rows of one kind go in in
    # rising rowid order, which FTS5 keeps in memory until the end of the transaction (a
    # falling rowid writes out what it holds: an import of 10,000 incidents built the index
    # in 2.14 s with falling rowids, 0.26 s so). The default tokenizer (unicode61) splits at
    # every character that is not a letter or a digit, and folds case and accents.
    "CREATE VIRTUAL TABLE incident_words USING fts5(incident_id UNINDEXED, words)",
    f"""CREATE TRIGGER incident_words_logged AFTER INSERT ON incidents BEGIN
        INSERT INTO incident_words(rowid, incident_id, words)
        VALUES (new.id + {_FIELDS_ROWID}, new.id, {_SQLITE_FIELDS.format(r="new")});
    END""",
    f"""CREATE TRIGGER incident_words_edited
        AFTER UPDATE OF title, description, reporter, contact, vendor_ref, product_id
        ON incidents WHEN {_CHANGED.format(o="old", n="new", d="NOT")} BEGIN
        UPDATE incident_words SET words = {_SQLITE_FIELDS.format(r="new")}
        WHERE rowid = new.id + {_FIELDS_ROWID};
    END""",
    f"""CREATE TRIGGER incident_words_deleted AFTER DELETE ON incidents BEGIN
        DELETE FROM incident_words WHERE rowid = old.id + {_FIELDS_ROWID};
    END""",
    """CREATE TRIGGER incident_words_written AFTER INSERT ON incident_events
        WHEN json_extract(new.data, '$.text') IS NOT NULL BEGIN
        INSERT INTO incident_words(rowid, incident_id, words)
        VALUES (new.id, new.incident_id, json_extract(new.data, '$.text'));
    END""",
    """CREATE TRIGGER incident_words_unwritten AFTER DELETE ON incident_events BEGIN
        DELETE FROM incident_words WHERE rowid = old.id;
    END""",
    f"""INSERT INTO incident_words(rowid, incident_id, words)
        SELECT id + {_FIELDS_ROWID}, id, {_SQLITE_FIELDS.format(r="incidents")}
        FROM incidents""",
    """INSERT INTO incident_words(rowid, incident_id, words)
        SELECT id, incident_id, json_extract(data, '$.text') FROM incident_events
        WHERE json_extract(data, '$.text') IS NOT NULL""",
]
SQLITE_DOWN = [
    "DROP TRIGGER incident_words_unwritten",
    "DROP TRIGGER incident_words_written",
    "DROP TRIGGER incident_words_deleted",
    "DROP TRIGGER incident_words_edited",
    "DROP TRIGGER incident_words_logged",
    "DROP TABLE incident_words",
]

_PG_FIELDS = ("incident_words_of(concat_ws(' ', NEW.title, NEW.description, NEW.reporter, "
              "NEW.contact, NEW.vendor_ref, "
              "(SELECT name FROM products WHERE id = NEW.product_id)))")
_PG_TIMELINE = ("incident_words_of((SELECT string_agg(data ->> 'text', ' ' ORDER BY seq) "
                "FROM incident_events WHERE incident_id = {id} "
                "AND data ->> 'text' IS NOT NULL))")
POSTGRESQL_UP = [
    """CREATE TABLE incident_words (
        incident_id integer PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
        words tsvector NOT NULL)""",
    "CREATE INDEX ix_incident_words_words ON incident_words USING gin (words)",
    # The 'simple' configuration keeps every word as it is (no stemming, no stop words).
    """CREATE FUNCTION incident_words_of(body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
        SELECT to_tsvector('simple', regexp_replace(coalesce(body, ''),
                                                    '[[:space:][:punct:]]+', ' ', 'g'))
    $$""",
    f"""CREATE FUNCTION incident_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO incident_words VALUES (NEW.id, {_PG_FIELDS});
        ELSE
            UPDATE incident_words
            SET words = {_PG_FIELDS} || {_PG_TIMELINE.format(id="NEW.id")}
            WHERE incident_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER incident_words_logged AFTER INSERT ON incidents
        FOR EACH ROW EXECUTE FUNCTION incident_words_keep()""",
    f"""CREATE TRIGGER incident_words_edited
        AFTER UPDATE OF title, description, reporter, contact, vendor_ref, product_id
        ON incidents FOR EACH ROW
        WHEN ({_CHANGED.format(o="OLD", n="NEW", d="DISTINCT FROM")})
        EXECUTE FUNCTION incident_words_keep()""",
    """CREATE FUNCTION incident_words_append() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE incident_words SET words = words || incident_words_of(NEW.data ->> 'text')
        WHERE incident_id = NEW.incident_id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER incident_words_written AFTER INSERT ON incident_events
        FOR EACH ROW WHEN (NEW.data ->> 'text' IS NOT NULL)
        EXECUTE FUNCTION incident_words_append()""",
    f"""INSERT INTO incident_words
        SELECT incidents.id,
               {_PG_FIELDS.replace("NEW.", "incidents.")}
               || {_PG_TIMELINE.format(id="incidents.id")}
        FROM incidents""",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER incident_words_written ON incident_events",
    "DROP TRIGGER incident_words_edited ON incidents",
    "DROP TRIGGER incident_words_logged ON incidents",
    "DROP FUNCTION incident_words_append()",
    "DROP FUNCTION incident_words_keep()",
    "DROP TABLE incident_words",
    "DROP FUNCTION incident_words_of(text)",
]


def _run(sqlite_statements: list[str], postgresql_statements: list[str]) -> None:
    # Sent to the driver as they are: "[[:space:]" is a character class, not a parameter.
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for statement in sqlite_statements if sqlite else postgresql_statements:
        bind.exec_driver_sql(statement)


def upgrade() -> None:
    _run(SQLITE_UP, POSTGRESQL_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN, POSTGRESQL_DOWN)
