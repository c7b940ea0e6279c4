"""Command-line tests run in a New York office, whatever the machine says."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def new_york_office(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a New York office, whatever the machine's zone and environment."""
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "America/New_York")
    monkeypatch.delenv("DESKAPP_OFFICE_COUNTRY", raising=False)


@pytest.fixture(autouse=True)
def own_database(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                 ) -> None:
    """Commands that name no database (the SLA questions, the agreements) use one of the
    test's own, never the user's."""
    folder = tmp_path_factory.mktemp("default-database")
    monkeypatch.setenv("DESKAPP_DB", str(folder / "deskapp.sqlite3"))
