"""The queue: its ready-made views and filters (what to list, not how it is read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from deskapp.core.lifecycle import Status


class View(StrEnum):
    """The ready-made views of the queue."""

    MY_OPEN = "my open"
    BREACHING_SOON = "breaching soon"
    BREACHED = "breached"
    PAUSED = "paused"
    DUE_TODAY = "due today"
    ALL_OPEN = "all open"
    CLOSED = "closed"


@dataclass(frozen=True)
class QueueFilter:
    """Every filter is optional; together they narrow the list."""

    view: View = View.ALL_OPEN
    vendor: str | None = None
    severity: str | None = None
    tier: str | None = None
    status: Status | None = None
    assignee: str | None = None
    me: str | None = None  # who "my open" means
    due_within: timedelta | None = None  # "breaches within ..."
    text: str | None = None
    limit: int | None = None
