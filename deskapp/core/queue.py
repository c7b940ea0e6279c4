"""The queue: its ready-made views and filters (what to list, not how it is read)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from deskapp.core.lifecycle import Status


class View(StrEnum):
    """The ready-made views of the queue."""

    MY_OPEN = "my open"
    BREACHING_SOON = "breaching soon"
    BREACHED = "breached"
    PAUSED = "paused"
    DUE_TODAY = "due today"
    WAITING_FOR_DOCUMENTATION = "waiting for documentation"
    LONG_BREACHED = "long breached"
    ALL_OPEN = "all open"
    CLOSED = "closed"


# A breach older than this is no longer today's work: it sinks below the queue's running
# and freshly breached targets, into a view of its own ("long breached").
LONG_BREACHED_AFTER = timedelta(days=7)
# How far "breaching soon" looks ahead unless the agent says.
BREACHING_SOON_WINDOW = timedelta(hours=2)


class Band(NamedTuple):
    """Part of the queue in next-due order: next due times after ``after`` and at or before
    ``until`` (None: no bound; ``no_due``: incidents with no running target)."""

    after: datetime | None = None
    until: datetime | None = None
    newest_first: bool = False
    no_due: bool = False


def search_words(text: str | None) -> list[str]:
    """The words a search looks for, each on its own (no duplicates, case ignored)."""
    return list(dict.fromkeys(word.casefold() for word in (text or "").split()))


# What separates the words of an incident's text in the full-text index: anything but a
# letter or a digit ("ace-77" is the words "ace" and "77", "dana@example.com" three words).
# The database's index splits the stored text the same way (db/versions/0004).
WORD_BREAKS = re.compile(r"[\W_]+")


def search_tokens(word: str) -> list[str]:
    """The indexed words one typed search word stands for, in order: a search word matches
    an incident whose text has these words one after the other, the last one as a prefix
    ("ace-7" finds "ACE-77"). Empty for a word of punctuation only ("%", "—"), which the
    index cannot find: such a word is looked for as literal text."""
    return [token for token in WORD_BREAKS.split(word.casefold()) if token]


def next_due_bands(view: View, now: datetime) -> tuple[Band, ...]:
    """The order that answers "what needs me next": running targets, soonest due first;
    then breaches of the last week, newest first; then incidents with no running target
    (paused, or waiting for documentation); then older breaches, newest first. The Breached
    view lists breaches newest first; Long breached only the older ones."""
    fresh = now - LONG_BREACHED_AFTER
    if view is View.BREACHED:
        return (Band(until=now, newest_first=True),)
    if view is View.LONG_BREACHED:
        return (Band(until=fresh, newest_first=True),)
    return (Band(after=now), Band(after=fresh, until=now, newest_first=True),
            Band(no_due=True), Band(until=fresh, newest_first=True))


class SortKey(StrEnum):
    """What a queue can be sorted by instead of its own order (a column of the window);
    the three metrics sort by their target's due time."""

    KEY = "key"
    VENDOR = "vendor"
    PRODUCT = "product"
    SEVERITY = "severity"
    TIER = "tier"
    STATUS = "status"
    ASSIGNEE = "assignee"
    TITLE = "title"
    REPORTED = "reported"
    RESPONSE = "response"
    WORKAROUND = "workaround"
    RESOLUTION = "resolution"


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
    text: str | None = None  # every word, in any order, somewhere in the incident
    everywhere: bool = False  # search every incident, open or closed, whatever the view
    limit: int | None = None
    sort: SortKey | None = None  # None: the view's own order
    descending: bool = False


def order_moves(since: datetime, now: datetime) -> tuple[tuple[datetime, datetime], ...]:
    """The spans in which a next due time moves its incident from one band to another
    between ``since`` and ``now``: it breached, or its breach grew long."""
    return ((since, now), (since - LONG_BREACHED_AFTER, now - LONG_BREACHED_AFTER))


class DueBound(NamedTuple):
    """A bound a view or filter puts on an incident's next due time: it must be ``op``
    (one of ``>``, ``>=``, ``<=``, ``<``) ``at``."""

    op: str
    at: datetime


def due_bounds(wanted: QueueFilter, now: datetime, office_zone: ZoneInfo) -> list[DueBound]:
    """The next due times a view and its "due within" filter keep (a search of every
    incident keeps them all)."""
    bounds: list[DueBound] = []
    if wanted.view is View.BREACHING_SOON:
        window = wanted.due_within or BREACHING_SOON_WINDOW
        bounds += [DueBound(">", now), DueBound("<=", now + window)]
    elif wanted.view is View.DUE_TODAY:
        # Due on the office's today, breached this morning included; older breaches are
        # not today's work.
        local = now.astimezone(office_zone).date()
        midnight = datetime.combine(local, datetime.min.time(), office_zone)
        bounds += [DueBound(">=", midnight), DueBound("<", midnight + timedelta(days=1))]
    if wanted.due_within is not None and wanted.view is not View.BREACHING_SOON:
        bounds.append(DueBound("<=", now + wanted.due_within))
    return bounds
