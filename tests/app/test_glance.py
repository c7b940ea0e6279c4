"""A glance at an SQLite file (Python's own driver, no SQLAlchemy) answers as the desk does:
every view, filter, sort and search of the queue, and every incident shown; anything it
cannot answer as the desk would is left to the desk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from deskapp.app import glance
from deskapp.app.demo import fill
from deskapp.app.desk import Desk
from deskapp.app.glance import Glance, read_with
from deskapp.app.views import IncidentView, QueueRow
from deskapp.core.clocks import TargetState
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.core.queue import QueueFilter, SortKey, View
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, draft, open_desk, start_clock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clock() -> Clock:
    return start_clock()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Path]:
    """A file of 400 demo incidents of every kind, and a few of this test's own."""
    path = tmp_path_factory.mktemp("glance") / "desk.sqlite3"
    desk = open_desk(sqlite_url(path), clock)
    try:
        desk.set_office("America/New_York", "US")
        fill(desk, 400, end=clock() - timedelta(days=1))
        key = desk.log(draft(title="50% of labels_missing", description="Printer /dev/lp0",
                             reporter="Dana", assignee="ana"), author="ana").incident.key
        desk.comment(key, "Sent 100% of the logs", author="ana")
        desk.log(draft(vendor="catapult", severity="1", title="Enterprise-wide failure"),
                 author="ana")
        done = desk.log(draft(title="Fixed by restart"), author="ana").incident.key
        desk.resolve(done, ResolutionType.ANSWER, "restarted", author="ana")
    finally:
        desk.shutdown()
    return path


@pytest.fixture(scope="module")
def desk(filled: Path, clock: Clock) -> Iterator[Desk]:
    opened = open_desk(sqlite_url(filled), clock)
    try:
        yield opened
    finally:
        opened.shutdown()


@pytest.fixture
def look(filled: Path, clock: Clock) -> Iterator[Glance]:
    found = Glance.open(str(filled), clock)
    assert found is not None
    try:
        yield found
    finally:
        found.close()


def _plain(state: TargetState) -> tuple[object, ...]:
    """A clock's state with its calendar's rules for the calendar (each reader builds its
    own calendar objects)."""
    clock = state.clock
    return (replace(state, clock=replace(clock, calendar=None)), clock.calendar.rules)


def _seen(rows: list[QueueRow], now: datetime) -> list[tuple[QueueRow, list[tuple[object, ...]]]]:
    """Queue lines as an agent sees them at ``now``."""
    return [(replace(row, clocks=()), [_plain(clock.at(now)) for clock in row.clocks])
            for row in rows]


def _shown(view: IncidentView) -> tuple[IncidentView, list[tuple[object, ...]]]:
    return replace(view, clocks=()), [_plain(state) for state in view.clocks]


def _moments(clock: Clock) -> list[datetime]:
    """Instants at which the demo's views hold incidents: now, when the next targets come
    close (the office's tomorrow), and weeks before."""
    now = clock()
    return [now, now + timedelta(hours=16), now + timedelta(hours=20), now - timedelta(days=40)]


def _wanted() -> list[QueueFilter]:
    every = [QueueFilter(view=view, me="ana") for view in View]
    every += [QueueFilter(view=View.ALL_OPEN, sort=key, descending=descending)
              for key in SortKey for descending in (False, True)]
    every += [QueueFilter(view=View.BREACHING_SOON, due_within=timedelta(hours=30)),
              QueueFilter(view=View.DUE_TODAY, due_within=timedelta(hours=3)),
              QueueFilter(vendor="magaya", severity="3", limit=3),
              QueueFilter(tier="3", status=Status.WORKAROUND_PROVIDED),
              QueueFilter(assignee="chen"), QueueFilter(view=View.CLOSED, limit=25),
              QueueFilter(limit=3), QueueFilter(view=View.BREACHED, vendor="magaya", limit=9),
              QueueFilter(text="labels printer"), QueueFilter(text="100%"),
              QueueFilter(text="_"), QueueFilter(text="restart", everywhere=True),
              QueueFilter(text="INC-000399"), QueueFilter(text="3", everywhere=True),
              QueueFilter(text="dana 50%", sort=SortKey.RESPONSE),
              QueueFilter(view=View.MY_OPEN, me="nobody")]
    return every


