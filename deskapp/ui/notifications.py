"""Which targets just reached their warning point or breached, each told once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from deskapp.app.alerts import Alert, Kind, due_alerts
from deskapp.app.desk import Desk

__all__ = ["Alert", "Kind", "Notifier"]


class Notifier:
    """Tells what ``due_alerts`` finds between one check and the next; never twice for one
    event.

    An event is the incident, the metric, the kind and the due time: a due time moved by a
    pause or a severity change is a new event, told again when it comes. The first check
    only starts the span: opening the window brings no burst of old news (the queue's
    views show it). The instants were decided in business time by the cached clocks, and
    the agent's own threshold (``warn_seconds``) in each target's calendar.
    """

    def __init__(self, warn_seconds: float = 0, documents_after: float = 0,
                 me: str | None = None) -> None:
        self.warn_seconds = warn_seconds
        self.documents_after = documents_after  # business seconds; 0: no reminders
        self.me = me  # a reminder of missing documents is for its assignee (or anyone)
        self.told: set[tuple[int, str, Kind, datetime]] = set()
        self.since: datetime | None = None

    def start(self, now: datetime) -> None:
        """Tell only what happens after ``now`` (once; later calls change nothing)."""
        if self.since is None:
            self.since = now

    def check(self, desk: Desk, now: datetime) -> list[Alert]:
        """The alerts that are new at ``now``, read on the calling thread."""
        if self.since is None:
            self.start(now)
            return []
        return self.take(due_alerts(desk, self.since, now, self.warn_seconds,
                                    self.documents_after), now)

    def take(self, alerts: Iterable[Alert], now: datetime) -> list[Alert]:
        """The alerts found for the span up to ``now`` that were not told yet."""
        fresh = []
        for alert in alerts:
            if not self._for_me(alert):
                continue
            if alert.identity not in self.told:
                self.told.add(alert.identity)
                fresh.append(alert)
        before = self.since
        if before is None or now > before:
            self.since = now
        if before is not None:
            # A check asked later starts at ``before`` or after, so an event due by then
            # cannot be found again: forget it.
            self.told = {told for told in self.told if told[3] > before}
        return fresh

    def _for_me(self, alert: Alert) -> bool:
        if alert.kind is not Kind.DOCUMENTS or alert.assignee is None or self.me is None:
            return True
        return alert.assignee.casefold() == self.me.casefold()
