"""The queue's views and filters return the right incidents, soonest due first.

ACELYNK (Eastern, Mon-Fri 08:00-20:00): major and minor response 4 business hours, critical
2 elapsed hours. Magaya (Eastern, Mon-Fri 07:00-20:00, Sat 08:00-12:00). "Now" is Wed Dec 2
2026 12:00 Eastern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.core.queue import SortKey
from tests.app.support import Clock, at, draft

NOW = "2026-12-02T12:00-05:00"


@dataclass(frozen=True)
class Queue:
    desk: Desk
    keys: dict[str, str]  # name in this file -> incident key

    def names(self, **wanted: Any) -> list[str]:
        by_key = {key: name for name, key in self.keys.items()}
        rows = self.desk.queue(QueueFilter(**wanted), at(NOW))
        return [by_key[row.key] for row in rows]


@pytest.fixture
def queue(desk: Desk, clock: Clock) -> Queue:
    keys = {}

    def log(name: str, when: str, vendor: str, severity: str, **kwargs: Any) -> str:
        clock.set(when)
        keys[name] = desk.log(draft(vendor, severity, **kwargs), author="ana").incident.key
        return keys[name]

    # Closed ones first: "closed" lists the latest change first.
    closed = log("closed", "2026-11-30T09:00-05:00", "acelynk", "minor", title="Old question")
    clock.set("2026-11-30T10:00-05:00")
    desk.resolve(closed, ResolutionType.ANSWER, author="ana")
    clock.set("2026-11-30T11:00-05:00")
    desk.close(closed, author="ana")
    resolved = log("resolved", "2026-12-01T09:00-05:00", "maqsu", "low", title="Print setup")
    clock.set("2026-12-01T09:30-05:00")
    desk.resolve(resolved, ResolutionType.ANSWER, author="ana")
    # breached: major logged Tue 18:00: Tue 18-20 + Wed 08-10: due Wed 10:00.
    log("breached", "2026-12-01T18:00-05:00", "acelynk", "major", title="ISF transmit fails",
        assignee="bob")
    # paused: Magaya sev 1 logged Wed 08:00, answered 08:30 (met), waiting on the customer
    # since 11:00: response met and resolution paused, so nothing counts down.
    paused = log("paused", "2026-12-02T08:00-05:00", "magaya", "1", title="App down",
                 assignee="ana", tier="II(a)")
    clock.set("2026-12-02T08:30-05:00")
    desk.respond(paused, author="ana")
    clock.set("2026-12-02T11:00-05:00")
    desk.pause(paused, author="ana")
    # tomorrow: Magaya sev 3 logged Wed 09:00: response 1 business day, Thu 09:00.
    log("tomorrow", "2026-12-02T09:00-05:00", "magaya", "3", title="Totals wrong",
        assignee="ana", tier="II(a)", channel="email", description="Invoice totals off")
    # soon: critical logged Wed 10:30: 2 hours, due 12:30.
    log("soon", "2026-12-02T10:30-05:00", "acelynk", "critical", title="Entry filing blocked",
        assignee="ana", vendor_ref="ACE-77")
    # today: minor on Navigator Pro logged Wed 11:00: due 15:00.
    log("today", "2026-12-02T11:00-05:00", "acelynk", "minor", title="Report 100% blank",
        product="Navigator Pro", assignee="cy")
    clock.set(NOW)
    return Queue(desk, keys)


def test_the_ready_made_views(queue: Queue) -> None:
    # What needs the agent next: running targets soonest first, then fresh breaches, then
    # incidents with no running target.
    assert queue.names() == ["soon", "today", "tomorrow", "breached", "paused"]
    assert queue.names(view=View.BREACHED) == ["breached"]
    assert queue.names(view=View.BREACHING_SOON) == ["soon"]  # due within 2 hours
    assert queue.names(view=View.BREACHING_SOON, due_within=timedelta(hours=3)) == [
        "soon", "today"]
    # Due on the office's today: this morning's breach included.
    assert queue.names(view=View.DUE_TODAY) == ["soon", "today", "breached"]
    assert queue.names(view=View.PAUSED) == ["paused"]
    assert queue.names(view=View.MY_OPEN, me="ana") == ["soon", "tomorrow", "paused"]
    assert queue.names(view=View.MY_OPEN, me="bob") == ["breached"]
    assert queue.names(view=View.MY_OPEN, me="nobody") == []
    assert queue.names(view=View.CLOSED) == ["resolved", "closed"]


def test_the_filters(queue: Queue) -> None:
    assert queue.names(vendor="acelynk") == ["soon", "today", "breached"]
    assert queue.names(vendor="magaya", view=View.MY_OPEN, me="ana") == ["tomorrow", "paused"]
    assert queue.names(severity="1") == ["paused"]
    assert queue.names(tier="II(a)") == ["tomorrow", "paused"]
    assert queue.names(tier="I") == ["soon", "today", "breached"]
    assert queue.names(status=Status.NEW) == ["soon", "today", "tomorrow", "breached"]
    assert queue.names(status=Status.WAITING_ON_CUSTOMER) == ["paused"]
    assert queue.names(assignee="cy") == ["today"]
    assert queue.names(due_within=timedelta(hours=4)) == ["soon", "today", "breached"]
    assert queue.names(due_within=timedelta(days=1)) == ["soon", "today", "tomorrow",
                                                        "breached"]
    assert queue.names(limit=2) == ["soon", "today"]
    assert queue.names(limit=4) == ["soon", "today", "tomorrow", "breached"]
    assert queue.names(vendor="maqsu") == []
    assert queue.names(vendor="maqsu", view=View.CLOSED) == ["resolved"]


def test_the_text_search(queue: Queue) -> None:
    assert queue.names(text="filing") == ["soon"]  # title
    assert queue.names(text="INVOICE") == ["tomorrow"]  # description, any case
    assert queue.names(text="ace-77") == ["soon"]  # vendor reference
    assert queue.names(text="navigator pro") == ["today"]  # product
    assert queue.names(text="navigator") == ["soon", "today", "breached"]
    assert queue.names(text=queue.keys["tomorrow"]) == ["tomorrow"]  # incident key
    assert queue.names(text="  ") == queue.names()
    # What the agent types is literal text, never a pattern.
    assert queue.names(text="100%") == ["today"]
    assert queue.names(text="%") == ["today"]
    assert queue.names(text="_") == []
    assert queue.names(text="print", view=View.CLOSED) == ["resolved"]


def test_rows_carry_the_cached_clocks(queue: Queue) -> None:
    rows = {row.key: row for row in queue.desk.queue(now=at(NOW))}
    soon = rows[queue.keys["soon"]]
    assert soon.next_due_at == at("2026-12-02T12:30-05:00")
    [response] = soon.clocks
    assert response.at(at(NOW)).left_seconds == 30 * 60
    assert rows[queue.keys["breached"]].next_due_at == at("2026-12-02T10:00-05:00")
    assert rows[queue.keys["tomorrow"]].next_due_at == at("2026-12-03T09:00-05:00")
    assert rows[queue.keys["paused"]].next_due_at is None
    paused = {c.metric: c.at(at(NOW)).state.value for c in rows[queue.keys["paused"]].clocks}
    assert paused == {"response": "met", "resolution": "paused"}


def test_the_open_queue_is_read_from_its_index_in_order(queue: Queue) -> None:
    """Each part of the queue's order (running, freshly breached, no running target, long
    breached) comes from the queue index, not from sorting every open incident
    (PostgreSQL is told to avoid sorts and scans, which it can only do when an index gives
    the order)."""
    desk = queue.desk
    seen: list[tuple[str, Any]] = []

    def record(connection: Any, cursor: Any, statement: str, parameters: Any,
               context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    event.listen(desk.database.engine, "before_cursor_execute", record)
    try:
        ids = desk.queue_ids(QueueFilter(View.ALL_OPEN), at(NOW))
    finally:
        event.remove(desk.database.engine, "before_cursor_execute", record)
    reads = [s for s in seen if "FROM incidents" in s[0]]
    assert len(reads) == 4
    with desk.database.engine.connect() as connection:
        for statement, parameters in reads:
            if desk.database.engine.dialect.name == "sqlite":
                plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters))
                assert "ix_incidents_queue" in plan
                assert "TEMP B-TREE" not in plan
            else:
                connection.exec_driver_sql("SET enable_sort = off")
                connection.exec_driver_sql("SET enable_seqscan = off")
                connection.exec_driver_sql("SET enable_bitmapscan = off")
                plan = " ".join(row[0] for row in connection.exec_driver_sql(
                    "EXPLAIN " + statement, parameters))
                assert "ix_incidents_queue" in plan
                assert "Sort" not in plan
    assert ids == [row.id for row in desk.queue(QueueFilter(View.ALL_OPEN), at(NOW))]


def test_long_breached_work_sinks_and_has_its_own_view(desk: Desk, clock: Clock) -> None:
    """A year of old breaches must not push today's work down the queue (nor into Due
    today): breaches older than a week come last, and in a view of their own."""
    def log(title: str, when: str) -> str:
        clock.set(when)
        return desk.log(draft("acelynk", "critical", title=title, channel="portal"),
                        author="ana").incident.key

    old = log("Breached in November", "2026-11-02T10:00-05:00")
    fresh = log("Breached this morning", "2026-12-02T07:00-05:00")
    running = log("Due this afternoon", "2026-12-02T11:00-05:00")
    clock.set(NOW)
    names = {old: "old", fresh: "fresh", running: "running"}

    def listed(view: View) -> list[str]:
        return [names[row.key] for row in desk.queue(QueueFilter(view), at(NOW))]

    assert listed(View.ALL_OPEN) == ["running", "fresh", "old"]
    assert listed(View.BREACHED) == ["fresh", "old"]  # newest breach first
    assert listed(View.LONG_BREACHED) == ["old"]
    assert listed(View.DUE_TODAY) == ["running", "fresh"]


def test_incidents_waiting_for_documentation_have_their_own_view(desk: Desk,
                                                                clock: Clock) -> None:
    """A Catapult severity 1 logged without its documents has no running target: it is
    listed in its own view, the longest waiting first, until its documents are in."""
    clock.set("2026-12-01T09:00-05:00")
    first = desk.log(draft("catapult", "1", title="Enterprise-wide failure"),
                     author="ana").incident.key
    clock.set("2026-12-01T10:00-05:00")
    second = desk.log(draft("catapult", "2", title="Reports fail"), author="ana").incident.key
    desk.log(draft("maqsu", "high"), author="ana")  # its clocks never wait
    clock.set(NOW)
    waiting = QueueFilter(View.WAITING_FOR_DOCUMENTATION)
    assert [row.key for row in desk.queue(waiting)] == [first, second]
    desk.documentation_complete(first, author="ana", at=at("2026-12-01T11:00-05:00"))
    assert [row.key for row in desk.queue(waiting)] == [second]
    assert first in [row.key for row in desk.queue(QueueFilter(View.ALL_OPEN))]


def test_the_order_moves_with_the_time_only_when_a_target_breaches(queue: Queue) -> None:
    desk = queue.desk  # "soon" is due at 12:30, "breached" breached at 10:00
    assert not desk.queue_order_moved(at(NOW), at("2026-12-02T12:29-05:00"))
    assert desk.queue_order_moved(at(NOW), at("2026-12-02T12:31-05:00"))
    # A week after its breach, "breached" sinks below the incidents with no running target.
    assert desk.queue_order_moved(at("2026-12-09T09:59-05:00"), at("2026-12-09T10:01-05:00"))
    assert not desk.queue_order_moved(at("2026-12-09T10:01-05:00"),
                                      at("2026-12-09T10:02-05:00"))


def test_a_view_sorted_by_a_column_in_the_database(queue: Queue) -> None:
    """Titles: App down (paused), Entry filing blocked (soon), ISF transmit fails
    (breached), Report 100% blank (today), Totals wrong (tomorrow)."""
    assert queue.names(sort=SortKey.TITLE) == ["paused", "soon", "breached", "today",
                                               "tomorrow"]
    assert queue.names(sort=SortKey.TITLE, descending=True) == [
        "tomorrow", "today", "breached", "soon", "paused"]
    # Assignees: ana (paused, tomorrow, soon: in the order they were logged), bob
    # (breached), cy (today).
    assert queue.names(sort=SortKey.ASSIGNEE) == ["paused", "tomorrow", "soon", "breached",
                                                  "today"]
    # Response due: breached 10:00, soon 12:30, today 15:00, tomorrow Thu 09:00; the paused
    # incident's response was met at 08:30 (its due, 09:00, still sorts it).
    assert queue.names(sort=SortKey.RESPONSE) == ["paused", "breached", "soon", "today",
                                                  "tomorrow"]
    # Within a view and its filters, and with a limit.
    assert queue.names(view=View.MY_OPEN, me="ana", sort=SortKey.KEY, descending=True) == [
        "soon", "tomorrow", "paused"]
    assert queue.names(sort=SortKey.KEY, limit=2) == ["breached", "paused"]


def test_every_word_in_any_order_anywhere_in_the_incident(queue: Queue) -> None:
    desk = queue.desk
    desk.comment(queue.keys["tomorrow"], "Customer mentions the Rotterdam warehouse",
                 author="ana")
    desk.update_fields(queue.keys["today"], reporter="Dana Whitfield",
                       contact="dana@example.com", author="ana")
    assert queue.names(text="blocked entry") == ["soon"]  # "Entry filing blocked"
    assert queue.names(text="rotterdam") == ["tomorrow"]  # the timeline's text
    assert queue.names(text="WHITFIELD") == ["today"]  # reporter, any case
    assert queue.names(text="example.com dana") == ["today"]  # contact and reporter
    assert queue.names(text="rotterdam whitfield") == []  # every word, in one incident
    # Only the view's incidents, unless every incident is asked for.
    assert queue.names(text="print") == []
    assert queue.names(text="print", everywhere=True) == ["resolved"]
    assert queue.names(text="question", everywhere=True, view=View.PAUSED) == ["closed"]
