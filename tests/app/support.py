"""Helpers for the desk tests: a controllable clock, drafts, and 'nothing was written' checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.clocks import TargetState
from deskapp.core.lifecycle import Event
from deskapp.office import Office
from deskapp.storage.models import Incident, IncidentEvent, TargetClock, User

NEW_YORK_OFFICE = Office("America/New_York", "US")
PRODUCTS = {"maqsu": "MAQSU Services", "magaya": "Magaya Software", "acelynk": "Navigator",
            "catapult": "Application Services"}


def at(text: str) -> datetime:
    """An instant from ISO text, always with its offset."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, "tests give every instant with its offset"
    return moment


class Clock:
    """The desk's 'now', set and moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: str | datetime) -> datetime:
        self.now = at(moment) if isinstance(moment, str) else moment
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def start_clock() -> Clock:
    # After every worked example, so that each "at" in the past is allowed.
    return Clock(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))


def draft(vendor: str = "maqsu", severity: str = "high", title: str = "Orders will not save",
          **more: Any) -> IncidentDraft:
    more.setdefault("product", PRODUCTS.get(vendor, "Any product"))
    more.setdefault("channel", "portal" if vendor == "acelynk" else "phone")
    return IncidentDraft(vendor=vendor, title=title, severity=severity, **more)


def open_desk(url: str, clock: Clock | None = None) -> Desk:
    return Desk.open(url, office=NEW_YORK_OFFICE, clock=clock)


def clock_of(states: tuple[TargetState, ...] | list[TargetState], metric: str) -> TargetState:
    return next(s for s in states if s.metric == metric)


@dataclass(frozen=True)
class Snapshot:
    """Everything a refused action must leave as it was, read back from the database."""

    rows: tuple[Any, ...]
    events: tuple[Event, ...]
    version: int | None
    cached: dict[str, dict[str, Any]] | None


def snapshot(desk: Desk, key: str | None = None) -> Snapshot:
    with desk.database.sessions() as session:
        rows: tuple[Any, ...] = tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (Incident, IncidentEvent, TargetClock, User))
        rows += tuple(session.execute(
            select(Incident.number, Incident.version, Incident.status, Incident.severity,
                   Incident.updated_at, Incident.next_due_at).order_by(Incident.number)).all())
    if key is None:
        return Snapshot(rows, (), None, None)
    view = desk.show(key)
    return Snapshot(rows, view.events, view.version, desk.cached_clocks(key))
