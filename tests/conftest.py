"""Shared fixtures: the shipped agreements and one calendar book for the whole run."""

from __future__ import annotations

import os

import pytest

from deskapp.app.sla import SlaService
from deskapp.core.agreement_file import load_agreements
from deskapp.core.sla import CalendarBook
from deskapp.office import Office
from deskapp.paths import policies_dir

# Qt is only imported by the tests that build widgets, after this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.pg"]

NEW_YORK_OFFICE = Office("America/New_York", "US")


@pytest.fixture(scope="session")
def agreements():
    return load_agreements(policies_dir())


@pytest.fixture(scope="session")
def book() -> CalendarBook:
    return CalendarBook(first_year=2026)


@pytest.fixture(scope="session")
def sla(agreements, book) -> SlaService:
    return SlaService(agreements, NEW_YORK_OFFICE, book)
