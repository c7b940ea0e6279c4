"""Two workstations on one database: stale writes are refused, concurrent ones all land."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.app.desk import ConflictError, Desk
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import EventKind, ResolutionType, Status
from deskapp.storage.models import IncidentEvent
from tests.app.support import NEW_YORK_OFFICE, Clock, draft, open_desk

ROOT = Path(__file__).resolve().parents[2]


def comments(desk: Desk, key: str) -> list[str]:
    return [e.data["text"] for e in desk.show(key).events if e.kind is EventKind.COMMENT]


def test_a_write_from_a_stale_read_is_refused(any_database_url: str, clock: Clock) -> None:
    left, right = open_desk(any_database_url, clock), open_desk(any_database_url, clock)
    try:
        key = left.log(draft(), author="ana").incident.key
        # Both workstations show version N.
        seen_left, seen_right = left.show(key), right.show(key)
        assert seen_left.version == seen_right.version
        # Ana writes first, at 12:05 UTC = 07:05 in the New York office.
        clock.advance(minutes=5)
        written = left.comment(key, "Ana's note", author="ana",
                               expected_version=seen_left.version).incident
        assert written.version > seen_left.version
        # Bob's write from version N is refused and says who changed it, when.
        with pytest.raises(ConflictError, match=r"^INC-000001 was changed by ana at "
                                                r"2027-03-01 07:05, reload it and try again$"):
            right.comment(key, "Bob's note", author="bob", expected_version=seen_right.version)
        with pytest.raises(ConflictError, match="changed by ana"):
            right.resolve(key, ResolutionType.ANSWER, author="bob",
                          expected_version=seen_right.version)
        # Nothing is lost, nothing half-written: Ana's note is there, Bob's is not.
        reloaded = right.show(key)
        assert reloaded.version == written.version
        assert reloaded.status is Status.NEW
        assert comments(right, key) == ["Ana's note"]
        # Reloaded, Bob's write goes through.
        clock.advance(minutes=1)
        right.comment(key, "Bob's note", author="bob", expected_version=reloaded.version)
        assert comments(left, key) == ["Ana's note", "Bob's note"]
        assert issubclass(ConflictError, InputError)
    finally:
        left.shutdown()
        right.shutdown()


def test_concurrent_writes_without_a_version_all_land(any_database_url: str,
                                                       clock: Clock) -> None:
    # Two workstations (threads with their own engines) write one incident, log incidents
    # and add new people at the same moment: no write fails, none is lost.
    desks = [open_desk(any_database_url, clock) for _ in range(2)]
    errors: list[BaseException] = []
    try:
        key = desks[0].log(draft(), author="ana").incident.key
        start = threading.Barrier(2)

        def work(desk: Desk, name: str) -> None:
            try:
                start.wait()
                for round in range(12):
                    desk.comment(key, f"{name} {round}", author=f"{name}-{round % 3}")
                    if round % 4 == 0:
                        desk.log(draft(), author=f"{name}-{round % 3}")
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(desk, name))
                   for desk, name in zip(desks, ("left", "right"), strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert len(desks[1].show(key).events) == 1 + 24
        assert Counter(text.split()[0] for text in comments(desks[1], key)) == {
            "left": 12, "right": 12}
        rows = desks[1].queue()
        assert sorted(int(row.key[4:]) for row in rows) == list(range(1, 8))
        assert set(desks[1].users()) >= {"left-0", "left-1", "left-2", "right-0", "right-1",
                                         "right-2"}
        assert desks[1].cached_clocks(key) == desks[1].fresh_clocks(key)
    finally:
        for desk in desks:
            desk.shutdown()


WRITER = """
import sys
import time
from pathlib import Path

from deskapp.app.desk import Desk
from deskapp.office import Office

url, key, name, folder = sys.argv[1:5]
desk = Desk.open(url, office=Office("America/New_York", "US"))
# Start writing together: say we are ready, then wait for the other writer.
(Path(folder) / f"{name}.ready").touch()
deadline = time.monotonic() + 60
while len(list(Path(folder).glob("*.ready"))) < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
for round in range(20):
    desk.comment(key, f"{name} {round}", author=name)
desk.shutdown()
"""


def test_two_processes_write_one_incident_on_one_file(sqlite_file: str, tmp_path: Path) -> None:
    desk = Desk.open(sqlite_file, office=NEW_YORK_OFFICE)  # on the real clock
    try:
        key = desk.log(draft(), author="ana").incident.key
        folder = tmp_path / "barrier"
        folder.mkdir()
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, sqlite_file, key, name,
                                     str(folder)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                   for name in ("left", "right")]
        for writer in writers:
            _, errors = writer.communicate(timeout=120)
            assert writer.returncode == 0, errors
            assert errors == ""
        with desk.database.sessions() as session:
            seqs = list(session.scalars(select(IncidentEvent.seq).order_by(IncidentEvent.seq)))
        assert seqs == list(range(1, 42))  # created + 40 comments, each its own number
        texts = comments(desk, key)
        assert len(texts) == 40
        for name in ("left", "right"):
            # Each writer's comments, in its own order.
            assert [t for t in texts if t.startswith(name)] == [f"{name} {i}" for i in range(20)]
        assert desk.cached_clocks(key) == desk.fresh_clocks(key)
    finally:
        desk.shutdown()
