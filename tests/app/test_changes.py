"""What changed since a moment: new and written incidents, here or on another workstation."""

from __future__ import annotations

from datetime import timedelta

from deskapp.app.changes import ChangeTracker, changed_since, ids_of, news
from deskapp.app.desk import Desk
from tests.app.support import Clock, draft, open_desk


def test_new_and_written_incidents_are_listed_with_their_versions(desk: Desk,
                                                                 clock: Clock) -> None:
    start = clock()
    first = desk.log(draft(title="First"), author="tess").incident
    second = desk.log(draft(title="Second"), author="tess").incident
    ids = ids_of(desk, [first.key, second.key])
    assert changed_since(desk, start - timedelta(seconds=1)) == sorted(
        [(ids[first.key], first.version), (ids[second.key], second.version)])
    assert changed_since(desk, start) == []  # written at ``start``: not after it

    clock.advance(minutes=1)
    written = desk.comment(first.key, "Called back", author="tess").incident
    assert written.version > first.version
    assert changed_since(desk, start) == [(ids[first.key], written.version)]
    assert changed_since(desk, clock()) == []


def test_another_workstations_writes_are_listed(desk: Desk, clock: Clock,
                                                any_database_url: str) -> None:
    key = desk.log(draft(), author="tess").incident.key
    clock.advance(minutes=1)
    since = clock()
    other = open_desk(any_database_url, clock)
    try:
        clock.advance(seconds=2)
        written = other.assign(key, "ben", author="ben").incident
        new = other.log(draft(title="From the other desk"), author="ben").incident
    finally:
        other.shutdown()
    ids = ids_of(desk, [key, new.key])
    assert changed_since(desk, since) == sorted([(ids[key], written.version),
                                                 (ids[new.key], new.version)])


def test_a_tracker_counts_each_change_once_across_overlapping_answers(
        desk: Desk, clock: Clock) -> None:
    tracker = ChangeTracker(margin=timedelta(minutes=5))
    first = desk.log(draft(title="First"), author="tess").incident.key
    second = desk.log(draft(title="Second"), author="tess").incident.key
    ids = ids_of(desk, [first, second])

    clock.advance(seconds=3)
    answer = changed_since(desk, tracker.since(clock()))
    assert set(news(answer, tracker.known)) == {ids[first], ids[second]}
    tracker.seen(answer)

    clock.advance(seconds=3)
    answer = changed_since(desk, tracker.since(clock()))  # overlaps the last answer
    assert news(answer, tracker.known) == {}
    tracker.seen(answer)

    written = desk.comment(second, "More detail", author="tess").incident
    clock.advance(seconds=3)
    answer = changed_since(desk, tracker.since(clock()))
    assert news(answer, tracker.known) == {ids[second]: written.version}


def test_ids_by_key_leave_out_what_is_not_there(desk: Desk) -> None:
    key = desk.log(draft(), author="tess").incident.key
    found = ids_of(desk, [key, "INC-999999"])
    assert list(found) == [key]
    assert ids_of(desk, []) == {}
