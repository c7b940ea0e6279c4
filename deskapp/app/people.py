"""Who acts at this workstation: the agent's name when none is given."""

from __future__ import annotations

import getpass

from deskapp.core.workflow import check_text


def default_author() -> str:
    """The name of the person logged in to this machine ("agent" when it has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def acting(author: str | None) -> str:
    """The name an action is recorded under: ``author``, or this machine's user."""
    return check_text("author", author or default_author(),
                      "an author's name must not be empty")
