"""Recomputing every cached clock from the timelines, in bulk.

Cached clocks are derived data, so refreshing them does not bump an incident's version.
The rows are read and written by ``deskapp.storage.recompute``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from deskapp.app.agreements import ParsedAgreements
from deskapp.app.processes import may_fork
from deskapp.app.sla import SlaService
from deskapp.core.agreement import Agreement
from deskapp.core.clocks import compute_clocks, next_due
from deskapp.core.lifecycle import Event, Status
from deskapp.office import Office
from deskapp.storage import recompute as rows
from deskapp.storage.clock_cache import CachedClock, cached_clock
from deskapp.storage.database import Database

CHUNK = 5000
PARALLEL_FROM = 20_000  # incidents; below this, starting processes costs more
_OPEN = {status.value for status in Status if status.is_open}


class Clocks(Protocol):
    """What recomputing needs of a desk: its database, agreements and calendars."""

    database: Database
    parsed: ParsedAgreements
    sla: SlaService
    office: Office


def recompute_all(desk: Clocks, progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None, chunk: int = CHUNK) -> int:
    """Recompute every incident's cached clocks; returns how many incidents were read.

    Large databases are shared out in ranges of incidents to one process per core (the
    clocks are pure computation; SQLite readers do not block each other in WAL mode).
    """
    with desk.database.reading() as session:
        ids = rows.incident_ids(session)
    ranges = [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(ids) >= PARALLEL_FROM else 1
    done = 0
    if workers <= 1 or len(ranges) <= 1:
        for low, high in ranges:
            done += recompute_range(desk, low, high)
            if progress is not None:
                progress(done, len(ids))
        return done
    url = desk.database.url_for_worker()
    office = (desk.office.zone, desk.office.country)
    context = _start_method()
    # A forked worker starts with this desk's parsed agreements and built calendars (a
    # spawned one cannot be handed them, and builds its own).
    parent = desk if context.get_start_method() == "fork" else None
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(url, office, parent)) as pool:
        for count in pool.map(_worker_range, ranges):
            done += count
            if progress is not None:
                progress(done, len(ids))
    return done


@dataclass
class _Worker:
    database: Database
    parsed: ParsedAgreements
    sla: SlaService
    office: Office


_WORKER: list[_Worker] = []


def _start_method() -> multiprocessing.context.BaseContext:
    """Fork, so workers start with everything already imported, unless this process runs
    Qt (the window), which must never be forked: its workers start afresh.

    A forked worker opens its own engine and never uses the connections it inherited.
    """
    if may_fork():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(url: str, office: tuple[str, str | None], parent: Clocks | None) -> None:
    # A worker only builds rows, events and clocks that no cycle holds, and drops them by
    # reference counting: the cycle collector would walk them all for nothing.
    gc.disable()
    worker = _Worker(Database.open(url, migrate=False), ParsedAgreements(),
                     SlaService({}, Office(*office)), Office(*office))
    if parent is not None:
        worker.sla = parent.sla
        worker.parsed.share(parent.parsed)
    _WORKER.append(worker)


def _worker_range(bounds: tuple[int, int]) -> int:
    return recompute_range(_WORKER[0], *bounds)


def recompute_range(desk: Clocks, low: int, high: int) -> int:
    """Recompute the clocks of incidents ``low`` to ``high`` (ids); writes only changes."""
    with desk.database.reading() as session:
        found = rows.read_range(session, low, high)
        agreements = {version: desk.parsed.get(session, version) for version in
                      {incident.agreement_version_id for incident in found.incidents}}
    changes = cache_changes(desk, found.incidents, found.timelines, found.cached,
                            lambda incident: agreements[incident.agreement_version_id])
    if changes:
        versions = {incident.id: incident.version for incident in found.incidents}
        with desk.database.writing() as session:
            # Incidents written meanwhile keep the clocks their own write computed.
            rows.write_changes(session, changes, versions)
    return len(found.incidents)


def cache_changes(desk: Clocks, incidents: Iterable[rows.RangeIncident],
                  timelines: Mapping[int, list[Event]],
                  cached: dict[tuple[int, str], CachedClock],
                  agreement_of: Callable[[rows.RangeIncident], Agreement]
                  ) -> rows.CacheChanges:
    """What differs between the ``cached`` clocks (taken from: it is emptied) and next due
    times of ``incidents`` and a fresh computation from their ``timelines`` under
    ``agreement_of(incident)``; a cached target an incident no longer has is removed."""
    book, changes = desk.sla.book, rows.CacheChanges()
    for incident in incidents:
        site = desk.sla.site(incident.site_zone, incident.site_country)
        clocks = compute_clocks(timelines[incident.id], agreement_of(incident), site, book)
        for clock in clocks:
            computed = cached_clock(clock)
            old = cached.pop((incident.id, clock.metric), None)
            if old != computed:
                changes.clock(incident.id, clock.metric, computed, new=old is None)
        due = next_due(clocks) if incident.status in _OPEN else None
        if due != incident.next_due_at:
            changes.next_dues.append({"key": incident.id, "due": due})
    changes.removed.extend(cached)  # targets the severity no longer has
    return changes
