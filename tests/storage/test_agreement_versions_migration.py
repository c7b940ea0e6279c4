"""The agreement versions migration: versions stored before it get their numbers, effective
instants and origin."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine, text

from deskapp.storage.migrate import alembic_config, upgrade

LOADED = [datetime(2026, 11, 1, 8, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC)]


def test_stored_versions_are_numbered_and_the_first_is_in_force_since_always(
        engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(text("INSERT INTO vendors (id, key, name) VALUES (1, 'maqsu', 'M'),"
                                " (2, 'acme', 'A')"))
        for vendor, digest, loaded, current in ((1, "a", LOADED[0], False),
                                                (2, "b", LOADED[0], True),
                                                (1, "c", LOADED[1], True)):
            connection.execute(text(
                "INSERT INTO agreement_versions (vendor_id, version, source, digest, "
                "loaded_at, is_current) VALUES (:vendor, 'v', 's', :digest, :loaded, :current)"),
                {"vendor": vendor, "digest": digest, "current": current,
                 "loaded": loaded if engine.dialect.name == "postgresql"
                 else loaded.replace(tzinfo=None).isoformat(" ", "microseconds")})
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT vendor_id, digest, number, effective_at, origin, made_by, is_current "
            "FROM agreement_versions ORDER BY id")).all()
    found = [(vendor, digest, number, str(effective)[:19], origin, by, bool(current))
             for vendor, digest, number, effective, origin, by, current in rows]
    assert found == [
        (1, "a", 1, "1970-01-01 00:00:00", "shipped", "deskapp", False),
        (2, "b", 1, "1970-01-01 00:00:00", "shipped", "deskapp", True),
        (1, "c", 2, "2026-11-20 09:00:00", "shipped", "deskapp", True),
    ]
