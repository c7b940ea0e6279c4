"""Export every incident with its whole timeline as JSON, and import such a file (or the
incidents read from a spreadsheet) into a desk: all of it, or nothing.

An import checks every incident first, then computes each one's clocks from its timeline
with the code every write uses (``core.clocks``), and writes them all in one transaction.
Times are ISO 8601 in UTC; the file says its format version, and a newer one is refused.
A large file is imported into SQLite on two processors (``transfer_worker``).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from deskapp.app import transfer_worker
from deskapp.app.incoming import (
    FORMAT,
    TWICE,
    VERSION,
    Imported,
    Incoming,
    Problems,
    add_agreement_texts,
    forget_instants,
    known,
    new_people,
    read_json,
    row_of,
    taken_error,
)
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key
from deskapp.storage import bulk, transfer
from deskapp.storage.database import serialize
from deskapp.storage.locks import NUMBERING_LOCK

if TYPE_CHECKING:
    from deskapp.app.desk import Desk

# What the spreadsheets' import shares with this one.
__all__ = ["FORMAT", "VERSION", "Imported", "Incoming", "Problems", "export_json", "import_json",
           "iso", "store"]


def iso(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC (``...Z``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ----- export -------------------------------------------------------------------------------


def export_json(desk: Desk, out: TextIO) -> int:
    """Write every incident with its whole timeline to ``out``; how many incidents.

    One read transaction: the file is one consistent moment of the desk. Text beyond ASCII
    is escaped, so a terminal shown the file obeys none of it."""
    count = 0
    with desk.reading() as session:
        connection = session.connection()
        texts = [{**text, "loaded_at": iso(text["loaded_at"])}
                 for text in transfer.agreement_texts(connection)]
        head = {"format": FORMAT, "version": VERSION, "exported_at": iso(desk.now()),
                "agreements": texts}
        out.write(json.dumps(head)[:-1] + ', "incidents": [')
        for incident, events in transfer.incidents_with_timelines(connection):
            item = {"key": incident_key(incident.pop("number")), **{
                name: iso(value) if name in transfer.INSTANTS else value
                for name, value in incident.items()}}
            item["events"] = [{**event, "at": iso(event["at"]),
                               "recorded_at": iso(event["recorded_at"])} for event in events]
            out.write(("," if count else "") + "\n"
                      + json.dumps(item, separators=(",", ":")))
            count += 1
    out.write("\n]}\n")
    return count


# ----- writing them -------------------------------------------------------------------------


def import_json(desk: Desk, data: bytes) -> Imported:
    """Import an export into the desk: every incident, or none (InputError says why)."""
    # Millions of objects are made and none is in a cycle: the cycle collector would walk
    # them again and again for nothing (30,000 incidents: 16.7 s with it, 11.1 s without).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if transfer_worker.worth_a_worker(desk, data):
            return transfer_worker.import_json_in_two(desk, data)
        incoming, texts, bad = read_json(data)
        return store(desk, incoming, texts, bad=bad)
    finally:
        forget_instants()
        if collecting:
            gc.enable()


def store(desk: Desk, incoming: Sequence[Incoming],
          texts: dict[str, dict[str, Any]] | None = None, what: str = "incidents",
          bad: Problems | None = None) -> Imported:
    """Check ``incoming`` against the desk, compute their clocks and write them in one
    transaction; InputError naming each bad one (with those ``bad`` already names), and
    nothing written."""
    bad = bad or Problems()
    with desk.reading() as session:
        checked = known(desk, session, texts or {})
    rows: list[dict[str, Any]] = []
    kept: list[Incoming] = []
    for item in incoming:
        try:
            rows.append(row_of(desk.sla, item, checked))
            kept.append(item)
        except InputError as error:
            bad.add(item.label, str(error))
    numbers = [item.number for item in kept if item.number is not None]
    if len(set(numbers)) != len(numbers):
        seen: set[int] = set()
        for item in kept:
            if item.number in seen:
                bad.add(item.label, TWICE)
            seen.add(item.number or 0)
    bad.check(what)
    with desk.writing() as session:
        serialize(session, NUMBERING_LOCK)  # numbers given meanwhile by another desk
        connection = session.connection()
        taken = transfer.taken_numbers(connection, numbers)
        if taken:
            raise taken_error(taken, what)
        added = add_agreement_texts(desk, connection, checked, {
            row["agreement_version_id"] for row in rows})
        users = bulk.user_ids(connection)
        users.update(bulk.add_agents(connection, new_people(kept, users)))
        number = max([bulk.last_incident_number(connection), *numbers])
        for row, item in zip(rows, kept, strict=True):
            row["agreement_version_id"] = added.get(row["agreement_version_id"],
                                                    row["agreement_version_id"])
            row["assignee_id"] = users[item.assignee] if item.assignee else None
            if row["number"] is None:
                number += 1
                row["number"] = number
        clocks = [row.pop("clocks") for row in rows]
        ids = bulk.insert_incidents(connection, rows)
        events = bulk.insert_timelines(connection, ids, [
            bulk.Timeline(item.events, item.recorded, rows_of)
            for item, rows_of in zip(kept, clocks, strict=True)])
    keys = [incident_key(row["number"]) for row in rows]
    return Imported(len(rows), events, keys[0] if keys else None,
                    keys[-1] if keys else None)


