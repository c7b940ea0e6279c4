"""The stored agreement versions of an SQLite file read with Python's own driver, for the SLA
commands: a batch of 100,000 due times has 2 s, and importing SQLAlchemy and the models
alone takes 0.44 s of them (0.01 s for ``sqlite3``)."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from deskapp.core.agreement_versions import Origin, VersionInfo
from deskapp.paths import DATABASE_ENV, default_database_file
from deskapp.storage.sqlite_reads import maybe_instant

_VERSIONS = """
SELECT a.id, v.key, a.number, a.version, a.effective_at, a.made_by, a.loaded_at, a.origin,
       a.digest, a.is_current, a.source
FROM agreement_versions AS a JOIN vendors AS v ON v.id = a.vendor_id
ORDER BY v.key, a.number
"""


def sqlite_file(cli_value: str | None) -> Path | None:
    """The SQLite file the command line, $DESKAPP_DB or the default names; None for
    anything else (a server, or a URL this reading does not parse)."""
    value = (cli_value or os.environ.get(DATABASE_ENV) or "").strip()
    if not value:
        return default_database_file()
    if "://" not in value:
        return Path(value).expanduser().absolute()
    if value.startswith("sqlite:///") and "?" not in value:
        return Path(unquote(value[len("sqlite:///"):])).absolute()
    return None


def stored_versions(path: Path) -> list[tuple[VersionInfo, str]] | None:
    """Every stored agreement version of the file with its text; None when the file does not
    exist or its schema has no versions as this deskapp keeps them (then the desk opens it
    the usual way, migrating it)."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return versions_in(connection)
    finally:
        connection.close()


def versions_in(connection: sqlite3.Connection) -> list[tuple[VersionInfo, str]] | None:
    """Every stored agreement version with its text, read on an open ``connection``; None
    as ``stored_versions`` says."""
    try:
        rows = connection.execute(_VERSIONS).fetchall()
    except sqlite3.Error:
        return None
    try:
        return [(VersionInfo(id, key, number, version, maybe_instant(effective), by,
                             maybe_instant(made) or datetime.min.replace(tzinfo=UTC),
                             Origin(origin), digest, bool(current)), source)
                for id, key, number, version, effective, by, made, origin, digest, current,
                source in rows]
    except (ValueError, TypeError):
        return None  # a damaged row: the usual way names it
