"""Command-line tests run in a New York office, whatever the machine says."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def new_york_office(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a New York office, whatever the machine's zone and environment."""
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "America/New_York")
    monkeypatch.delenv("DESKAPP_OFFICE_COUNTRY", raising=False)
