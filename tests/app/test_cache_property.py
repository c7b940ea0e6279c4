"""The cached clocks always equal a fresh computation from the timeline.

Random valid (and some refused) histories of service actions at increasing random times over
a few weeks around DST changes and holidays, for every vendor and severity; after each
action the cache, a fresh computation, another desk's computation and the queue agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.app.recompute import recompute_range
from deskapp.core.clocks import TargetState
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, draft, open_desk, start_clock

SEVERITIES = {"maqsu": ("critical", "high", "medium", "low"), "magaya": ("1", "2", "3", "4"),
              "acelynk": ("critical", "major", "minor"), "catapult": ("1", "2", "3")}
TIERS = {"maqsu": ("I",), "magaya": ("I", "II(a)", "II(b)", "III"), "acelynk": ("I",),
         "catapult": ("1", "2", "3")}
OTHER_SITES: tuple[tuple[str, str | None], ...] = (
    ("Asia/Manila", "PH"), ("Europe/London", "GB"), ("America/Chicago", None))
SITES = (None, *OTHER_SITES)
ACTIONS = ("respond", "vendor reply", "pause", "resume", "customer update", "workaround",
           "resolve", "close", "reopen", "severity", "tier", "assign", "comment",
           "agree due date", "documentation", "site", "status")
STATUSES = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER,
            Status.WAITING_ON_VENDOR)


class Shared:
    desk: Desk
    other: Desk
    clock: Clock


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    url = sqlite_url(Path(tmp_path_factory.mktemp("cache")) / "desk.sqlite3")
    state = Shared()
    state.clock = start_clock()
    state.desk = open_desk(url, state.clock)
    state.other = open_desk(url, state.clock)  # its own agreements and calendars
    yield state
    state.desk.shutdown()
    state.other.shutdown()


starts = st.datetimes(min_value=datetime(2026, 10, 24), max_value=datetime(2027, 3, 20),
                      timezones=st.just(UTC))
gaps = st.one_of(st.integers(0, 90), st.integers(0, 24 * 60), st.integers(0, 4 * 24 * 60))
steps = st.lists(st.tuples(st.sampled_from(ACTIONS), gaps, st.integers(0, 1000),
                           st.booleans()), max_size=14)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    vendor = draw(st.sampled_from(sorted(SEVERITIES)))
    return {"vendor": vendor, "severity": draw(st.sampled_from(SEVERITIES[vendor])),
            "site": draw(st.sampled_from(SITES)) if vendor == "catapult" else None,
            "start": draw(starts), "steps": draw(steps)}


def act(desk: Desk, key: str, vendor: str, action: str, pick: int, when: datetime | None
        ) -> None:
    how: dict[str, Any] = {"author": ("ana", "bob", "cy")[pick % 3], "at": when}
    if action == "respond":
        desk.respond(key, "On it", **how)
    elif action == "vendor reply":
        desk.respond(key, "Vendor says", from_vendor=True, **how)
    elif action == "pause":
        desk.pause(key, "Asked for logs", **how)
    elif action == "resume":
        desk.resume(key, **how)
    elif action == "customer update":
        desk.customer_update(key, "More details", **how)
    elif action == "workaround":
        desk.provide_workaround(key, "Try this", **how)
    elif action == "resolve":
        desk.resolve(key, list(ResolutionType)[pick % len(ResolutionType)], **how)
    elif action == "close":
        desk.close(key, **how)
    elif action == "reopen":
        desk.reopen(key, "Came back", **how)
    elif action == "severity":
        severities = SEVERITIES[vendor]
        desk.change_severity(key, severities[pick % len(severities)], "Reassessed", **how)
    elif action == "tier":
        tiers = TIERS[vendor]
        desk.change_tier(key, tiers[pick % len(tiers)], **how)
    elif action == "assign":
        desk.assign(key, ("ana", "bob", "dee")[pick % 3], **how)
    elif action == "comment":
        desk.comment(key, f"note {pick}", **how)
    elif action == "agree due date":
        base = when or desk.clock()
        desk.agree_due_date(key, base + timedelta(hours=pick), **how)
    elif action == "documentation":
        desk.documentation_complete(key, **how)
    elif action == "site":
        zone, country = OTHER_SITES[pick % len(OTHER_SITES)]
        desk.update_fields(key, site_zone=zone, site_country=country or "", **how)
    elif action == "status":
        desk.set_status(key, STATUSES[pick % len(STATUSES)], **how)
    else:  # pragma: no cover
        raise AssertionError(action)


def expected_next_due(fresh: dict[str, dict[str, Any]], is_open: bool) -> datetime | None:
    dues = [c["due_at"] for c in fresh.values()
            if c["due_at"] is not None and c["met_at"] is None and c["paused_since"] is None]
    return min(dues) if dues and is_open else None


def check(shared: Shared, key: str) -> None:
    desk = shared.desk
    cached = desk.cached_clocks(key)
    fresh = desk.fresh_clocks(key)
    assert cached == fresh
    assert shared.other.fresh_clocks(key) == cached
    view = desk.show(key)
    rows = desk.queue(QueueFilter(view=View.ALL_OPEN if view.status.is_open else View.CLOSED,
                                  text=key))
    assert [row.key for row in rows] == [key]
    assert rows[0].next_due_at == expected_next_due(fresh, view.status.is_open)
    assert rows[0].version == view.version
    # The queue's countdowns, read from the cache, show what the incident's view shows.
    now = shared.clock()
    assert [reading(c.at(now)) for c in rows[0].clocks] == [reading(s) for s in view.clocks]
    # Recomputing in bulk, from only the kinds of event the clocks read, changes nothing.
    recompute_range(desk, rows[0].id, rows[0].id)
    assert desk.cached_clocks(key) == fresh
    assert desk.queue_rows([rows[0].id])[rows[0].id].next_due_at == rows[0].next_due_at
    for clock in fresh.values():
        if clock["due_at"] is not None:
            assert clock["clock_start"] is not None and clock["paused_seconds"] >= 0
            if clock["warning_at"] is not None:
                assert clock["warning_at"] <= clock["due_at"]


def reading(state: TargetState) -> tuple[object, ...]:
    return (state.metric, state.state, state.due, state.left_seconds, state.paused_seconds,
            state.warning, state.warning_at)


@settings(max_examples=45, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories())
def test_the_cache_always_equals_a_fresh_computation(shared: Shared,
                                                     history: dict[str, Any]) -> None:
    desk, clock = shared.desk, shared.clock
    moment: datetime = history["start"]
    clock.set(moment + timedelta(minutes=5))
    zone, country = history["site"] or (None, None)
    key = desk.log(draft(history["vendor"], history["severity"], site_zone=zone,
                         site_country=country), author="ana", at=moment).incident.key
    check(shared, key)
    for action, gap, pick, explicit in history["steps"]:
        moment += timedelta(minutes=gap)
        clock.set(moment + timedelta(minutes=pick % 7))
        before = desk.show(key)
        try:
            act(desk, key, history["vendor"], action, pick, moment if explicit else None)
        except InputError:
            after = desk.show(key)
            assert (after.version, after.events) == (before.version, before.events)
        else:
            after = desk.show(key)
            assert after.version > before.version
            assert len(after.events) > len(before.events)
            moment = max(moment, after.events[-1].at)
        check(shared, key)
