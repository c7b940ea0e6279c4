"""One explanation of a due time: the intervals counted, the days skipped, the pauses left
out, and runs of like days told once."""

from __future__ import annotations

from datetime import datetime

from deskapp.core.agreement import Agreement
from deskapp.core.explain import EntryKind, explain, explain_due
from deskapp.core.sla import CalendarBook, Site, due_time

SINGAPORE = Site("Asia/Singapore", "SG")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_intervals_counted_and_the_days_skipped(agreements: dict[str, Agreement],
                                                    book: CalendarBook) -> None:
    # MAQSU high resolution, 12 business hours from Thu 2026-12-24 15:00 in Singapore.
    due = due_time(agreements["maqsu"], "resolution", "high", at("2026-12-24T15:00+08:00"),
                   SINGAPORE, book)
    explained = explain_due(due)
    assert [entry.describe() for entry in explained.entries] == [
        "Thu 2026-12-24  15:00-17:30  counted 2h 30m",
        "Fri 2026-12-25  skipped: SG holiday: Christmas Day",
        "Sat 2026-12-26  08:30-13:00  counted 4h 30m",
        "Sun 2026-12-27  skipped: closed day",
        "Mon 2026-12-28  08:30-13:30  counted 5h"]
    assert explained.merged() == list(explained.entries)
    assert (explained.counted, explained.paused) == (12 * 3600, 0)
    assert explained.total_line() == "total counted: 12h"
    assert explained.due_line() == "Due: Mon 2026-12-28 13:30 +08"
    assert explained.start_lines() == ["Clock start:     Thu 2026-12-24 15:00 +08"]


def test_a_pause_is_cut_out_of_the_day_it_falls_in(agreements: dict[str, Agreement],
                                                    book: CalendarBook) -> None:
    due = due_time(agreements["maqsu"], "resolution", "high", at("2026-12-24T15:00+08:00"),
                   SINGAPORE, book)
    pause = (at("2026-12-26T09:00+08:00"), at("2026-12-26T10:00+08:00"))
    explained = explain(due.agreement, due.target, due.calendar, due.start, due.due, [pause])
    saturday = [entry for entry in explained.merged() if entry.first.day == 26]
    assert [entry.describe() for entry in saturday] == [
        "Sat 2026-12-26  08:30-09:00  counted 30m",
        "Sat 2026-12-26  09:00-10:00  paused, waiting on the customer: 1h not counted",
        "Sat 2026-12-26  10:00-13:00  counted 3h"]
    assert [entry.kind for entry in saturday] == [EntryKind.COUNTED, EntryKind.PAUSED,
                                                  EntryKind.COUNTED]
    assert (explained.counted, explained.paused) == (11 * 3600, 3600)
    assert explained.total_line() == "total counted: 11h; paused: 1h"


def test_like_days_in_a_row_are_told_once(agreements: dict[str, Agreement],
                                          book: CalendarBook) -> None:
    # MAQSU low resolution, 24 business hours from Mon 2026-12-14 08:30.
    due = due_time(agreements["maqsu"], "resolution", "low", at("2026-12-14T08:30+08:00"),
                   SINGAPORE, book)
    explained = explain_due(due)
    assert len(explained.entries) == 3
    assert [entry.describe() for entry in explained.merged()] == [
        "Mon 2026-12-14 to Tue 2026-12-15  08:30-17:30 each day (2 days)  counted 18h",
        "Wed 2026-12-16  08:30-14:30  counted 6h"]


def test_elapsed_time_lists_no_calendar(agreements: dict[str, Agreement],
                                        book: CalendarBook) -> None:
    # ACELYNK critical response: 2 calendar hours, nights and weekends too.
    due = due_time(agreements["acelynk"], "response", "critical",
                   at("2026-12-19T23:00-05:00"), SINGAPORE, book)
    explained = explain_due(due)
    assert explained.elapsed and explained.entries == ()
    assert explained.effective_start == explained.start
    assert explained.counted == 2 * 3600
