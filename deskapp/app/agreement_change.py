"""Applying a new agreement version to a vendor's open incidents, only after a preview: which
due times would move, which would become breached, and each calendar's next two weeks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deskapp.app.recompute import cache_changes
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.agreement_lint import open_time
from deskapp.core.clocks import ClockState, TargetState, compute_clocks
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import Event
from deskapp.storage import catalog
from deskapp.storage import recompute as rows
from deskapp.storage.clock_cache import CachedClock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk

OPEN_TIME_DAYS = 14  # how far ahead a preview shows each calendar's open time


class StalePreviewError(InputError):
    """The open incidents or the version changed since the preview was made."""


@dataclass(frozen=True)
class DueChange:
    """One due time of an open incident that the new version would move."""

    key: str  # the incident, e.g. INC-000042
    metric: str
    before: datetime | None  # at the preview's instant, under the version it is pinned to
    after: datetime | None  # under the new version (None: that target would have no clock)
    becomes_breached: bool  # running before, breached under the new version


@dataclass(frozen=True)
class OpenTime:
    """A calendar's open time over the next days, as plain UTC intervals for a bar chart
    (a calendar that follows the client site is shown at the office)."""

    calendar: str
    name: str
    zone: str
    intervals: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class AgreementPreview:
    """What applying ``agreement`` to the vendor's open incidents would do at ``now``."""

    vendor: str
    agreement: Agreement
    now: datetime
    open_incidents: int
    changes: tuple[DueChange, ...]  # only the due times that move, by incident and metric
    calendars: tuple[OpenTime, ...]
    token: str  # what apply_agreement_change checks: nothing changed since

    @property
    def changed_incidents(self) -> int:
        return len({change.key for change in self.changes})

    @property
    def newly_breached(self) -> tuple[str, ...]:
        """The incidents that would become breached, each once."""
        return tuple(dict.fromkeys(c.key for c in self.changes if c.becomes_breached))


def _agreement(new: str | Agreement, vendor: str) -> Agreement:
    agreement = new if isinstance(new, Agreement) else parse_agreement(new, f"{vendor}.toml")
    if agreement.vendor != vendor:
        raise InputError(f"the agreement is {agreement.vendor!r}'s, not {vendor!r}'s")
    return agreement


def _token(vendor: str, agreement: Agreement, found: rows.Range) -> str:
    """The open incidents as read (each at its version and agreement version) and the new
    agreement's text: a preview is stale when any of it changed."""
    digest = hashlib.sha256(f"{vendor}\n{catalog.source_digest(agreement.source)}".encode())
    for incident in found.incidents:
        digest.update(f"\n{incident.id}:{incident.version}:{incident.agreement_version_id}"
                      .encode())
    return digest.hexdigest()


def _vendor_id(session: Session, vendor: str) -> int:
    found = catalog.vendor_id(session, vendor)
    if found is None:
        known = ", ".join(catalog.vendor_keys(session))
        raise InputError(f"unknown vendor {vendor!r}; expected one of: {known}")
    return found


def preview_agreement_change(desk: Desk, vendor: str, new: str | Agreement, now: datetime
                             ) -> AgreementPreview:
    """For the vendor's open incidents: how many due times would change under ``new`` (an
    agreement file's text, or an agreement), each before and after, and which would become
    breached at ``now``; and each of its calendars' open time over the next 14 days."""
    agreement = _agreement(new, vendor)
    with desk.reading() as session:
        found = rows.read_open_of_vendor(session, _vendor_id(session, vendor))
        pinned = {version: desk.parsed.get(session, version) for version in
                  {incident.agreement_version_id for incident in found.incidents}}
    cached: dict[int, dict[str, CachedClock]] = {}
    for (incident_id, metric), clock in found.cached.items():
        cached.setdefault(incident_id, {})[metric] = clock
    changes: list[DueChange] = []
    for incident in found.incidents:
        changes.extend(_moved(desk, incident, found.timelines[incident.id],
                              cached.get(incident.id, {}),
                              pinned[incident.agreement_version_id], agreement, now))
    return AgreementPreview(vendor, agreement, now, len(found.incidents), tuple(changes),
                            calendars_ahead(desk, agreement, now), _token(vendor, agreement, found))


_RUNNING, _BREACHED = ClockState.RUNNING.value, ClockState.BREACHED.value


