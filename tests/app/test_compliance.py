"""Compliance through the desk service: every cell of the report equals what the incidents'
own clocks say (``desk.show``, what ``deskapp incident show --json`` prints), on SQLite and
on PostgreSQL; and the edge cases: a month in the vendor's zone, not the office's; a
severity changed mid-incident; reopened incidents; paused time; a month with no incidents.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentView
from deskapp.core.agreement import Unit
from deskapp.core.clocks import ClockState, TargetState
from deskapp.core.compliance import ComplianceRow, Outcome, Period, percentile
from deskapp.core.errors import InputError
from deskapp.core.goals import GoalState
from deskapp.core.lifecycle import EventKind, ResolutionType
from deskapp.storage.migrate import alembic_config
from tests.app.support import Clock, at, clock_of, draft, open_desk

# Each vendor's periods are read in its own zone (that of its first calendar that does not
# follow the client's site), whatever the office's.
ZONES = {"maqsu": "Asia/Singapore", "magaya": "America/New_York",
         "acelynk": "America/New_York", "catapult": "America/Chicago"}
SEVERITIES = {"maqsu": ("critical", "high", "medium", "low"),
              "magaya": ("1", "2", "3"),
              "acelynk": ("critical", "major", "minor"),
              "catapult": ("1", "2", "3")}
OUTCOMES = {ClockState.MET: Outcome.MET, ClockState.BREACHED: Outcome.BREACHED,
            ClockState.RUNNING: Outcome.RUNNING, ClockState.PAUSED: Outcome.RUNNING,
            ClockState.PENDING: Outcome.PENDING}
NOW = at("2026-12-16T15:00+00:00")


def _in(period: Period, view: IncidentView) -> bool:
    zone = ZoneInfo(ZONES[view.vendor])
    return period.first <= view.reported_at.astimezone(zone).date() <= period.last


def _taken(state: TargetState) -> float | None:
    """The time to target the clock itself says: clock start to answer, pauses left out."""
    clock = state.clock
    if clock.met_at is None or clock.clock_start is None:
        return None
    if clock.target.unit is Unit.CALENDAR_HOURS:
        taken = (clock.met_at - clock.clock_start).total_seconds()
    else:
        taken = clock.calendar.business_seconds_between(clock.clock_start, clock.met_at)
    return max(0.0, taken - clock.paused_seconds)


def _expected(views: list[IncidentView], period: Period
              ) -> dict[tuple[str, str, str], dict[str, list[float] | set[int]]]:
    """Per vendor, severity and target: the incidents of each outcome, those whose
    severity changed, and the times to target, from each incident's own clocks."""
    cells: dict[tuple[str, str, str], dict[str, list[float] | set[int]]] = {}
    for view in views:
        if not _in(period, view):
            continue
        changed = any(e.kind is EventKind.SEVERITY_CHANGED for e in view.events)
        for state in view.clocks:
            cell = cells.setdefault((view.vendor, view.severity, state.metric), {
                **{which.value: set() for which in Outcome}, "changed": set(), "taken": []})
            numbers = cell[OUTCOMES[state.state].value]
            assert isinstance(numbers, set)
            numbers.add(view.number)
            if changed:
                changed_numbers = cell["changed"]
                assert isinstance(changed_numbers, set)
                changed_numbers.add(view.number)
            taken = _taken(state)
            if taken is not None:
                times = cell["taken"]
                assert isinstance(times, list)
                times.append(taken)
    return cells


