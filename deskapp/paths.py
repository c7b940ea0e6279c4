"""Where the shipped resources and migrations are: a source checkout, a wheel or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

# The environment variable naming the database, and the user's own database file.
DATABASE_ENV = "DESKAPP_DB"
DATABASE_FILE = "deskapp.sqlite3"


def _find(name: str) -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "deskapp" / name] if frozen else []
    # A wheel carries the folder inside the package; a source checkout keeps it beside.
    candidates += [_PACKAGE / name, _PACKAGE.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"deskapp's {name} folder is missing (looked in {candidates})")


def resources_dir() -> Path:
    return _find("resources")


def policies_dir() -> Path:
    return resources_dir() / "policies"


def migrations_dir() -> Path:
    return _find("db")


def default_database_file() -> Path:
    """The user's own database file (its folder may not exist yet)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("deskapp", appauthor=False)) / DATABASE_FILE
