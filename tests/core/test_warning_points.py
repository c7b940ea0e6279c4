"""A warning point moves with its due time: a pause pushes both by the same business time,
closed or still open at the instant the clock is read."""

from __future__ import annotations

from deskapp.core.clocks import ClockState, TargetClock, compute_clocks
from deskapp.core.lifecycle import EventKind
from tests.core.test_clocks import NEW_YORK_SITE, at, created, event, state_of, status

# MAQSU high resolution: 12 business hours in Singapore (Mon-Fri 08:30-17:30, Sat
# 08:30-13:00), warning at 75 %, 9 business hours. Logged Mon Nov 16 09:00: the warning
# point is Mon 09:00-17:30 (8h30) + Tue 30 min = Tue Nov 17 09:00, the due time Mon 8h30 +
# Tue 3h30 = Tue 12:00.
LOGGED = created("2026-11-16T09:00+08:00", "high")
PAUSED = status("2026-11-16T12:00+08:00", "waiting on customer")
# Waiting on the customer from Mon 12:00 to Tue 12:00: Mon 12:00-17:30 (5h30) + Tue
# 08:30-12:00 (3h30) = 9 business hours. Both points move by them: the due time Tue 12:00 +
# 9h = Tue 5h30 + Wed 08:30-12:00 = Wed Nov 18 12:00, the warning point Tue 09:00 + 9h =
# Tue 8h30 + Wed 30 min = Wed 09:00.
MOVED_DUE = at("2026-11-18T12:00+08:00")
MOVED_WARNING = at("2026-11-18T09:00+08:00")


def test_without_a_pause_the_points_are_the_agreements(agreements, book) -> None:
    state = state_of(agreements, book, "maqsu", [LOGGED], "resolution",
                     "2026-11-17T08:59+08:00")
    assert (state.due, state.warning_at) == (at("2026-11-17T12:00+08:00"),
                                             at("2026-11-17T09:00+08:00"))
    assert not state.warning
    assert state_of(agreements, book, "maqsu", [LOGGED], "resolution",
                    "2026-11-17T09:00+08:00").warning


def test_an_open_pause_pushes_the_warning_point_with_the_due_time(agreements, book) -> None:
    events = [LOGGED, PAUSED]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-11-17T12:00+08:00")
    assert state.state is ClockState.PAUSED
    assert state.paused_seconds == 9 * 3600
    assert (state.due, state.warning_at) == (MOVED_DUE, MOVED_WARNING)
    assert not state.warning
    # The clock (as the cache keeps it) holds the points without the open pause; read at an
    # instant it derives both moved points, as a fresh computation does.
    [clock] = [c for c in compute_clocks(events, agreements["maqsu"], NEW_YORK_SITE, book)
               if c.metric == "resolution"]
    assert (clock.due, clock.warning_at) == (at("2026-11-17T12:00+08:00"),
                                             at("2026-11-17T09:00+08:00"))
    now = at("2026-11-17T12:00+08:00")
    assert (clock.due_at(now), clock.warning_point(now)) == (MOVED_DUE, MOVED_WARNING)
    # A clock rebuilt from the fields the cache keeps reads the same.
    cached = TargetClock(clock.metric, clock.target, clock.calendar, clock.clock_start,
                         clock.due, clock.warning_at, clock.met_at, clock.paused_since,
                         clock.paused_seconds, clock.cycles)
    assert cached.at(now) == state


def test_a_closed_pause_pushes_the_warning_point_with_the_due_time(agreements, book) -> None:
    events = [LOGGED, PAUSED, status("2026-11-17T12:00+08:00", "in progress")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-11-17T12:00+08:00")
    assert state.state is ClockState.RUNNING
    assert (state.due, state.warning_at) == (MOVED_DUE, MOVED_WARNING)
    assert (state.clock.due, state.clock.warning_at) == (MOVED_DUE, MOVED_WARNING)
    assert not state_of(agreements, book, "maqsu", events, "resolution",
                        "2026-11-18T08:59+08:00").warning
    assert state_of(agreements, book, "maqsu", events, "resolution",
                    "2026-11-18T09:00+08:00").warning


def test_a_pause_after_the_warning_point_keeps_the_warning(agreements, book) -> None:
    # Paused Tue 10:00, an hour after the warning point: read at 11:00, both points have
    # moved by the hour (warning 10:00, due 13:00) and the countdown still warns.
    events = [LOGGED, status("2026-11-17T10:00+08:00", "waiting on customer")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-11-17T11:00+08:00")
    assert state.state is ClockState.PAUSED
    assert (state.due, state.warning_at) == (at("2026-11-17T13:00+08:00"),
                                             at("2026-11-17T10:00+08:00"))
    assert state.warning


def test_a_paused_business_day_target_moves_its_warning_in_business_time(agreements,
                                                                         book) -> None:
    # Magaya sev 1 resolution: 2 business days (Eastern, Mon-Fri 07:00-20:00), warning
    # after one. Logged Tue Dec 1 10:00: warning Wed 10:00, due Thu 10:00. Waiting on the
    # customer from Tue 19:00, read Wed 08:00 with the pause still open: Tue 19-20 + Wed
    # 07-08 = 2 business hours (the night is closed), so warning Wed 12:00, due Thu 12:00.
    events = [created("2026-12-01T10:00-05:00", "1"),
              event(EventKind.RESPONSE_SENT, "2026-12-01T10:30-05:00"),
              status("2026-12-01T19:00-05:00", "waiting on customer")]
    state = state_of(agreements, book, "magaya", events, "resolution",
                     "2026-12-02T08:00-05:00")
    assert state.paused_seconds == 2 * 3600
    assert (state.due, state.warning_at) == (at("2026-12-03T12:00-05:00"),
                                             at("2026-12-02T12:00-05:00"))
    assert not state.warning