def _check_every_cell(desk: Desk, views: list[IncidentView], period: Period) -> int:
    report = desk.compliance(period, now=NOW)
    expected = _expected(views, period)
    seen = set()
    for row in report.rows:
        key = (row.vendor, row.severity, row.metric)
        seen.add(key)
        cell = expected.get(key)
        if cell is None:
            assert row.logged == 0, key
            assert row.achievement is None and row.median_seconds is None
            continue
        assert set(row.met_numbers) == cell["met"], key
        assert set(row.breached_numbers) == cell["breached"], key
        assert set(row.running_numbers) == cell["running"], key
        assert set(row.pending_numbers) == cell["pending"], key
        assert set(row.severity_changed_numbers) == cell["changed"], key
        assert row.logged == sum(len(cell[w.value]) for w in Outcome)  # type: ignore[arg-type]
        counted = row.met + row.breached
        assert row.achievement == (pytest.approx(100 * row.met / counted) if counted else None)
        times = sorted(cell["taken"])  # type: ignore[type-var]
        if times:
            assert row.median_seconds == pytest.approx(statistics.median(times), abs=1e-3)
            assert row.p90_seconds == pytest.approx(percentile(times, 0.9), abs=1e-3)
        else:
            assert row.median_seconds is None and row.p90_seconds is None
    assert set(expected) <= seen  # every clock is in a row
    # Every breach is on the weekday and hour grid, at its due time in the vendor's zone.
    assert sorted(n for numbers in report.grid.numbers.values() for n in numbers) == sorted(
        n for row in report.rows for n in row.breached_numbers)
    dues = {(view.number, state.metric): state.due for view in views for state in view.clocks
            if _in(period, view) and state.state is ClockState.BREACHED}
    for (weekday, hour), numbers in report.grid.numbers.items():
        for number in numbers:
            assert any(due is not None and (due.astimezone(ZoneInfo(ZONES[vendor])).weekday(),
                                            due.astimezone(ZoneInfo(ZONES[vendor])).hour)
                       == (weekday, hour)
                       for (n, _), due in dues.items() if n == number
                       for vendor in ZONES if vendor == _vendor_of(views, number))
    # The goals that are shares of a row count what the row counts.
    for goal in report.goals:
        row = next((r for r in report.rows if r.goal_key == goal.key
                    and r.vendor == goal.vendor), None)
        if row is not None:
            assert (goal.met_numbers, goal.breached_numbers) == (row.met_numbers,
                                                                 row.breached_numbers)
    # Magaya's "Tier I resolves 90 % within 1 business day of logging", from the clocks.
    tier_i = next(goal for goal in report.goals if goal.key == "tier-i-resolution")
    expected_goal: dict[Outcome, set[int]] = {which: set() for which in Outcome}
    for view in views:
        if view.vendor != "magaya" or not _in(period, view):
            continue
        clock = clock_of(view.clocks, "resolution").clock
        if clock.clock_start is None:
            expected_goal[Outcome.PENDING].add(view.number)
            continue
        due = clock.calendar.add_business_days(clock.clock_start, 1)
        if clock.paused_seconds:
            due = clock.calendar.add_business_seconds(due, clock.paused_seconds)
        if clock.met_at is not None:
            which = (Outcome.MET if clock.met_at <= due and view.tier == "I"
                     else Outcome.BREACHED)
        elif clock.paused_since is not None or due > NOW:
            which = Outcome.RUNNING
        else:
            which = Outcome.BREACHED
        expected_goal[which].add(view.number)
    assert set(tier_i.met_numbers) == expected_goal[Outcome.MET]
    assert set(tier_i.breached_numbers) == expected_goal[Outcome.BREACHED]
    assert set(tier_i.running_numbers) == expected_goal[Outcome.RUNNING]
    return sum(row.logged for row in report.rows)


def _vendor_of(views: list[IncidentView], number: int) -> str:
    return next(view.vendor for view in views if view.number == number)


def _build(desk: Desk, clock: Clock, incidents: int, seed: int) -> list[str]:
    """Incidents over three months through the service, each worked by random actions at
    increasing times (the service refuses the ones its state does not allow)."""
    rng = random.Random(seed)
    clock.set(NOW)
    first = at("2026-09-28T00:00+00:00")
    keys = []
    for _ in range(incidents):
        vendor = rng.choice(sorted(ZONES))
        severity = rng.choice(SEVERITIES[vendor])
        moment = first + timedelta(minutes=rng.randrange(0, 78 * 24 * 60))
        key = desk.log(draft(vendor, severity), at=moment).incident.key
        keys.append(key)
        actions: list[Callable[[datetime], object]] = [
            lambda t, k=key: desk.respond(k, "on it", at=t),
            lambda t, k=key: desk.pause(k, "asked for logs", at=t),
            lambda t, k=key: desk.resume(k, at=t),
            lambda t, k=key, v=vendor: desk.change_severity(
                k, rng.choice(SEVERITIES[v]), "reassessed", at=t),
            lambda t, k=key: desk.escalate(k, at=t),
            lambda t, k=key: desk.resolve(k, ResolutionType.ANSWER, at=t),
            lambda t, k=key: desk.reopen(k, "not fixed", at=t),
            lambda t, k=key: desk.customer_update(k, "any news?", at=t),
            lambda t, k=key: desk.documentation_complete(k, at=t),
        ]
        for _ in range(rng.randrange(0, 7)):
            moment += timedelta(minutes=rng.choice((5, 40, 90, 300, 1500, 4000)))
            if moment >= NOW:
                break
            with suppress(InputError):  # not allowed in the state the incident is in
                rng.choice(actions)(moment)
    return keys


