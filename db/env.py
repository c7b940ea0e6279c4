"""Alembic environment: deskapp passes its own connection; the alembic command line opens one."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from deskapp.storage.engine import database_url, open_engine
from deskapp.storage.migrate import is_modelled
from deskapp.storage.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our UTCDateTime as the plain type it stores through, so migrations stay fixed."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_item,
        include_name=is_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url") or database_url(None),
            target_metadata=target_metadata,
            render_as_batch=True,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    # The alembic command line (developers): $DESKAPP_DB or sqlalchemy.url, else the default.
    engine = open_engine(config.get_main_option("sqlalchemy.url") or database_url(None))
    try:
        with engine.begin() as connection:
            run_on(connection)
    finally:
        engine.dispose()


main()
