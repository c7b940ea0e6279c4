"""Demo data: fill an empty database with a realistic, reproducible year of support incidents.

``fill(desk, incidents, seed, end=...)`` plans every incident (``demo_year``): the draft an
agent typed and the changes agents applied afterwards, core's ``Change`` objects with their
times, each applied as it is planned to the planned incident by core's rules. The plans are
then either replayed through the Desk service, every change a real write (``desk.apply``)
checked like an agent's (``bulk=False``: the reference, slow), or, by default, what applying
them did is stored as it is, with the clocks computed once per incident, in batches
(``demo_bulk``). Both give the same rows, except the ``version`` counter (an optimistic-lock
token whose value means nothing) and the database ids. The same seed and end give the same
data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from deskapp.app.demo_bulk import BulkWriter
from deskapp.app.demo_year import Plan, PlannedChange, describe_plan, plans
from deskapp.app.desk import Desk
from deskapp.core.agreement import Agreement, Target
from deskapp.core.calendar import Calendar
from deskapp.core.errors import InputError
from deskapp.core.sla import Site, target_calendar
from deskapp.storage.bulk import incident_count

__all__ = ["MAX_INCIDENTS", "FillResult", "Plan", "PlannedChange", "describe_plan", "fill",
           "plans"]

BATCH = 1000  # incidents per transaction on the bulk path
MAX_INCIDENTS = 1_000_000


@dataclass(frozen=True)
class FillResult:
    incidents: int
    events: int
    open: int
    seconds: float
    first: datetime  # earliest report
    end: datetime


def fill(desk: Desk, incidents: int, seed: int = 1, *, end: datetime, bulk: bool = True,
         progress: Callable[[int, int], None] | None = None) -> FillResult:
    """Fill an empty database with ``incidents`` incidents reported in the year before ``end``.

    ``bulk=False`` replays every change through the service (slow; the reference); it sets
    ``desk.clock`` to each change's time while it runs, so the desk should not be shared
    with anything else meanwhile. Raises InputError when the database holds incidents.
    """
    if not 1 <= incidents <= MAX_INCIDENTS:
        raise InputError(f"the number of incidents must be between 1 and {MAX_INCIDENTS:,}")
    if end.tzinfo is None:
        raise InputError("the end of the demo history needs a time zone or UTC offset")
    if end > desk.clock() + timedelta(minutes=2):
        raise InputError("the demo history cannot end in the future")
    end = end.astimezone(UTC)
    existing = _incident_count(desk)
    if existing:
        raise InputError(
            f"the database already holds {existing:,} incident{'s' if existing != 1 else ''}; "
            "demo data goes into an empty database")
    started = time.perf_counter()
    agreements = desk.agreements()
    book = desk.sla.book

    def calendar_of(agreement: Agreement, target: Target, site: Site) -> Calendar:
        return target_calendar(agreement, target, site, book)

    planned = plans(agreements, incidents, seed, end, desk.sla.office_zone, desk.sla.site,
                    calendar_of)
    writer = BulkWriter(desk, agreements) if bulk else _ServiceWriter(desk)
    done = events = still_open = 0
    first: datetime | None = None
    for batch in _batches(planned, BATCH):
        first = first or batch[0].reported_at
        counted, opened = writer.write(batch)
        events += counted
        still_open += opened
        done += len(batch)
        if progress is not None:
            progress(done, incidents)
    return FillResult(done, events, still_open, time.perf_counter() - started,
                      first or end, end)


def _incident_count(desk: Desk) -> int:
    with desk.reading() as session:
        return incident_count(session.connection())


def _batches(items: Iterator[Plan], size: int) -> Iterator[list[Plan]]:
    batch: list[Plan] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _SimulatedClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


class _ServiceWriter:
    """Every change a real write through the Desk, at the time it happened."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def write(self, batch: list[Plan]) -> tuple[int, int]:
        desk = self.desk
        saved = desk.clock
        clock = _SimulatedClock(batch[0].reported_at)
        desk.clock = clock
        events = still_open = 0
        try:
            for plan in batch:
                clock.now = plan.reported_at
                key = desk.log(plan.draft, author=plan.author, at=plan.reported_at).incident.key
                for action in plan.actions:
                    clock.now = action.at
                    desk.apply(key, [action.change], author=action.author, at=action.at)
                view = desk.show(key)
                events += len(view.events)
                still_open += view.status.is_open
        finally:
            desk.clock = saved
        return events, still_open
