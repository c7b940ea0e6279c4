"""Which targets just reached their warning point or breached, each told once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from deskapp.app.views import QueueRow
from deskapp.core.calendar import format_duration
from deskapp.core.clocks import ClockState


class Kind(StrEnum):
    WARNING = "warning"
    BREACHED = "breached"


@dataclass(frozen=True)
class Alert:
    key: str
    metric: str
    kind: Kind
    due: datetime
    title: str
    vendor: str
    left_seconds: float

    @property
    def identity(self) -> tuple[str, str, Kind, datetime]:
        return (self.key, self.metric, self.kind, self.due)

    def headline(self) -> str:
        if self.kind is Kind.BREACHED:
            return f"{self.key} breached its {self.metric} target"
        return f"{self.key}: {self.metric} due in {format_duration(self.left_seconds)}"

    def body(self) -> str:
        return f"{self.vendor}: {self.title}"


class Notifier:
    """Decides alerts in business time from each target's state; never twice for one event.

    An event is the incident, the metric, the kind and the due time: a due time moved by a
    pause or a severity change is a new event, told again when it comes.
    """

    def __init__(self, warn_seconds: float = 0) -> None:
        self.warn_seconds = warn_seconds
        self.told: set[tuple[str, str, Kind, datetime]] = set()
        self.seeded = False

    def check(self, rows: Iterable[QueueRow], now: datetime) -> list[Alert]:
        """The alerts that are new at ``now``.

        The first check only records what is already late or warned about: opening the
        window should not bring a burst of old news (the queue's views show it).
        """
        fresh = []
        for row in rows:
            for clock in row.clocks:
                if clock.due is None or clock.met_at is not None:
                    continue
                state = clock.at(now)
                if state.due is None or state.left_seconds is None:
                    continue
                if state.state is ClockState.BREACHED:
                    kind = Kind.BREACHED
                elif state.state is ClockState.RUNNING and (
                        state.warning or (self.warn_seconds > 0
                                          and state.left_seconds <= self.warn_seconds)):
                    kind = Kind.WARNING
                else:
                    continue
                alert = Alert(row.key, clock.metric, kind, state.due, row.title, row.vendor,
                              state.left_seconds)
                if alert.identity not in self.told:
                    self.told.add(alert.identity)
                    fresh.append(alert)
        if not self.seeded:
            self.seeded = True
            return []
        return fresh
