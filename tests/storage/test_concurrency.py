"""Two deskapp processes writing one SQLite file wait for each other and lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from deskapp.storage.engine import open_engine, session_factory
from deskapp.storage.migrate import upgrade
from deskapp.storage.models import Setting

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 40

# Each round reads the shared counter and writes it back one higher: without the write
# lock taken at BEGIN, two processes would read the same value and an increment would be lost.
WRITER = f"""
import sys
import time
from pathlib import Path
from sqlalchemy import select
from deskapp.storage.engine import open_engine, session_factory
from deskapp.storage.models import Setting

engine = open_engine(sys.argv[1])
factory = session_factory(engine)
# Start writing together: say we are ready, then wait for the other writer.
folder = Path(sys.argv[1]).parent
(folder / f"{{sys.argv[2]}}.ready").touch()
deadline = time.monotonic() + 60
while len(list(folder.glob("*.ready"))) < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
for round in range({ROUNDS}):
    with factory.begin() as session:
        counter = session.scalars(select(Setting).where(Setting.key == "counter")).one()
        counter.value = str(int(counter.value) + 1)
        session.add(Setting(key=f"{{sys.argv[2]}}-{{round}}", value="x"))
engine.dispose()
"""


def test_two_processes_write_one_file(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    engine = open_engine(str(path))
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            session.add(Setting(key="counter", value="0"))
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], cwd=ROOT,
                                    stderr=subprocess.PIPE, text=True)
                   for name in ("left", "right")]
        for writer in writers:
            _, errors = writer.communicate(timeout=120)
            assert writer.returncode == 0, errors
        with session_factory(engine).begin() as session:
            rows = session.execute(select(Setting.key, Setting.value))
            values = {key: value for key, value in rows}
    finally:
        engine.dispose()
    assert values["counter"] == str(2 * ROUNDS)
    assert len(values) == 2 * ROUNDS + 1
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