@pytest.mark.parametrize("wanted", _wanted(), ids=repr)
def test_the_queue_reads_alike(desk: Desk, look: Glance, clock: Clock,
                               wanted: QueueFilter) -> None:
    for now in _moments(clock):
        assert _seen(look.queue(wanted, now), now) == _seen(desk.queue(wanted, now), now)


def test_the_filters_keep_something_to_compare(desk: Desk, clock: Clock) -> None:
    # The comparisons above mean something only when the views are not all empty.
    empty = [w for w in _wanted()
             if not any(desk.queue(w, now) for now in _moments(clock))]
    assert empty == [QueueFilter(view=View.MY_OPEN, me="nobody")]


def test_every_incident_shows_alike(desk: Desk, look: Glance, clock: Clock) -> None:
    keys = [row.key for row in desk.queue(QueueFilter(text="a", everywhere=True))]
    keys += [row.key for row in desk.queue(QueueFilter(view=View.CLOSED, limit=30))]
    assert len(keys) > 50
    for key in keys:
        for now in (clock(), clock() - timedelta(days=100)):
            assert _shown(look.show(key, now)) == _shown(desk.show(key, now))
    assert look.agreements() == desk.agreements()


def test_a_missing_incident_is_one_message(look: Glance) -> None:
    with pytest.raises(ValueError, match="no incident INC-999999"):
        look.show("INC-999999")


def test_the_desk_answers_what_a_glance_cannot(tmp_path: Path, clock: Clock) -> None:
    assert Glance.open(str(tmp_path / "none.sqlite3"), clock) is None  # no file yet
    assert Glance.open("postgresql://desk@localhost/desk", clock) is None
    path = tmp_path / "desk.sqlite3"
    desk = open_desk(sqlite_url(path), clock)
    key = desk.log(draft(), author="ana").incident.key
    desk.shutdown()
    assert Glance.open(str(path), clock) is not None
    with sqlite3.connect(path) as connection:  # a shipped agreement the file has not stored
        connection.execute("UPDATE agreement_versions SET digest = 'x' WHERE origin = 'shipped'")
    assert Glance.open(str(path), clock) is None
    readers: list[str] = []

    def show(reader: glance.Reader) -> IncidentView:
        readers.append(type(reader).__name__)
        return reader.show(key)

    assert read_with(str(path), clock, show).key == key
    assert readers == ["Desk"]
    with sqlite3.connect(path) as connection:  # another schema: the desk migrates or refuses
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    assert Glance.open(str(path), clock) is None


def test_a_row_a_glance_cannot_read_is_named_by_the_desk(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "desk.sqlite3"
    desk = open_desk(sqlite_url(path), clock)
    key = desk.log(draft(), author="ana").incident.key
    desk.shutdown()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE incidents SET status = 'exploded'")
    used: list[str] = []

    def show(reader: glance.Reader) -> object:
        used.append(type(reader).__name__)
        return reader.show(key)

    with pytest.raises(ValueError, match=f"incident {key}.*damaged|damaged.*{key}"):
        read_with(str(path), clock, show)
    assert used == ["Glance", "Desk"]


def test_a_window_of_one_second_is_in_its_view(look: Glance, desk: Desk, clock: Clock) -> None:
    # The bounds of Breaching soon compare instants as the database keeps them.
    row = next(r for r in desk.queue(QueueFilter(), clock()) if r.next_due_at is not None)
    assert row.next_due_at is not None
    now = row.next_due_at - timedelta(seconds=1)
    wanted = QueueFilter(view=View.BREACHING_SOON, due_within=timedelta(seconds=1))
    assert row.key in [r.key for r in look.queue(wanted, now)]
    assert _seen(look.queue(wanted, now), now) == _seen(desk.queue(wanted, now), now)
    shorter = replace(wanted, due_within=timedelta(microseconds=999_999))
    assert row.key not in [r.key for r in look.queue(shorter, now)]
    assert _seen(look.queue(shorter, now), now) == _seen(desk.queue(shorter, now), now)


@pytest.mark.parametrize(("words", "key"), [(["incident", "show", "INC-000001"], "INC-000001"),
                                           (["incident", "list"], "INC-000399")])
def test_reading_commands_do_without_sqlalchemy(filled: Path, words: list[str],
                                                key: str) -> None:
    program = ("import sys; from deskapp.cli import main; code = main(sys.argv[1:]); "
               "print('sqlalchemy' in sys.modules, file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", program, *words, "--db", str(filled)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert done.stderr.strip() == "False"
    assert key in done.stdout

