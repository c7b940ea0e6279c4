"""The keys people see and quote for incidents: INC-000123."""

from __future__ import annotations

from deskapp.core.errors import InputError

# Incident numbers are stored as 32-bit integers (SQLite's and PostgreSQL's INTEGER alike).
MAX_INCIDENT_NUMBER = 2**31 - 1


def incident_key(number: int) -> str:
    """The key of incident ``number``: INC-000123."""
    return f"INC-{number:06d}"


def parse_key(key: str) -> int:
    """The incident number in ``key`` (INC-000123, inc-123 or 123)."""
    text = key.strip().upper()
    digits = text[4:] if text.startswith("INC-") else text
    # isascii: str.isdigit also accepts digits such as '²' that int() cannot read.
    if not (digits.isascii() and digits.isdigit()):
        raise InputError(f"{key!r} is not an incident key; expected one like INC-000123")
    # Leading zeros aside, a number too long to be one is not read at all (Python refuses to
    # read integers of thousands of digits).
    significant = digits.lstrip("0")
    number = int(significant or "0") if len(significant) <= len(str(MAX_INCIDENT_NUMBER)) else 0
    if not 1 <= number <= MAX_INCIDENT_NUMBER:
        raise InputError(f"{key!r} is not an incident key: incident numbers run from 1 to "
                         f"{MAX_INCIDENT_NUMBER}; expected one like INC-000123")
    return number


def key_named(text: str | None) -> int | None:
    """The incident number a search text names, when it is a key (INC-000123, 123)."""
    if not (text and text.strip()):
        return None
    try:
        return parse_key(text)
    except InputError:
        return None
