"""UTC instants, optimistic locking and append-only events, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm.exc import StaleDataError

from deskapp.app.views import incident_key
from deskapp.storage.engine import session_factory
from deskapp.storage.models import (
    AgreementVersion,
    EventsAreAppendOnly,
    Incident,
    IncidentEvent,
    TargetClock,
)
from tests.storage.rows import add_event, add_incident

TOKYO = ZoneInfo("Asia/Tokyo")
ROOT = Path(__file__).resolve().parents[2]


def _set_zone(session_or_connection: object, engine: Engine, zone: str) -> None:
    if engine.dialect.name == "postgresql":
        session_or_connection.execute(text(f"SET TIME ZONE '{zone}'"))  # type: ignore[attr-defined]


def test_instants_come_back_as_the_same_utc_time(migrated: Engine) -> None:
    tokyo_morning = datetime(2026, 3, 2, 9, 0, tzinfo=TOKYO)
    factory = session_factory(migrated)
    with factory.begin() as session:
        _set_zone(session, migrated, "Asia/Tokyo")
        incident = add_incident(session, at=tokyo_morning)
        incident.next_due_at = tokyo_morning + timedelta(hours=4)
    with factory.begin() as session:
        _set_zone(session, migrated, "America/New_York")
        loaded = session.get_one(Incident, incident.id)
        assert loaded.reported_at == tokyo_morning
        assert loaded.reported_at.tzinfo is UTC
        assert loaded.reported_at.hour == 0  # 09:00 in Tokyo
        assert loaded.next_due_at == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
        stored = session.execute(text(
            "SELECT reported_at FROM incidents" if migrated.dialect.name == "sqlite" else
            "SELECT to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM incidents"
        )).scalar_one()
    assert str(stored).startswith("2026-03-02 00:00")


def test_a_database_written_in_tokyo_reads_the_same_elsewhere(migrated: Engine) -> None:
    url = migrated.url.render_as_string(hide_password=False)
    writer = (
        "import sys\n"
        "from datetime import datetime\n"
        "from deskapp.storage.engine import open_engine, session_factory\n"
        "from tests.storage.rows import add_incident\n"
        "engine = open_engine(sys.argv[1])\n"
        "with session_factory(engine).begin() as session:\n"
        "    add_incident(session, at=datetime(2026, 3, 2, 9, 0).astimezone())\n"
        "engine.dispose()\n"
    )
    env = {**os.environ, "TZ": "Asia/Tokyo", "PGTZ": "Asia/Tokyo"}
    subprocess.run([sys.executable, "-c", writer, url], cwd=ROOT, env=env, check=True,
                   timeout=60)
    with session_factory(migrated).begin() as session:
        _set_zone(session, migrated, "Europe/Lisbon")
        reported = session.scalars(select(Incident.reported_at)).one()
    assert reported == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert reported.tzinfo is UTC


def test_naive_times_are_refused(migrated: Engine) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        TargetClock(metric="response", state="running", due_at=datetime(2026, 3, 2, 9))
    with session_factory(migrated).begin() as session:
        add_incident(session)
        with pytest.raises(StatementError, match="naive datetime") as caught:
            session.execute(insert(AgreementVersion).values(
                vendor_id=1, version="2", source="", digest="x", is_current=False,
                loaded_at=datetime(2026, 3, 2, 9)))
        assert isinstance(caught.value.orig, ValueError)


def test_the_second_of_two_concurrent_edits_is_refused(migrated: Engine) -> None:
    factory = session_factory(migrated)
    with factory.begin() as session:
        number = add_incident(session).id
    # Two desks load the incident, each in its own short transaction.
    first, second = factory(), factory()
    try:
        mine = first.get_one(Incident, number)
        first.commit()
        theirs = second.get_one(Incident, number)
        second.commit()
        mine.title = "Anvil falls again"
        first.commit()
        theirs.status = "acknowledged"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with factory.begin() as session:
        stored = session.get_one(Incident, number)
        assert (stored.title, stored.status, stored.version) == ("Anvil falls again", "new", 2)
        assert incident_key(stored.number) == "INC-000001"
    assert incident_key(123) == "INC-000123"


def test_events_are_append_only(migrated: Engine) -> None:
    factory = session_factory(migrated)
    with factory.begin() as session:
        incident = add_incident(session)
        add_event(session, incident, 1)
    with factory() as session:
        event = session.scalars(select(IncidentEvent)).one()
        event.data = {"text": "rewritten"}
        with pytest.raises(EventsAreAppendOnly):
            session.flush()
        session.rollback()
        session.delete(session.scalars(select(IncidentEvent)).one())
        with pytest.raises(EventsAreAppendOnly):
            session.flush()
        session.rollback()
        for statement in (update(IncidentEvent).values(author="someone else"),
                          delete(IncidentEvent)):
            with pytest.raises(EventsAreAppendOnly):
                session.execute(statement)
            session.rollback()
    with factory.begin() as session:
        incident = session.get_one(Incident, incident.id)
        add_event(session, incident, 2)
        assert [e.data["text"] for e in incident.events] == ["note 1", "note 2"]


def test_deleting_an_incident_removes_its_events_and_clocks(migrated: Engine) -> None:
    factory = session_factory(migrated)
    with factory.begin() as session:
        incident = add_incident(session)
        add_event(session, incident, 1)
        incident.clocks.append(TargetClock(metric="response", state="running"))
    with factory.begin() as session:
        session.delete(session.get_one(Incident, incident.id))
    with factory.begin() as session:
        assert session.scalars(select(IncidentEvent)).all() == []
        assert session.scalars(select(TargetClock)).all() == []
