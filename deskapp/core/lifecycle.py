"""An incident's statuses, the moves between them, and the events of its timeline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from deskapp.core.choices import parse_choice
from deskapp.core.errors import InputError


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in progress"
    WAITING_ON_CUSTOMER = "waiting on customer"
    WAITING_ON_VENDOR = "waiting on vendor"
    WORKAROUND_PROVIDED = "workaround provided"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED)

    @property
    def pauses(self) -> bool:
        """Pausable targets stop counting while the desk waits on the customer."""
        return self is Status.WAITING_ON_CUSTOMER


_WORKING = {
    Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER,
    Status.WAITING_ON_VENDOR, Status.WORKAROUND_PROVIDED, Status.RESOLVED,
}
MOVES: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(_WORKING),
    Status.ACKNOWLEDGED: frozenset(_WORKING - {Status.ACKNOWLEDGED}),
    Status.IN_PROGRESS: frozenset(_WORKING - {Status.ACKNOWLEDGED, Status.IN_PROGRESS}),
    # Leaving a pause for any status, resolved included, ends the pause.
    Status.WAITING_ON_CUSTOMER: frozenset(
        _WORKING - {Status.ACKNOWLEDGED, Status.WAITING_ON_CUSTOMER}),
    Status.WAITING_ON_VENDOR: frozenset(_WORKING - {Status.ACKNOWLEDGED, Status.WAITING_ON_VENDOR}),
    Status.WORKAROUND_PROVIDED: frozenset(
        _WORKING - {Status.ACKNOWLEDGED, Status.WORKAROUND_PROVIDED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
REOPENABLE = frozenset({Status.RESOLVED, Status.CLOSED})


def parse_status(text: str) -> Status:
    return parse_choice(Status, text, "status")


def check_move(current: Status, wanted: Status) -> None:
    """Refuse a status change the lifecycle does not allow, saying what is allowed."""
    if wanted in MOVES[current]:
        return
    if current is wanted:
        raise InputError(f"the incident is already {current.value}")
    allowed = sorted(s.value for s in MOVES[current])
    hint = "; reopen it first" if current in REOPENABLE else ""
    options = ", ".join(allowed) if allowed else "nothing"
    raise InputError(
        f"cannot move an incident from {current.value} to {wanted.value}{hint} "
        f"(from {current.value}: {options})"
    )


def check_reopen(current: Status) -> None:
    if current not in REOPENABLE:
        raise InputError(
            f"only a resolved or closed incident can be reopened; it is {current.value}"
        )


class EventKind(StrEnum):
    CREATED = "created"
    DOCUMENTATION_COMPLETE = "documentation complete"
    SEVERITY_CHANGED = "severity changed"
    TIER_CHANGED = "tier changed"
    ASSIGNED = "assigned"
    STATUS_CHANGED = "status changed"
    CUSTOMER_UPDATE = "customer update"
    RESPONSE_SENT = "response sent"
    VENDOR_RESPONSE = "vendor response"
    WORKAROUND_PROVIDED = "workaround provided"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    DUE_DATE_AGREED = "due date agreed"
    FIELDS_CHANGED = "fields changed"
    COMMENT = "comment"


class ResolutionType(StrEnum):
    ANSWER = "answer"
    WORKAROUND = "workaround"
    EXISTING_CODE_CORRECTION = "existing code correction"
    NEW_CODE_CORRECTION = "new code correction"


def parse_resolution_type(text: str) -> ResolutionType:
    return parse_choice(ResolutionType, text, "resolution type")


class Event(NamedTuple):
    """One entry of an incident's timeline; ``at`` is when it happened, in UTC.

    ``data`` holds the event's details as text: ``severity``/``reason`` for a severity
    change, ``tier``, ``assignee``, ``status`` (the new one), ``due`` (ISO instant) for an
    agreed due date, ``text`` for notes. A tuple, because full recomputations build
    millions of them.
    """

    kind: EventKind
    at: datetime
    author: str
    data: Mapping[str, str] = MappingProxyType({})
