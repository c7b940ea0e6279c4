"""The queue: which incidents a view lists, soonest due first, and the lines it shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from deskapp.app import agreements
from deskapp.app.people import default_author
from deskapp.app.views import QueueRow, queue_row
from deskapp.core.keys import key_named
from deskapp.core.queue import QueueFilter, SortKey, View, order_moves
from deskapp.storage import queue as queries

if TYPE_CHECKING:

    from deskapp.app.desk import Desk

__all__ = ["QueueFilter", "SortKey", "View", "queue", "queue_ids", "queue_rows"]


def queue(desk: Desk, wanted: QueueFilter | None = None, now: datetime | None = None
          ) -> list[QueueRow]:
    """Incidents for a view and filters, soonest due first (closed: latest first)."""
    ids = queue_ids(desk, wanted, now)
    rows = queue_rows(desk, ids)
    return [rows[i] for i in ids if i in rows]


def queue_ids(desk: Desk, wanted: QueueFilter | None = None, now: datetime | None = None
              ) -> list[int]:
    """The ids of a view's incidents in queue order, sorted by the database."""
    wanted = wanted or QueueFilter()
    with desk.reading() as session:
        waiting: list[int] = []
        if wanted.view is View.WAITING_FOR_DOCUMENTATION:
            waiting = agreements.waiting_versions(session, desk.parsed)
        return queries.queue_ids(session.connection(), wanted, now or desk.clock(),
                                 me=wanted.me or default_author(),
                                 office_zone=desk.sla.office_zone,
                                 number=key_named(wanted.text),
                                 waiting_versions=waiting)


def order_moved(desk: Desk, since: datetime, now: datetime) -> bool:
    """Whether the queue's order changed with the time alone between ``since`` and ``now``
    (a target breached, or a breach grew long), so a window reads its ids again."""
    with desk.reading() as session:
        return queries.any_due_in(session.connection(), order_moves(since, now))


def queue_rows(desk: Desk, ids: Sequence[int]) -> dict[int, QueueRow]:
    """The queue lines of these incidents, by id (for the rows a window shows)."""
    with desk.reading() as session:
        return {line.id: queue_row(line, clocks,
                                   desk.parsed.get(session, line.agreement_version_id),
                                   desk.sla)
                for line, clocks in queries.queue_lines(session.connection(), ids)}
