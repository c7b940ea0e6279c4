"""Bad input is refused with a message that says what is wrong, and nothing is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import parse_resolution_type, parse_status
from deskapp.storage.engine import sqlite_url
from deskapp.storage.errors import Problem, StorageError
from tests.app.support import Clock, at, draft, open_desk, snapshot

BAD_DRAFTS = [
    (draft("nope"), "unknown vendor 'nope'; expected one of: acelynk, catapult, magaya, maqsu"),
    (draft("maqsu", product="Navigator"),
     "unknown product 'Navigator' for MAQSU; expected one of: MAQSU Services"),
    (draft("maqsu", "urgent"),
     "MAQSU has no severity 'urgent'; expected one of: critical, high, medium, low"),
    (draft("magaya", "1", tier="IV"),
     r"Magaya has no tier 'IV'; expected one of: I, II\(a\), II\(b\), III"),
    (draft("maqsu", channel="fax"), "unknown channel 'fax'; expected one of: "),
    (draft("maqsu", category="Cooking"),
     "unknown category 'Cooking' for MAQSU; expected one of: Bug fix, Data fix"),
    (draft("maqsu", title="   "), "the title must not be empty"),
    (draft("catapult", "2", site_zone="Mars/Olympus"), "unknown site time zone 'Mars/Olympus'"),
    (draft("catapult", "2", site_country="XX"), "unknown site country 'XX'"),
    (draft("acelynk", "critical", filing_deadline=datetime(2027, 3, 2, 9, 0)),
     "the filing deadline needs a time zone or UTC offset"),
    (draft("catapult", "2", documentation_complete_at=datetime(2027, 3, 1, 9, 0)),
     "a time needs a zone or UTC offset"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_DRAFTS,
                         ids=[m.split(";")[0][:40] for _, m in BAD_DRAFTS])
def test_a_bad_draft_is_refused(sqlite_desk: Desk, bad: IncidentDraft, message: str) -> None:
    before = snapshot(sqlite_desk)
    with pytest.raises(InputError, match=message):
        sqlite_desk.log(bad, author="ana")
    assert snapshot(sqlite_desk) == before


def test_bad_times_for_a_new_incident(desk: Desk, clock: Clock) -> None:
    # The clock reads 2027-03-01 12:00 UTC = 07:00 in New York.
    before = snapshot(desk)
    refusals = [
        (at("2027-03-01T12:03Z"), "2027-03-01 07:03 is in the future; give the time it happened"),
        (datetime(2027, 3, 1, 9, 0), "a time needs a zone or UTC offset"),
        (at("1969-12-31T09:00Z"), "dates before 1970 or after 2200 are outside the supported"),
    ]
    for when, message in refusals:
        with pytest.raises(InputError, match=message):
            desk.log(draft(), author="ana", at=when)
    with pytest.raises(InputError, match="an author's name must not be empty"):
        desk.log(draft(), author=" ")
    assert snapshot(desk) == before
    # A minute ahead is within the tolerance for another workstation's fast clock; the
    # incident reads as logged at once, with its clocks started.
    ahead = desk.log(draft(), author="ana", at=at("2027-03-01T12:01Z")).incident
    assert ahead.reported_at == at("2027-03-01T12:01Z")
    assert [s.state.value for s in ahead.clocks] == ["running", "running"]


def test_bad_changes_to_an_incident(desk: Desk, clock: Clock) -> None:
    key = desk.log(draft("magaya", "3", channel="email"), author="ana",
                   at=at("2027-02-26T10:00-05:00")).incident.key
    desk.comment(key, "first note", author="ana", at=at("2027-02-26T11:00-05:00"))
    maqsu = desk.log(draft("maqsu"), author="ana").incident.key
    refusals: list[tuple[Callable[[], object], str]] = [
        (lambda: desk.change_severity(key, "2", " ", author="bob"),
         "a severity change needs a reason"),
        (lambda: desk.change_severity(key, "9", "worse", author="bob"),
         "Magaya has no severity '9'"),
        (lambda: desk.change_tier(key, "IV", author="bob"), "Magaya has no tier 'IV'"),
        (lambda: desk.comment(key, "late", author="bob", at=at("2027-03-01T12:05Z")),
         "2027-03-01 07:05 is in the future"),
        (lambda: desk.comment(key, "early", author="bob", at=at("2027-02-26T10:30-05:00")),
         r"2027-02-26 10:30 is before the last event of the timeline \(2027-02-26 11:00\); "
         "events are recorded in the order they happened"),
        (lambda: desk.comment(key, "naive", author="bob", at=datetime(2027, 3, 1, 6, 0)),
         "a time needs a zone or UTC offset"),
        (lambda: desk.agree_due_date(key, at("2027-04-01T17:00-04:00"), author="bob"),
         "Magaya severity 3 has fixed targets; no due date is agreed per incident"),
        (lambda: desk.update_fields(key, channel="fax", author="bob"), "unknown channel 'fax'"),
        (lambda: desk.update_fields(key, channel="", author="bob"), "unknown channel ''"),
        (lambda: desk.update_fields(key, title=" ", author="bob"), "the title must not be empty"),
        (lambda: desk.update_fields(key, priority="P1", author="bob"), "cannot change priority"),
        (lambda: desk.update_fields(key, filing_deadline=datetime(2027, 3, 5), author="bob"),
         "the filing deadline needs a time zone or UTC offset"),
        (lambda: desk.update_fields(key, site_zone="Nowhere/Land", author="bob"),
         "unknown site time zone 'Nowhere/Land'"),
        (lambda: desk.update_fields(key, reporter="", author="bob"),
         "nothing to change on INC-000001"),
        (lambda: desk.documentation_complete(key, author="bob"),
         "Magaya's clocks do not wait for documentation"),
        (lambda: desk.assign(key, "  ", author="bob"), "a person's name must not be empty"),
        (lambda: desk.comment(key, "x", author="  "), "an author's name must not be empty"),
    ]
    for action, message in refusals:
        before = snapshot(desk, key)
        with pytest.raises(InputError, match=message):
            action()
        assert snapshot(desk, key) == before, message
    # Sev 4 agrees due dates, but not without a zone.
    four = desk.log(draft("magaya", "4", channel="email"), author="ana").incident.key
    before = snapshot(desk, four)
    with pytest.raises(InputError, match="an agreed due date needs a time zone or UTC offset"):
        desk.agree_due_date(four, datetime(2027, 4, 1, 17, 0), author="bob")
    assert snapshot(desk, four) == before
    for unknown, message in [("INC-000099", "no incident INC-000099"),
                             ("99", "no incident INC-000099"),
                             ("abc", "'abc' is not an incident key; expected one like INC-000123")]:
        with pytest.raises(InputError, match=message):
            desk.comment(unknown, "hello", author="bob")
        with pytest.raises(InputError, match=message):
            desk.show(unknown)
    assert desk.show(maqsu).version == snapshot(desk, maqsu).version


def test_optional_text_fields_can_be_cleared(desk: Desk) -> None:
    # Description, reporter and contact are never missing, only empty; vendor reference and
    # category become "not given".
    key = desk.log(draft("maqsu", description="Details", reporter="Kim", contact="kim@x.test",
                         vendor_ref="MQ-1", category="Bug fix"), author="ana").incident.key
    cleared = desk.update_fields(key, description="", reporter=" ", contact="", vendor_ref="",
                                 category="", author="ana").incident
    assert (cleared.description, cleared.reporter, cleared.contact) == ("", "", "")
    assert (cleared.vendor_ref, cleared.category) == (None, None)
    assert cleared.events[-1].data == {"description": "", "reporter": "", "contact": "",
                                       "vendor_ref": "", "category": ""}
    assert desk.show(key) == desk.show(key)  # reads back without error


def test_unknown_status_and_resolution_type_names() -> None:
    with pytest.raises(InputError, match="unknown status 'bogus'; expected one of: new, "):
        parse_status("bogus")
    with pytest.raises(InputError, match="unknown resolution type 'magic'; expected one of: "):
        parse_resolution_type("magic")
    assert parse_status("Waiting_on-Customer").value == "waiting on customer"


def test_a_database_with_other_tables_is_not_opened(any_database_url: str, clock: Clock) -> None:
    engine = create_engine(any_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="is not a deskapp database: it holds other tables "
                                           r"\(customers\)") as caught:
        open_desk(any_database_url, clock)
    assert caught.value.problem is Problem.NOT_DESKAPP
    assert isinstance(caught.value, InputError)


def test_a_corrupt_file_is_not_opened(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "desk.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    with pytest.raises(StorageError, match="is not an SQLite database file") as caught:
        open_desk(sqlite_url(path), clock)
    assert caught.value.problem is Problem.CORRUPT
    assert str(path) in str(caught.value)
    # A damaged deskapp database (a good header, garbage pages) says so too.
    good = tmp_path / "good.sqlite3"
    open_desk(sqlite_url(good), clock).shutdown()
    with sqlite3.connect(good) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(good.read_bytes())
    page = 4096
    data[2 * page:] = b"\xff" * (len(data) - 2 * page)
    good.write_bytes(bytes(data))
    with pytest.raises(StorageError) as damaged:
        desk = open_desk(sqlite_url(good), clock)
        try:
            desk.queue()
        finally:
            desk.shutdown()
    assert damaged.value.problem is Problem.CORRUPT


def test_the_future_check_allows_a_little_clock_skew(sqlite_desk: Desk, clock: Clock) -> None:
    key = sqlite_desk.log(draft(), author="ana").incident.key
    ahead = clock.now + timedelta(seconds=90)
    changed = sqlite_desk.comment(key, "from a fast workstation", author="bob", at=ahead)
    assert changed.incident.events[-1].at == ahead
    # The next event without a time follows it, not this machine's slower clock.
    later = sqlite_desk.comment(key, "next", author="ana").incident
    assert later.events[-1].at == ahead
