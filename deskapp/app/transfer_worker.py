"""A large export imported into SQLite on two processors: a second process checks incidents
and computes their clocks while this one writes those made, all in one transaction.

This process reads the file, then forks the second, which starts with what was read. Both
take chunks of incidents to make in the file's order, this one whenever it has no chunk to
write; the chunks are written in the file's order. A problem stops the writing (and the
transaction is rolled back), but every chunk is still checked, so the refusal names each
bad incident as a one-process import does.
"""

from __future__ import annotations

import marshal
import multiprocessing
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskapp.app import incoming
from deskapp.app.incoming import Imported, Known, Problems
from deskapp.app.processes import may_fork
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key
from deskapp.storage import bulk, search, transfer
from deskapp.storage.database import serialize
from deskapp.storage.engine import is_sqlite
from deskapp.storage.locks import NUMBERING_LOCK

if TYPE_CHECKING:
    from multiprocessing.connection import Connection as Pipe
    from multiprocessing.sharedctypes import Synchronized

    from sqlalchemy import Connection

    from deskapp.app.desk import Desk
    from deskapp.app.sla import SlaService

# A file this large (about 17,000 incidents) is worth a second process; 8,000 incidents
# took 2.9 to 3.2 s either way on a shared machine of two processors, 100,000 took 32.5 s in
# one process and 22 s in two.
SMALLEST = 40_000_000
# Incidents made and written together: each table's rows of a chunk go in in one statement.
CHUNK = 2_000
# Chunks written between two indexings of their words, done while the worker goes on making
# chunks: indexing 100,000 incidents at the end took 3.3 s in which it had nothing to do.
INDEXED_EVERY = 10


def worth_a_worker(desk: Desk, data: bytes) -> bool:
    """Whether ``data`` is imported by ``import_json_in_two``: a large file into SQLite, from
    a process that may fork (Qt, the window's, must never be forked)."""
    return len(data) >= SMALLEST and is_sqlite(desk.database.engine) and may_fork()


@dataclass(frozen=True)
class _Plan:
    """What both processes make chunks with."""

    items: list[Any]  # the incidents as the file has them
    known: Known
    first_id: int  # the id of the file's first incident; the others follow it
    folder: Path  # where the worker leaves the chunks it made


def import_json_in_two(desk: Desk, data: bytes) -> Imported:
    """Import an export into the desk's SQLite database as ``transfer.import_json`` does,
    on two processors."""
    items, texts = incoming.read_document(data)
    context = multiprocessing.get_context("fork")
    claims = context.Value("i", 0)  # the next chunk to make
    with desk.writing() as session, tempfile.TemporaryDirectory(prefix="deskapp-") as folder:
        serialize(session, NUMBERING_LOCK)
        connection = session.connection()
        plan = _Plan(items, incoming.known(desk, session, texts),
                     bulk.first_free_id(connection), Path(folder))
        made, sent = context.Pipe(duplex=False)
        # The worker never uses the database connections it inherits.
        worker = context.Process(target=_work, args=(sent, plan, desk.sla, claims),
                                 name="deskapp import", daemon=True)
        worker.start()
        sent.close()
        try:
            return _import(desk, connection, plan, claims, made)
        finally:
            if worker.is_alive():
                worker.kill()
            worker.join()
            made.close()


