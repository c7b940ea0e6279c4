"""The queue's queries: which incidents a view lists, in order, and the lines it shows."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Select, and_, select
from sqlalchemy.orm import aliased

from deskapp.core.keys import incident_key
from deskapp.core.lifecycle import Status
from deskapp.core.queue import (
    QueueFilter,
    SortKey,
    View,
    due_bounds,
    next_due_bands,
    search_words,
)
from deskapp.storage.clock_cache import CLOCK_FIELDS, CachedClock
from deskapp.storage.errors import damaged_row
from deskapp.storage.fast import first_column
from deskapp.storage.incident_record import QueueLine
from deskapp.storage.models import Incident, Product, User, Vendor
from deskapp.storage.search import matches_every_word
from deskapp.storage.timelines import CLOCKS


def queue_ids(connection: Connection, wanted: QueueFilter, now: datetime, *, me: str,
              office_zone: ZoneInfo, number: int | None,
              waiting_versions: Sequence[int] = ()) -> list[int]:
    """The ids of a view's incidents in queue order, sorted by the database; ``me`` is who
    "my open" means, ``number`` the incident number the search text names, if any, and
    ``waiting_versions`` the agreement versions whose clocks wait for documentation."""
    query = _filtered(wanted, now, me=me, office_zone=office_zone, number=number,
                      waiting_versions=waiting_versions, dialect=connection.dialect.name)
    view, limit = wanted.view, wanted.limit
    everywhere = wanted.everywhere and bool(search_words(wanted.text))
    if wanted.sort is not None:
        return first_column(connection, _sorted(query, wanted.sort, wanted.descending)
                            .limit(limit))
    if view is View.CLOSED or everywhere:  # the latest changed first
        return first_column(connection, query.order_by(
            Incident.updated_at.desc(), Incident.number.desc()).limit(limit))
    if view is View.WAITING_FOR_DOCUMENTATION:  # waited longest first
        return first_column(connection, query.order_by(Incident.reported_at, Incident.id)
                            .limit(limit))
    # Each band is read in the order of the (is_open, next_due_at, id) index, which answers
    # it alone, without sorting the open incidents.
    found: list[int] = []
    for band in next_due_bands(view, now):
        part = query
        if band.no_due:
            part = part.where(Incident.next_due_at.is_(None))
        if band.after is not None:
            part = part.where(Incident.next_due_at > band.after)
        if band.until is not None:
            part = part.where(Incident.next_due_at <= band.until)
        if band.newest_first:
            part = part.order_by(Incident.next_due_at.desc(), Incident.id.desc())
        else:
            part = part.order_by(Incident.next_due_at, Incident.id)
        found += first_column(connection, part.limit(
            None if limit is None else limit - len(found)))
        if limit is not None and len(found) >= limit:
            break
    return found


def _sorted(query: Select[Any], key: SortKey, descending: bool) -> Select[Any]:
    """``query`` ordered by ``key`` (then by number, so equal values keep one order);
    incidents without a value come last either way."""
    column: Any
    if key in _ON_INCIDENT:
        column = _ON_INCIDENT[key]
    elif key is SortKey.VENDOR:
        vendor = aliased(Vendor)
        query = query.join(vendor, Incident.vendor_id == vendor.id)
        column = vendor.key
    elif key is SortKey.PRODUCT:
        product = aliased(Product)
        query = query.join(product, Incident.product_id == product.id)
        column = product.name
    elif key is SortKey.ASSIGNEE:
        person = aliased(User)
        query = query.outerjoin(person, Incident.assignee_id == person.id)
        column = person.name
    else:  # a metric: its target's due time
        clock = CLOCKS.alias("sorted_clock")
        query = query.outerjoin(clock, and_(clock.c.incident_id == Incident.id,
                                            clock.c.metric == key.value))
        column = clock.c.due_at
    order = column.desc() if descending else column.asc()
    number = Incident.number.desc() if descending else Incident.number.asc()
    return query.order_by(order.nulls_last(), number)


_ON_INCIDENT: dict[SortKey, Any] = {
    SortKey.KEY: Incident.number, SortKey.SEVERITY: Incident.severity,
    SortKey.TIER: Incident.tier, SortKey.STATUS: Incident.status,
    SortKey.TITLE: Incident.title, SortKey.REPORTED: Incident.reported_at}


def _filtered(wanted: QueueFilter, now: datetime, *, me: str, office_zone: ZoneInfo,
              number: int | None, waiting_versions: Sequence[int], dialect: str
              ) -> Select[Any]:
    """The open (or, for Closed, closed) incidents a view and its filters keep, unordered."""
    query = select(Incident.id)
    view = wanted.view
    words = search_words(wanted.text)
    if wanted.everywhere and words:
        return query.where(matches_every_word(words, number, dialect))  # open and closed alike
    if view is View.CLOSED:
        query = query.where(Incident.is_open.is_(False))
    else:
        query = query.where(Incident.is_open.is_(True))
    if view is View.MY_OPEN:
        query = query.join(User, Incident.assignee_id == User.id).where(User.name == me)
    elif view is View.PAUSED:
        query = query.where(Incident.status == Status.WAITING_ON_CUSTOMER.value)
    elif view is View.WAITING_FOR_DOCUMENTATION:
        query = query.where(Incident.documentation_complete_at.is_(None),
                            Incident.agreement_version_id.in_(list(waiting_versions)))
    for bound in due_bounds(wanted, now, office_zone):
        query = query.where(_COMPARED[bound.op](Incident.next_due_at, bound.at))
    # Joined only when a filter needs them, and explicitly: Product is also reachable
    # through Vendor.products, which would list an incident once per vendor product.
    if wanted.vendor:
        query = query.join(Vendor, Incident.vendor_id == Vendor.id).where(
            Vendor.key == wanted.vendor)
    if wanted.severity:
        query = query.where(Incident.severity == wanted.severity)
    if wanted.tier:
        query = query.where(Incident.tier == wanted.tier)
    if wanted.status is not None:
        query = query.where(Incident.status == wanted.status.value)
    if wanted.assignee:
        assignee = aliased(User)
        query = query.join(assignee, Incident.assignee_id == assignee.id).where(
            assignee.name == wanted.assignee)
    if words:
        query = query.where(matches_every_word(words, number, dialect))
    return query


_COMPARED = {">": operator.gt, ">=": operator.ge, "<=": operator.le, "<": operator.lt}


def any_due_in(connection: Connection, spans: Sequence[tuple[datetime, datetime]]) -> bool:
    """Whether an open incident's next due time falls in one of ``spans`` (after the first
    instant, at or before the second); each span is a range of the queue index."""
    for after, until in spans:
        found = connection.execute(select(Incident.id).where(
            Incident.is_open.is_(True), Incident.next_due_at > after,
            Incident.next_due_at <= until).limit(1)).first()
        if found is not None:
            return True
    return False


_ASSIGNEE = aliased(User)
_LINES = (
    select(Incident.id, Incident.number, Incident.agreement_version_id,
           Incident.site_zone, Incident.site_country,
           Vendor.key.label("vendor"), Product.name.label("product"),
           Incident.severity, Incident.tier, Incident.status,
           _ASSIGNEE.name.label("assignee"), Incident.title,
           Incident.reported_at, Incident.next_due_at, Incident.version)
    .join(Vendor, Incident.vendor_id == Vendor.id)
    .join(Product, Incident.product_id == Product.id)
    .outerjoin(_ASSIGNEE, Incident.assignee_id == _ASSIGNEE.id))
_CLOCK_COLUMNS = (CLOCKS.c.incident_id, CLOCKS.c.metric,
                  *(CLOCKS.c[name] for name in CLOCK_FIELDS))


def queue_lines(connection: Connection, ids: Sequence[int]
                ) -> list[tuple[QueueLine, list[tuple[str, CachedClock]]]]:
    """The rows of these incidents for queue lines, each with its cached clocks (metric,
    clock); plain rows, for this runs as the agent scrolls."""
    found: list[tuple[QueueLine, list[tuple[str, CachedClock]]]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        clocks: dict[int, list[tuple[str, CachedClock]]] = {}
        for row in connection.execute(select(*_CLOCK_COLUMNS)
                                      .where(CLOCKS.c.incident_id.in_(chunk))):
            clocks.setdefault(row[0], []).append((row[1], CachedClock(*row[2:])))
        for row in connection.execute(_LINES.where(Incident.id.in_(chunk))):
            try:
                Status(row.status)
            except ValueError as exc:
                raise damaged_row(f"incident {incident_key(row.number)}", exc,
                                  connection.engine.url) from None
            found.append((QueueLine._make(row), clocks.get(row.id, [])))
    return found

