"""The keys people see and quote for incidents: INC-000123."""

from __future__ import annotations

from deskapp.core.errors import InputError


def incident_key(number: int) -> str:
    """The key of incident ``number``: INC-000123."""
    return f"INC-{number:06d}"


def parse_key(key: str) -> int:
    """The incident number in ``key`` (INC-000123, inc-123 or 123)."""
    text = key.strip().upper()
    digits = text[4:] if text.startswith("INC-") else text
    if not digits.isdigit():
        raise InputError(f"{key!r} is not an incident key; expected one like INC-000123")
    return int(digits)
