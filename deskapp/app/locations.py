"""Where the desk's database is: a --db value, $DESKAPP_DB, or a file in the user's folder."""

from __future__ import annotations

from deskapp.storage.engine import DATABASE_ENV, database_url, sqlite_url

__all__ = ["DATABASE_ENV", "database_url", "sqlite_url"]