def _import(desk: Desk, connection: Connection, plan: _Plan, claims: Synchronized[int],
            made_there: Pipe) -> Imported:
    count = -(-len(plan.items) // CHUNK)
    writer = _Writer(desk, connection, plan.known)
    made: dict[int, dict[str, Any]] = {}
    working = True
    with search.words_indexed_in_bulk(connection) as index:
        for chunk in range(count):
            while chunk not in made:
                if working and made_there.poll():
                    working = _take(plan, made_there, made)
                    continue
                mine = _claim(claims, count)
                if mine is None and not working:
                    mine = chunk  # the worker stopped before sending it
                if mine is not None:
                    made[mine] = _made(plan, desk.sla, mine)
                else:  # nothing to do but wait for the worker
                    working = _take(plan, made_there, made)
            writer.write(made.pop(chunk))
            if chunk % INDEXED_EVERY == INDEXED_EVERY - 1:
                index()
        return writer.imported(len(plan.items))


def _take(plan: _Plan, made_there: Pipe, made: dict[int, dict[str, Any]]) -> bool:
    """Keep the next chunk the worker made; False when it has stopped."""
    try:
        chunk = made_there.recv()
    except EOFError:
        return False
    path = plan.folder / str(chunk)
    made[chunk] = marshal.loads(path.read_bytes())
    path.unlink()
    return True


def _work(sent: Pipe, plan: _Plan, sla: SlaService, claims: Synchronized[int]) -> None:
    """The second process: make chunks, each handed over as soon as made.

    A chunk goes through a file, in one write and one read: through the pipe, the reading
    thread waited for the interpreter's lock at each 64 kB (importing 100,000 incidents, the
    second process was idle half the time). And through ``marshal``: pickle spent 0.39 s
    on a chunk of 200,000 timeline entries that marshal writes in 0.06 s."""
    count = -(-len(plan.items) // CHUNK)
    while (chunk := _claim(claims, count)) is not None:
        (plan.folder / str(chunk)).write_bytes(marshal.dumps(_made(plan, sla, chunk)))
        sent.send(chunk)
    sent.close()


def _claim(claims: Synchronized[int], count: int) -> int | None:
    """The next chunk to make; None when each is taken."""
    with claims.get_lock():
        chunk = claims.value
        if chunk >= count:
            return None
        claims.value = chunk + 1
        return chunk


def _made(plan: _Plan, sla: SlaService, chunk: int) -> dict[str, Any]:
    """One chunk read and checked, with its rows as SQLite keeps them (none when some
    incident is bad); only numbers, text, lists and dicts, for ``marshal``."""
    start = chunk * CHUNK
    shape: list[tuple[str, str]] = []
    wrong: list[tuple[str, str]] = []
    kept: list[incoming.Incoming] = []
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(plan.items[start:start + CHUNK], start + 1):
        label, found = incoming.read_incident(index, item)
        if isinstance(found, str):
            shape.append((label, found))
            continue
        try:
            rows.append(incoming.row_of(sla, found, plan.known))
            kept.append(found)
        except InputError as error:
            wrong.append((label, str(error)))
    batch = None
    if not (shape or wrong):
        timelines = [bulk.Timeline(item.events, item.recorded, row.pop("clocks"))
                     for item, row in zip(kept, rows, strict=True)]
        for item, row in zip(kept, rows, strict=True):
            row["assignee_id"] = item.assignee  # its id once known
        batch = bulk.sqlite_batch(plan.first_id + start, rows, timelines)
    return {"shape": shape, "wrong": wrong, "labels": [item.label for item in kept],
            "numbers": [item.number for item in kept],
            "people": incoming.new_people(kept, ()),
            "texts": sorted({row["agreement_version_id"] for row in rows
                             if isinstance(row["agreement_version_id"], str)}),
            "events": sum(len(item.events) for item in kept), "batch": batch}


class _Writer:
    """Writes the chunks in order, until a problem; then only gathers the problems."""

    def __init__(self, desk: Desk, connection: Connection, known: Known) -> None:
        self.desk = desk
        self.connection = connection
        self.known = known
        self.users = bulk.user_ids(connection)
        self.added: dict[str, int] = {}
        self.shape: list[tuple[str, str]] = []
        self.wrong: list[tuple[str, str]] = []
        self.twice: list[tuple[str, str]] = []
        self.seen: set[int] = set()
        self.taken: list[int] = []
        self.numbers: list[int] = []
        self.events = 0

    def write(self, made: dict[str, Any]) -> None:
        self.shape += made["shape"]
        self.wrong += made["wrong"]
        for label, number in zip(made["labels"], made["numbers"], strict=True):
            if number in self.seen:
                self.twice.append((label, incoming.TWICE))
            self.seen.add(number)
        if self.shape or self.wrong or self.twice:
            return
        self.taken += transfer.taken_numbers(self.connection, made["numbers"])
        if self.taken:
            return
        self.users.update(bulk.add_agents(self.connection, [
            name for name in made["people"] if name not in self.users]))
        self.added.update(incoming.add_agreement_texts(self.desk, self.connection, self.known, [
            digest for digest in made["texts"] if digest not in self.added]))
        batch: bulk.SqliteBatch = made["batch"]
        table, names, rows = batch[0]
        batch[0] = (table, names, _with_ids(names, rows, self.users, self.added))
        bulk.insert_sqlite_batch(self.connection, batch)
        self.numbers += made["numbers"][:1] + made["numbers"][-1:]
        self.events += made["events"]

    def imported(self, count: int) -> Imported:
        """What was written; InputError (and the transaction undone) after a problem."""
        bad = Problems()
        for label, problem in self.shape + self.wrong + self.twice:
            bad.add(label, problem)
        bad.check("incidents")
        if self.taken:
            raise incoming.taken_error(sorted(self.taken), "incidents")
        ends = [incident_key(number) for number in self.numbers[:1] + self.numbers[-1:]]
        return Imported(count, self.events, *ends)


def _with_ids(names: list[str], rows: list[tuple[Any, ...]], users: dict[str, int],
              added: dict[str, int]) -> list[tuple[Any, ...]]:
    """Incident rows with their assignee's id for the name, and their agreement version's
    for a digest of a text of the file."""
    assignee, agreement = names.index("assignee_id"), names.index("agreement_version_id")
    made = []
    for row in rows:
        values = list(row)
        if values[assignee] is not None:
            values[assignee] = users[values[assignee]]
        values[agreement] = added.get(values[agreement], values[agreement])
        made.append(tuple(values))
    return made
