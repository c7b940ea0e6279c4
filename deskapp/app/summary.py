"""What a database holds at a glance: how many incidents in each status and how many targets
were breached, for the line printed after a demo fill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskapp.app.desk import Desk
from deskapp.storage.summary import incidents_by_status, targets_past_due


@dataclass(frozen=True)
class Summary:
    database: str  # as a message names it, e.g. "the database file /tmp/desk.db"
    by_status: tuple[tuple[str, int], ...]  # status and count, in the statuses' order
    breached: int  # targets due before the summary's instant and not met by then


def summarize(desk: Desk, at: datetime) -> Summary:
    """The desk's database counted as of ``at``."""
    with desk.reading() as session:
        by_status = incidents_by_status(session)
        breached = targets_past_due(session, at)
    return Summary(desk.database.describe(), tuple(sorted(by_status.items())), breached)
