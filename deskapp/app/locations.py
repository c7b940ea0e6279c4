"""Where the desk's database is: a --db value, $DESKAPP_DB, or a file in the user's folder."""

from __future__ import annotations

from deskapp.paths import DATABASE_ENV
from deskapp.storage.engine import database_url, sqlite_url

__all__ = ["DATABASE_ENV", "database_url", "sqlite_url"]
