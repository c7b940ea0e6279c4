"""Incident keys: the forms people type, and numbers beyond what an incident can have."""

from __future__ import annotations

import pytest

from deskapp.core.errors import InputError
from deskapp.core.keys import MAX_INCIDENT_NUMBER, incident_key, parse_key


@pytest.mark.parametrize("key", ["INC-000123", "inc-123", " 123 ", "000123"])
def test_the_forms_people_type(key: str) -> None:
    assert parse_key(key) == 123


def test_the_largest_number_round_trips() -> None:
    assert parse_key(incident_key(MAX_INCIDENT_NUMBER)) == MAX_INCIDENT_NUMBER


@pytest.mark.parametrize("key", ["99999999999999999999", "INC-99999999999999999999",
                                 str(MAX_INCIDENT_NUMBER + 1), "INC-000000", "0",
                                 "9" * 5000, "INC-" + "0" * 4999 + "7" * 11])
def test_numbers_beyond_the_range_are_refused(key: str) -> None:
    with pytest.raises(InputError, match=f"incident numbers run from 1 to {MAX_INCIDENT_NUMBER}"):
        parse_key(key)


@pytest.mark.parametrize("key", ["", " ", "INC-", "ticket-7", "INC-12a", "\u00b2",
                                 "INC-\u00b9\u00b2", "-5", "+5", "1_000"])
def test_what_is_not_a_key(key: str) -> None:
    with pytest.raises(InputError, match="is not an incident key"):
        parse_key(key)
