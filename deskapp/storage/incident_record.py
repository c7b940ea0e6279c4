"""An incident as one write finds it: its row, with the names its view shows, as a plain
record (the desk reads it through SQLAlchemy, a one-shot command through Python's own
driver)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple


@dataclass(eq=False)
class IncidentRecord:
    """An incident's row and the names of its vendor, product and assignee.

    A write's change edits these fields; ``changes`` lists the columns it changed. An
    assignment sets ``assignee_name``; the write finds (or adds) that person.
    """

    id: int
    number: int
    vendor_id: int
    product_id: int
    agreement_version_id: int
    title: str
    description: str
    reporter: str
    contact: str
    channel: str
    severity: str
    tier: str
    status: str
    assignee_id: int | None
    site_zone: str | None
    site_country: str | None
    vendor_ref: str | None
    category: str | None
    filing_deadline: datetime | None
    agreed_due: datetime | None
    resolution_type: str | None
    documentation_complete_at: datetime | None
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    updated_by: str
    version: int
    next_due_at: datetime | None
    is_open: bool
    vendor_key: str
    vendor_name: str
    product_name: str
    assignee_name: str | None
    _read: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.mark_stored()

    def mark_stored(self) -> None:
        """What the record holds is now its row: no changes."""
        self._read = {name: getattr(self, name) for name in _TRACKED}

    def changes(self) -> dict[str, Any]:
        """The columns changed since the row was read, with their new values."""
        return {name: value for name in STORED
                if (value := getattr(self, name)) != self._read[name]}

    def reassigned(self) -> bool:
        return bool(self.assignee_name != self._read["assignee_name"])


# The names an incident's row is read with, and every column a write may change (all but
# the id); a write also follows the assignee by name.
NAMES = ("vendor_key", "vendor_name", "product_name", "assignee_name")
STORED = tuple(f.name for f in fields(IncidentRecord)
               if f.name not in ("id", "_read", *NAMES))
_TRACKED = (*STORED, "assignee_name")
# The columns that hold an instant.
INSTANTS = ("filing_deadline", "agreed_due", "documentation_complete_at", "reported_at",
            "created_at", "updated_at", "next_due_at")


class QueueLine(NamedTuple):
    """What a queue line shows of an incident's row (its clocks come from the cache)."""

    id: int
    number: int
    agreement_version_id: int
    site_zone: str | None
    site_country: str | None
    vendor: str
    product: str
    severity: str
    tier: str
    status: str
    assignee: str | None
    title: str
    reported_at: datetime
    next_due_at: datetime | None
    version: int
