"""`deskapp demo` and deskapp.app.demo: reproducible, realistic data whose cached clocks are
the ones the service computes, written in bulk exactly as the service would write it."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskapp.app import demo
from deskapp.app.desk import Desk
from deskapp.cli import incident as incident_cli
from deskapp.cli import main
from deskapp.core.sla import target_calendar
from deskapp.office import Office
from deskapp.storage.engine import open_engine, sqlite_url

END = "2026-11-20T17:00:00+00:00"
NOW = datetime.fromisoformat("2026-11-21T09:00:00+00:00")


@pytest.fixture(autouse=True)
def office_and_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.setenv("DESKAPP_OFFICE_COUNTRY", "SG")
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setattr(incident_cli, "clock", lambda: NOW)


def run_demo(capsys: pytest.CaptureFixture[str], db: str, *options: str) -> tuple[int, str, str]:
    code = main(["demo", "--end", END, "--quiet", "--db", db, *options])
    out, err = capsys.readouterr()
    return code, out, err


def filled(capsys: pytest.CaptureFixture[str], db: str, *options: str) -> str:
    code, out, err = run_demo(capsys, db, *options)
    assert (code, err) == (0, ""), err
    return out


def dump(url: str, *, versions: bool = True) -> dict[str, list[Any]]:
    """Every row the demo writes, by incident number instead of database ids."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            incidents = [dict(row) for row in connection.execute(text(
                "SELECT i.*, v.key AS vendor_key, p.name AS product_name, u.name AS assignee "
                "FROM incidents i JOIN vendors v ON v.id = i.vendor_id "
                "JOIN products p ON p.id = i.product_id "
                "LEFT JOIN users u ON u.id = i.assignee_id ORDER BY i.number")).mappings()]
            for row in incidents:
                for column in ("id", "vendor_id", "product_id", "assignee_id",
                               "agreement_version_id", *(() if versions else ("version",))):
                    del row[column]
            events = [tuple(row) for row in connection.execute(text(
                "SELECT i.number, e.seq, e.kind, e.at, e.recorded_at, e.author, e.data "
                "FROM incident_events e JOIN incidents i ON i.id = e.incident_id "
                "ORDER BY i.number, e.seq"))]
            clocks = [tuple(row) for row in connection.execute(text(
                "SELECT i.number, c.metric, c.state, c.clock_start, c.due_at, c.warning_at, "
                "c.met_at, c.paused_since, c.paused_seconds, c.cycles FROM target_clocks c "
                "JOIN incidents i ON i.id = c.incident_id ORDER BY i.number, c.metric"))]
            users = sorted(name for (name,) in connection.execute(text(
                "SELECT name FROM users")))
    finally:
        engine.dispose()
    return {"incidents": incidents, "events": events, "clocks": clocks, "users": users}


def test_the_same_seed_gives_the_same_realistic_year(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    first, again, other = (sqlite_url(tmp_path / f"{name}.db")
                           for name in ("first", "again", "other"))
    out = filled(capsys, first, "--incidents", "300", "--seed", "7")
    lines = out.splitlines()
    assert re.fullmatch(r"the database file .*first\.db: 300 incidents, [\d,]+ events in "
                        r"[\d.]+ s", lines[0]), lines[0]
    assert re.fullmatch(r"history 2025-11-\d\d to 2026-11-21 01:00 \+08 \(seed 7\)",
                        lines[1]), lines[1]
    assert re.fullmatch(r"open \d+; .*closed \d+.*; targets breached \d+", lines[2]), lines[2]
    filled(capsys, again, "--incidents", "300", "--seed", "7")
    filled(capsys, other, "--incidents", "300", "--seed", "8")
    data = dump(first)
    assert data == dump(again)
    assert data["events"] != dump(other)["events"]

    incidents, events = data["incidents"], data["events"]
    end = datetime.fromisoformat(END)
    vendors = {row["vendor_key"] for row in incidents}
    assert vendors == {"maqsu", "magaya", "acelynk", "catapult"}
    severities = {(row["vendor_key"], row["severity"]) for row in incidents}
    # Every severity of every agreement (the first incidents cover them all), weighted
    # towards the lower ones.
    for vendor, keys in {"maqsu": ("critical", "high", "medium", "low"),
                         "magaya": ("1", "2", "3", "4"), "acelynk": ("critical", "major", "minor"),
                         "catapult": ("1", "2", "3")}.items():
        assert {(vendor, key) for key in keys} <= severities
    logged = Counter(json_data(e[6])["severity"] for e in events if e[2] == "created")
    assert logged["critical"] + logged["1"] < logged["medium"] + logged["minor"] + logged["3"]

    # A year of history, about a tenth still open, the rest resolved or closed.
    reported = [as_utc(row["reported_at"]) for row in incidents]
    assert end - timedelta(days=366) < min(reported) < end - timedelta(days=330)
    assert end - timedelta(days=10) < max(reported) <= end
    assert all(as_utc(e[3]) <= end for e in events)
    open_share = sum(bool(row["is_open"]) for row in incidents) / len(incidents)
    assert 0.05 < open_share < 0.18
    statuses = Counter(row["status"] for row in incidents)
    assert statuses["closed"] > statuses["resolved"] > 0
    assert statuses["waiting on customer"] > 0

    kinds = Counter(e[2] for e in events)
    assert 7 < len(events) / len(incidents) < 14
    for kind in ("customer update", "severity changed", "tier changed", "reopened",
                 "due date agreed", "documentation complete", "vendor response",
                 "workaround provided", "comment", "assigned", "closed"):
        assert kinds[kind] > 0, kind
    by_number = {row["number"]: row for row in incidents}
    assert {by_number[e[0]]["vendor_key"] for e in events
            if e[2] == "documentation complete"} == {"catapult"}
    assert {by_number[e[0]]["vendor_key"] for e in events
            if e[2] == "due date agreed"} == {"magaya"}
    assert all(json_data(e[6])["reason"] for e in events if e[2] == "severity changed")
    pauses = [e for e in events if e[2] == "status changed"
              and json_data(e[6])["status"] == "waiting on customer"]
    assert len(pauses) > len(incidents) / 10
    # Magaya's per-update response cycles.
    assert any(row[1] == "response" and row[9] > 2 for row in data["clocks"])

    states = Counter((row[1], row[2]) for row in data["clocks"])
    assert states[("response", "met")] > 5 * states[("response", "breached")] > 0
    assert states[("resolution", "breached")] > 0
    assert states[("response", "pending")] + states[("resolution", "pending")] > 0


def json_data(value: Any) -> dict[str, str]:
    found: dict[str, str] = json.loads(value) if isinstance(value, str) else value
    return found


def as_utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.fromisoformat(END).tzinfo)