def test_every_cell_of_the_report_is_what_the_incidents_clocks_say(desk: Desk,
                                                                   clock: Clock) -> None:
    keys = _build(desk, clock, 70, seed=11)
    views = [desk.show(key, NOW) for key in keys]
    counted = 0
    for month in (Period.month(2026, 9), Period.month(2026, 10), Period.month(2026, 11),
                  Period.month(2026, 12)):
        counted += _check_every_cell(desk, views, month)
    # Every clock of every incident is counted once, in the month of its vendor's zone.
    assert counted == sum(len(view.clocks) for view in views)
    # Any range of days too.
    _check_every_cell(desk, views, Period.days(at("2026-10-20T00:00Z").date(),
                                               at("2026-11-10T00:00Z").date()))


def test_a_database_that_kept_no_times_to_target_reports_the_same_once_opened(
        desk: Desk, clock: Clock) -> None:
    # A database of the schema before clocks kept their time to target: opening it with
    # this version migrates it and recomputes every clock, which fills them in.
    keys = _build(desk, clock, 40, seed=5)
    views = [desk.show(key, NOW) for key in keys]
    november = Period.month(2026, 11)
    before = desk.compliance(november, now=NOW)
    url = desk.database.url_for_worker()
    config = alembic_config()
    with desk.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    desk.shutdown()
    reopened = open_desk(url, clock)
    try:
        assert reopened.database.migrated
        answered = 0
        for view in views:
            cached = reopened.cached_clocks(view.key)
            for state in view.clocks:
                taken = state.clock.time_to_target
                answered += taken is not None
                assert cached[state.metric]["taken_seconds"] == taken, (view.key, state.metric)
        assert answered > 20
        _check_every_cell(reopened, views, november)
        assert reopened.compliance(november, now=NOW).rows == before.rows
    finally:
        reopened.shutdown()


def test_a_month_is_the_vendors_own_not_the_offices(desk: Desk, clock: Clock) -> None:
    # 20:00 on Nov 30 in the New York office is already Dec 1, 09:00 in Singapore: a MAQSU
    # incident of December; the same instant is an ACELYNK incident of November.
    clock.set(NOW)
    instant = at("2026-11-30T20:00-05:00")
    maqsu = desk.log(draft("maqsu", "high"), at=instant).incident.number
    acelynk = desk.log(draft("acelynk", "minor"), at=instant).incident.number
    # 23:30 on Oct 31 in Chicago (Catapult's zone) is Nov 1 in New York: October's.
    catapult = desk.log(draft("catapult", "2"), at=at("2026-10-31T23:30-05:00")).incident.number
    november = desk.compliance(Period.month(2026, 11), now=NOW)
    december = desk.compliance(Period.month(2026, 12), now=NOW)
    october = desk.compliance(Period.month(2026, 10), now=NOW)

    def numbers(report_rows: tuple[ComplianceRow, ...]) -> set[int]:
        return {n for row in report_rows for which in Outcome
                for n in (row.met_numbers + row.breached_numbers + row.running_numbers
                          + row.pending_numbers)}
    assert numbers(november.rows_of("maqsu")) == set()
    assert numbers(december.rows_of("maqsu")) == {maqsu}
    assert numbers(november.rows_of("acelynk")) == {acelynk}
    assert numbers(december.rows_of("acelynk")) == set()
    assert numbers(october.rows_of("catapult")) == {catapult}
    assert numbers(november.rows_of("catapult")) == set()
    assert december.zones["maqsu"] == "Asia/Singapore"
    assert october.zones["catapult"] == "America/Chicago"


def test_a_severity_changed_mid_incident_counts_under_its_final_one(desk: Desk,
                                                                   clock: Clock) -> None:
    clock.set(NOW)
    key = desk.log(draft("acelynk", "minor"), at=at("2026-11-02T09:00-05:00")).incident.key
    desk.change_severity(key, "critical", "a filing is due tomorrow",
                         at=at("2026-11-02T09:30-05:00"))
    # Critical: 2 calendar hours from 09:00: answered 10:30, met.
    desk.respond(key, "on it", at=at("2026-11-02T10:30-05:00"))
    report = desk.compliance(Period.month(2026, 11), now=NOW)
    rows = {row.severity: row for row in report.rows_of("acelynk")}
    assert rows["critical"].met_numbers == (1,)
    assert rows["critical"].severity_changed_numbers == (1,)
    assert rows["minor"].logged == 0
    assert any("INC-000001" in note and "final severity" in note for note in report.notes)
    assert rows["critical"].median_seconds == 90 * 60


