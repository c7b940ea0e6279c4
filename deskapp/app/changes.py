"""What changed in the database since a moment: for a window that keeps some rows cached.

Every write stamps the incident's ``updated_at`` and bumps its ``version`` (a new incident
has both too), so ``changed_since`` lists the incidents written since a moment, on this
workstation or another, and a window refreshes only the cached rows whose version moved.

``updated_at`` comes from the clock of the workstation that wrote. A window asks with a
margin (``ChangeTracker``): it asks for a span that overlaps the last one, so a write
stamped a little behind this machine's clock is still seen, and it counts an incident as
changed only when its (id, version) is one it has not seen yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deskapp.core.keys import parse_key
from deskapp.storage import changes as queries

if TYPE_CHECKING:
    from deskapp.app.desk import Desk

# How far behind this machine's clock another workstation's may run and its writes still
# be seen (the desk already assumes clocks agree to within two minutes).
MARGIN = timedelta(minutes=5)


def changed_since(desk: Desk, since: datetime) -> list[tuple[int, int]]:
    """(id, version) of every incident written after ``since`` (new ones too), by id."""
    with desk.reading() as session:
        return queries.written_since(session, since)


def ids_of(desk: Desk, keys: Iterable[str]) -> dict[str, int]:
    """The database ids of incidents by key (INC-000123); keys not found are left out."""
    numbers = {parse_key(key): key for key in keys}
    if not numbers:
        return {}
    with desk.reading() as session:
        found = queries.ids_by_number(session, list(numbers))
    return {numbers[number]: incident_id for number, incident_id in found.items()}


class ChangeTracker:
    """Which (id, version) pairs a window has already taken in.

    Ask ``changed_since(desk, tracker.since(now))``, then ``news(pairs, tracker.known)``
    gives the incidents whose version is new to the window (a copy of ``known`` can go to a
    background thread with the question), and ``seen(pairs)`` records the answer (the next
    answer overlaps it by about ``margin``).
    """

    def __init__(self, margin: timedelta = MARGIN) -> None:
        self.margin = margin
        self.known: dict[int, int] = {}

    def since(self, now: datetime) -> datetime:
        return now - self.margin

    def seen(self, pairs: Iterable[tuple[int, int]]) -> None:
        self.known = dict(pairs)


def news(pairs: Iterable[tuple[int, int]], known: dict[int, int]) -> dict[int, int]:
    """The pairs whose version ``known`` does not have, by id."""
    return {incident_id: version for incident_id, version in pairs
            if known.get(incident_id) != version}
