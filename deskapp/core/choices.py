"""Reading a choice people type ("waiting-on-customer", "In Progress") into its enum value."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from deskapp.core.errors import InputError

E = TypeVar("E", bound=StrEnum)


def parse_choice(kind: type[E], text: str, what: str) -> E:
    """The member of ``kind`` whose value ``text`` names, ignoring case, ``-`` and ``_``."""
    cleaned = text.strip().lower().replace("_", " ").replace("-", " ")
    for member in kind:
        if member.value == cleaned:
            return member
    known = ", ".join(member.value for member in kind)
    raise InputError(f"unknown {what} {text!r}; expected one of: {known}")