def test_cached_clocks_equal_a_fresh_computation(capsys: pytest.CaptureFixture[str],
                                                 any_database_url: str) -> None:
    filled(capsys, any_database_url, "--incidents", "80", "--seed", "3")
    desk = Desk.open(any_database_url, clock=lambda: NOW)
    try:
        keys = [f"INC-{n:06d}" for n in range(1, 81)]
        for key in keys:
            assert desk.cached_clocks(key) == desk.fresh_clocks(key), key
        before = dump(any_database_url, versions=False)
        assert desk.recompute_all() == 80
        after = dump(any_database_url, versions=False)
        assert after["clocks"] == before["clocks"]
        assert [r["next_due_at"] for r in after["incidents"]] == [
            r["next_due_at"] for r in before["incidents"]]
        # The demo's incidents can be worked like any other.
        paused = desk.queue(demo_filter("paused"), desk.clock())
        assert paused
        changed = desk.resume(paused[0].key, author="ana")
        assert changed.incident.status.value == "in progress"
        assert desk.cached_clocks(paused[0].key) == desk.fresh_clocks(paused[0].key)
    finally:
        desk.shutdown()


def demo_filter(view: str) -> Any:
    from deskapp.app.queue import QueueFilter, View

    return QueueFilter(view=View(view))


def test_bulk_rows_are_the_rows_the_service_writes(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    bulk, service = sqlite_url(tmp_path / "bulk.db"), sqlite_url(tmp_path / "service.db")
    # These 12 incidents take every kind of action (checked below), open ones included.
    filled(capsys, bulk, "--incidents", "12", "--seed", "13")
    filled(capsys, service, "--incidents", "12", "--seed", "13", "--through-service")
    # The version counter is an optimistic-lock token: only its changes matter.
    data = dump(bulk, versions=False)
    assert data == dump(service, versions=False)
    kinds = {event[2] for event in data["events"]}
    assert kinds == {"created", "documentation complete", "severity changed", "tier changed",
                     "assigned", "status changed", "customer update", "response sent",
                     "vendor response", "workaround provided", "resolved", "closed",
                     "reopened", "due date agreed", "comment"}
    assert any(row["is_open"] for row in data["incidents"])


def test_plans_are_deterministic_and_legal_for_the_service(tmp_path: Path) -> None:
    office = Office("America/New_York", "US")
    desk = Desk.open(sqlite_url(tmp_path / "plans.db"), office=office, clock=lambda: NOW)
    try:
        agreements = desk.agreements()
        end = datetime.fromisoformat(END)

        def make() -> list[demo.Plan]:
            return list(demo.plans(agreements, 60, 5, end, desk.sla.office_zone,
                                   desk.sla.site,
                                   lambda a, t, s: target_calendar(a, t, s, desk.sla.book)))

        plans = make()
        assert plans == make()
        times = [p.reported_at for p in plans]
        assert times == sorted(times)
        for plan in plans:
            moments = [plan.reported_at, *(a.at for a in plan.actions)]
            assert moments == sorted(moments), demo.describe_plan(plan)
            assert all(m.second == 0 and m.microsecond == 0 for m in moments)
    finally:
        desk.shutdown()


def test_the_demo_fills_only_an_empty_database(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "demo.db")
    filled(capsys, db, "--incidents", "20")
    before = dump(db)

    def refused(*options: str, fragment: str) -> None:
        code = main(["demo", "--quiet", "--db", db, *options])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err.startswith("deskapp: error: ") and err.count("\n") == 1, err
        assert fragment in err
        assert dump(db) == before

    refused("--incidents", "20", "--end", END, fragment="already holds 20 incidents")
    refused("--incidents", "0", fragment="between 1 and 1,000,000")
    refused("--end", "2026-12-24T00:00Z", fragment="cannot end in the future")
    refused("--end", "Christmas", fragment="not a date and time")
    refused("--incidents", "many", fragment="invalid int value")