def test_reopened_incidents_count_their_resolution_again(desk: Desk, clock: Clock) -> None:
    # MAQSU high, logged Mon Nov 2 09:00 Singapore: resolution 12 business hours, due Tue
    # Nov 3 12:00; response 4 business hours, due Mon 13:00. Resolved Mon 12:00 (both met),
    # reopened Tue 09:00: the resolution runs again against its original due time.
    clock.set(NOW)
    key = desk.log(draft("maqsu", "high"), at=at("2026-11-02T09:00+08:00")).incident.key
    desk.resolve(key, ResolutionType.ANSWER, at=at("2026-11-02T12:00+08:00"))
    desk.reopen(key, "still failing", at=at("2026-11-03T09:00+08:00"))
    period = Period.month(2026, 11)

    def resolution(now: datetime) -> ComplianceRow:
        rows = desk.compliance(period, "maqsu", now=now).rows_of("maqsu")
        return next(r for r in rows if r.severity == "high" and r.metric == "resolution")
    # Tue 10:00: running again, not yet due; Tue 13:00: past due, missed.
    assert resolution(at("2026-11-03T10:00+08:00")).running_numbers == (1,)
    assert resolution(at("2026-11-03T13:00+08:00")).breached_numbers == (1,)
    # The response was met by the first resolution and stays met.
    rows = desk.compliance(period, "maqsu", now=NOW).rows_of("maqsu")
    assert next(r for r in rows if r.severity == "high" and r.metric == "response"
                ).met_numbers == (1,)
    # Resolved again Wed 10:00, late: breached, once.
    desk.resolve(key, ResolutionType.ANSWER, at=at("2026-11-04T10:00+08:00"))
    row = resolution(NOW)
    assert (row.met, row.breached, row.running) == (0, 1, 0)
    view = desk.show(key, NOW)
    assert clock_of(view.clocks, "resolution").state is ClockState.BREACHED


def test_paused_time_is_neither_met_nor_missed_and_not_counted(desk: Desk, clock: Clock) -> None:
    # MAQSU high from Mon Nov 2 09:00 Singapore: resolution due Tue 12:00 unpaused. Waiting
    # on the customer from Mon 10:00.
    clock.set(NOW)
    key = desk.log(draft("maqsu", "high"), at=at("2026-11-02T09:00+08:00")).incident.key
    desk.respond(key, "on it", at=at("2026-11-02T09:30+08:00"))
    desk.pause(key, "asked for logs", at=at("2026-11-02T10:00+08:00"))
    period = Period.month(2026, 11)

    def resolution(now: datetime) -> ComplianceRow:
        rows = desk.compliance(period, "maqsu", now=now).rows_of("maqsu")
        return next(r for r in rows if r.severity == "high" and r.metric == "resolution")
    # Wed 09:00, past the unpaused due time, still paused: running, not missed.
    assert resolution(at("2026-11-04T09:00+08:00")).running_numbers == (1,)
    # Resumed Wed 09:00 (Mon 7h30 + Tue 9h = 16h30 paused), resolved Wed 12:00: 1h + 3h
    # of business time to target, pauses left out; met (due moved to Thu 10:30).
    desk.resume(key, at=at("2026-11-04T09:00+08:00"))
    desk.resolve(key, ResolutionType.ANSWER, at=at("2026-11-04T12:00+08:00"))
    row = resolution(NOW)
    assert row.met_numbers == (1,)
    assert row.median_seconds == pytest.approx(4 * 3600)
    response = next(r for r in desk.compliance(period, "maqsu", now=NOW).rows_of("maqsu")
                    if r.severity == "high" and r.metric == "response")
    assert response.median_seconds == pytest.approx(30 * 60)


def test_a_month_with_no_incidents(desk: Desk, clock: Clock) -> None:
    clock.set(NOW)
    report = desk.compliance(Period.month(2026, 8), now=NOW)
    assert report.logged == 0
    assert report.vendors == ("acelynk", "catapult", "magaya", "maqsu")
    assert report.rows and all(row.logged == 0 and row.achievement is None
                               and row.difference is None for row in report.rows)
    assert report.grid.total == 0
    measured = [goal for goal in report.goals if goal.state is not GoalState.NOT_MEASURED]
    assert measured and all(goal.state is GoalState.NO_TICKETS for goal in measured)
    critical = next(g for g in report.goals if g.key == "critical-response")
    assert "Below 20 tickets, a goal of 95 % fails on its first miss." in critical.wording
    assert all(late.breached == 0 and not late.shares
               for late in desk.late_time(Period.month(2026, 8), now=NOW))