def _moved(desk: Desk, incident: rows.RangeIncident, events: list[Event],
           cached_clocks: dict[str, CachedClock], old: Agreement, new: Agreement,
           now: datetime) -> list[DueChange]:
    """The due times of one incident that ``new`` moves, read at ``now``.

    Before comes from the cached clocks (they are the timeline's, as a test keeps them),
    except while a pause is open: then its due time depends on ``now``, and the clocks of
    the pinned version are computed again.
    """
    site = desk.sla.site(incident.site_zone, incident.site_country)
    key = incident_key(incident.number)
    before_clocks: dict[str, TargetState] | None = None
    moved = []
    metrics = set()
    for clock in compute_clocks(events, new, site, desk.sla.book):
        metrics.add(clock.metric)
        cached = cached_clocks.get(clock.metric)
        if cached is not None and cached.paused_since is None and clock.paused_since is None:
            if cached.due_at == clock.due:
                continue
            before_due = cached.due_at
            was_breached = cached.state == _BREACHED or (
                cached.state == _RUNNING and cached.due_at is not None and now >= cached.due_at)
        else:
            if before_clocks is None:
                before_clocks = {c.metric: c.at(now) for c in compute_clocks(
                    events, old, site, desk.sla.book)}
            state = before_clocks.get(clock.metric)
            before_due = state.due if state is not None else None
            was_breached = state is not None and state.state is ClockState.BREACHED
        after = clock.at(now)
        if before_due == after.due:
            continue
        moved.append(DueChange(key, clock.metric, before_due, after.due,
                               after.state is ClockState.BREACHED and not was_breached))
    for metric, cached in cached_clocks.items():  # targets the new version does not have
        if metric not in metrics and cached.due_at is not None:
            moved.append(DueChange(key, metric, cached.due_at, None, False))
    return moved


def calendars_ahead(desk: Desk, agreement: Agreement, now: datetime,
                    days: int = OPEN_TIME_DAYS) -> tuple[OpenTime, ...]:
    """Each calendar of the agreement with its open time over the next ``days``."""
    site = desk.sla.site()
    found = []
    for spec in agreement.calendars.values():
        calendar = desk.sla.book.calendar(spec, site)
        found.append(OpenTime(spec.key, spec.name, calendar.rules.zone, tuple(
            open_time(calendar, now, now + timedelta(days=days)))))
    return tuple(found)


def apply_agreement_change(desk: Desk, vendor: str, version: int,
                           expected: str | AgreementPreview, now: datetime, *,
                           author: str | None = None) -> int:
    """Pin the vendor's open incidents to its version ``version`` and recompute their
    clocks, in one transaction (closed incidents keep theirs); refused when the open
    incidents or the version are not what the preview (or its token) saw. The incidents are
    written at ``now``, by ``author``. Returns how many incidents were pinned."""
    token = expected.token if isinstance(expected, AgreementPreview) else expected
    with desk.work(author) as work:
        session = work.session
        catalog.lock_agreements(session)
        stored = catalog.version_source(session, vendor, version)
        if stored is None:
            _vendor_id(session, vendor)
            raise InputError(f"{vendor} has no version {version}")
        version_id, source = stored
        agreement = desk.parsed.get(session, version_id, source)
        vendor_id = _vendor_id(session, vendor)
        found = rows.read_open_of_vendor(session, vendor_id, lock=True)
        if _token(vendor, agreement, found) != token:
            raise StalePreviewError(
                f"{vendor}'s open incidents or version {version} changed since the preview; "
                "preview the change again")
        changes = _recomputed(desk, found, agreement, version_id)
        if changes:
            rows.write_changes(session, changes, {i.id: i.version for i in found.incidents})
        return rows.repin_open(session, vendor_id, version_id, author=work.author, at=now)


def _recomputed(desk: Desk, found: rows.Range, agreement: Agreement, version_id: int
                ) -> rows.CacheChanges:
    """The cached clocks and next due times of the incidents moving to ``agreement``."""
    moving = [i for i in found.incidents if i.agreement_version_id != version_id]
    ids = {incident.id for incident in moving}
    cached = {key: clock for key, clock in found.cached.items() if key[0] in ids}
    return cache_changes(desk, moving, found.timelines, cached, lambda _incident: agreement)

