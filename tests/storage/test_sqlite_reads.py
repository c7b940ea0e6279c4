"""The plain rows read without SQLAlchemy name the models' columns: a column added to the
models is one the record and the one-shot reads know."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import cast

from sqlalchemy import Column, MetaData, Table, create_engine

from deskapp.storage.clock_cache import INSTANT_FIELDS, CachedClock
from deskapp.storage.incident_record import INSTANTS, STORED
from deskapp.storage.models import Incident, TargetClock, UTCDateTime
from deskapp.storage.sqlite_reads import instant, sqlite_instant


def test_the_record_knows_every_column_of_an_incident() -> None:
    table = cast(Table, Incident.__table__)
    assert set(STORED) == {column.name for column in table.columns} - {"id"}
    assert set(INSTANTS) == {column.name for column in table.columns
                             if isinstance(column.type, UTCDateTime)}


def test_the_clock_cache_knows_every_column_of_a_clock() -> None:
    table = cast(Table, TargetClock.__table__)
    assert set(CachedClock._fields) == {column.name for column in table.columns} - {
        "incident_id", "metric"}
    assert set(INSTANT_FIELDS) == {column.name for column in table.columns
                                   if isinstance(column.type, UTCDateTime)}


def test_an_instant_reads_back_as_the_models_keep_it() -> None:
    engine = create_engine("sqlite://")
    table = Table("moments", MetaData(), Column("at", UTCDateTime()))
    table.create(engine)
    manila = timezone(timedelta(hours=8))
    moments = [datetime(2026, 12, 3, 17, 5, 9, 250, tzinfo=manila),
               datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]
    with engine.begin() as connection:
        for moment in moments:
            connection.execute(table.insert(), {"at": moment})
        kept = [row[0] for row in connection.exec_driver_sql("SELECT at FROM moments")]
    assert kept == [sqlite_instant(moment) for moment in moments]
    assert [instant(text) for text in kept] == moments
    assert all(instant(text).tzinfo is UTC for text in kept)