def test_goals_this_month_trend_and_where_late_time_went(desk: Desk, clock: Clock) -> None:
    clock.set(NOW)
    # ACELYNK critical (2 calendar hours): one met, one answered late in December.
    met = desk.log(draft("acelynk", "critical"), at=at("2026-12-01T09:00-05:00")).incident.key
    desk.respond(met, "on it", at=at("2026-12-01T10:00-05:00"))
    late = desk.log(draft("acelynk", "critical"), at=at("2026-12-02T09:00-05:00")).incident.key
    desk.pause(late, "asked for the filing", at=at("2026-12-02T10:00-05:00"))
    desk.resume(late, at=at("2026-12-02T11:00-05:00"))
    desk.respond(late, "on it", at=at("2026-12-02T12:00-05:00"))
    goals = {goal.key: goal for goal in desk.goals_now("acelynk", now=NOW)}
    critical = goals["critical-response"]
    assert critical.period == Period.month(2026, 12)
    assert (critical.met, critical.breached, critical.state) == (1, 1, GoalState.BELOW)
    assert critical.keys(Outcome.BREACHED) == (late,)
    assert "18 more tickets met in time would bring it back" in critical.wording
    assert goals["availability"].state is GoalState.NOT_MEASURED
    trend = {t.key: t for t in desk.goal_trend(3, "acelynk", now=NOW)}
    months = trend["critical-response"].months
    assert [m.period.label for m in months] == ["2026-10", "2026-11", "2026-12"]
    assert [m.tickets for m in months] == [0, 0, 2]
    # The late response ran 3 hours: 1 waiting on the customer (a response does not pause,
    # so it counted), 2 at ACELYNK's one tier.
    (found,) = desk.late_time(Period.month(2026, 12), "acelynk", now=NOW)
    shares = {share.label: share.seconds for share in found.shares}
    (tier,) = [t.key for t in desk.agreements()["acelynk"].tiers]
    assert shares == {f"tier {tier}": 7200, "waiting on the customer": 3600}
    assert found.breached == 1
    # The breach is placed at its due time, Wed 11:00 in New York.
    report = desk.compliance(Period.month(2026, 12), "acelynk", now=NOW)
    assert report.grid.counts[2][11] == 1 and report.grid.total == 1


def test_an_unknown_vendor_is_refused(desk: Desk) -> None:
    with pytest.raises(InputError, match="unknown vendor 'nobody'; expected one of: acelynk"):
        desk.compliance(Period.month(2026, 11), "nobody", now=NOW)
    with pytest.raises(InputError, match="1 to 120 months"):
        desk.goal_trend(0, now=NOW)


def test_goals_this_month_are_each_vendors_month(desk: Desk, clock: Clock) -> None:
    # 20:00 on Nov 30 in New York is already December in Singapore.
    clock.set(NOW)
    evening = at("2026-11-30T20:00-05:00")
    periods = {(goal.vendor, goal.key): goal.period for goal in desk.goals_now(now=evening)}
    assert periods[("maqsu", "availability")] == Period.month(2026, 12)
    assert periods[("acelynk", "critical-response")] == Period.month(2026, 11)
    trends = desk.goal_trend(2, now=evening)
    assert [t.vendor for t in trends] == sorted(t.vendor for t in trends)
    months = {(t.vendor, t.key): [m.period.label for m in t.months] for t in trends}
    assert months[("maqsu", "availability")] == ["2026-11", "2026-12"]
    assert months[("magaya", "tier-i-resolution")] == ["2026-10", "2026-11"]


def test_a_report_is_the_same_whichever_way_its_clocks_are_read(
        desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    # Most of the database's incidents: every clock is read and those of other periods left
    # out; a few: only theirs are read, through the index. Both give the same report.
    from deskapp.storage import compliance as store

    _build(desk, clock, 40, seed=5)
    for period in (Period.month(2026, 10), Period.month(2026, 12)):
        reports = []
        for most in (True, False):
            monkeypatch.setattr(store, "most_of_database",
                                lambda session, windows, most=most: most)
            reports.append(desk.compliance(period, now=NOW))
        assert reports[0] == reports[1]
        assert reports[0].logged > 0
