"""Export every incident with its whole timeline as JSON, and import such a file (or the
incidents read from a spreadsheet) into a desk: all of it, or nothing.

An import checks every incident first, then computes each one's clocks from its timeline
with the code every write uses (``core.clocks``), and writes them all in one transaction.
Times are ISO 8601 in UTC; the file says its format version, and a newer one is refused.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.clocks import compute_clocks, next_due
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key, parse_key
from deskapp.core.lifecycle import Event, EventKind, Status
from deskapp.storage import bulk, catalog, transfer
from deskapp.storage.clock_cache import cached_clock
from deskapp.storage.database import serialize
from deskapp.storage.locks import NUMBERING_LOCK

if TYPE_CHECKING:
    from deskapp.app.desk import Desk

FORMAT = "deskapp incidents"
VERSION = 1
_KINDS = {kind.value: kind for kind in EventKind}
# Instants already read, by their text: an import reads a million, many of them twice.
_SEEN: dict[str, datetime] = {}
_SEEN_AT_MOST = 100_000
# A report names this many bad incidents or rows, then counts the rest.
REPORTED = 20


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


# ----- what an import brings ----------------------------------------------------------------


@dataclass
class Incoming:
    """One incident to import, as read from a file: checked for its shape, not yet against
    the desk (vendors, products, agreements)."""

    label: str  # how a report names it: "incident INC-000012", "row 7"
    number: int | None  # None: the next free number
    vendor: str
    product: str
    agreement: str | None  # the digest of its agreement's text; None: the current one
    assignee: str | None
    fields: dict[str, Any]
    events: list[Event]
    recorded: list[datetime]


@dataclass(frozen=True)
class Imported:
    """What an import wrote."""

    incidents: int
    events: int
    first: str | None = None
    last: str | None = None


@dataclass
class Problems:
    """The problems an import found, each naming its incident or row."""

    found: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, label: str, problem: str) -> None:
        self.count += 1
        if len(self.found) < REPORTED:
            self.found.append(f"{label}: {problem}")

    def check(self, what: str) -> None:
        if self.count:
            more = f"; and {self.count - len(self.found)} more" if self.count > len(
                self.found) else ""
            raise InputError(f"{self.count} of the {what} cannot be imported, so nothing "
                             f"was: {'; '.join(self.found)}{more}")


def _instant(value: object, name: str, *, required: bool = False) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be an ISO 8601 time, not {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} {value[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InputError(f"{name} {value!r} has no UTC offset")
    return moment.astimezone(UTC)


def _text(item: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text" + ("" if name in item else ", and is missing"))
    return value


def read_json(data: bytes) -> tuple[list[Incoming], dict[str, dict[str, Any]], Problems]:
    """The incidents of an export, the agreement texts it carries (by digest) and the
    incidents of the wrong shape (each named).

    InputError for anything that is not such a file: not JSON, another format, a newer
    version."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise InputError("the file is not a deskapp export: it nests too deep") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the file is not a deskapp export: it is not JSON (line "
                         f"{exc.lineno}, column {exc.colno})") from None
    except ValueError:  # not text in any Unicode encoding
        raise InputError("the file is not a deskapp export: it is not text") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(f"the file is not a deskapp export (no \"format\": \"{FORMAT}\")")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError("the export says no format version")
    if version > VERSION:
        raise InputError(f"the export was made by a newer deskapp (format version {version}; "
                         f"this one reads version {VERSION}): update deskapp to import it")
    texts, incidents = document.get("agreements", []), document.get("incidents")
    if not isinstance(texts, list) or not isinstance(incidents, list):
        raise InputError("the export has no list of incidents or of agreements")
    agreements: dict[str, dict[str, Any]] = {}
    for number, text in enumerate(texts, 1):
        if not (isinstance(text, dict) and all(isinstance(text.get(name), str) for name in
                                               ("vendor", "version", "digest", "source"))):
            raise InputError(f"agreement {number} of the export is not vendor, version, "
                             "digest and source text")
        if catalog.source_digest(text["source"]) != text["digest"]:
            raise InputError(f"the text of agreement {number} ({text['vendor']}) does not "
                             "match its digest: the file was changed")
        agreements[text["digest"]] = text
    bad = Problems()
    read = []
    for index, item in enumerate(incidents, 1):
        label = f"incident {index}"
        try:
            if not isinstance(item, dict):
                raise InputError("is not an object")
            key = _text(item, "key")
            assert key is not None
            label = f"incident {key[:20]}"
            read.append(_incoming(item, label, parse_key(key)))
        except InputError as error:
            bad.add(label, str(error))
    return read, agreements, bad


def _incoming(item: dict[str, Any], label: str, number: int) -> Incoming:
    fields: dict[str, Any] = {}
    for name in transfer.FIELDS:
        if name == "number":
            continue
        value = item.get(name)
        if name in transfer.INSTANTS:
            fields[name] = _instant(value, name, required=name in (
                "reported_at", "created_at", "updated_at"))
        elif name == "version":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InputError("version must be a whole number from 1")
            fields[name] = value
        else:
            fields[name] = _text(item, name, required=name in (
                "title", "description", "reporter", "contact", "channel", "severity",
                "tier", "status", "updated_by"))
    events = item.get("events")
    if not isinstance(events, list) or not events:
        raise InputError("has no timeline (events)")
    timeline, recorded = [], []
    for position, event in enumerate(events, 1):
        if not isinstance(event, dict):
            raise InputError(f"event {position} is not an object")
        data = event.get("data", {})
        # JSON's names are always text: only the values need a look.
        if type(data) is not dict or not all(type(value) is str for value in data.values()):
            raise InputError(f"event {position}'s data must map names to text")
        named = event.get("kind")
        kind = _KINDS.get(named) if isinstance(named, str) else None
        if kind is None:
            raise InputError(f"event {position} has an unknown kind "
                             f"{str(event.get('kind'))[:40]!r}")
        at_text = event.get("at")
        at = _SEEN.get(at_text) if isinstance(at_text, str) else None
        if at is None:
            at = _instant(at_text, f"event {position}'s time", required=True)
            assert at is not None
            if isinstance(at_text, str) and len(_SEEN) < _SEEN_AT_MOST:
                _SEEN[at_text] = at
        author = _text(event, "author")
        assert author is not None
        timeline.append(Event(kind, at, author, data))
        recorded_text = event.get("recorded_at")
        recorded.append(at if recorded_text == at_text else _instant(
            recorded_text, f"event {position}'s recorded time") or at)
    if timeline[0].kind is not EventKind.CREATED:
        raise InputError("its timeline does not start with its creation")
    return Incoming(label, number, _text(item, "vendor") or "", _text(item, "product") or "",
                    _text(item, "agreement", required=False),
                    _text(item, "assignee", required=False),
                    fields, timeline, recorded)


# ----- writing them -------------------------------------------------------------------------


def import_json(desk: Desk, data: bytes) -> Imported:
    """Import an export into the desk: every incident, or none (InputError says why)."""
    # Millions of objects are made and none is in a cycle: the cycle collector would walk
    # them again and again for nothing (30,000 incidents: 16.7 s with it, 11.1 s without).
    collecting = gc.isenabled()
    gc.disable()
    try:
        incoming, texts, bad = read_json(data)
        return store(desk, incoming, texts, bad=bad)
    finally:
        _SEEN.clear()
        if collecting:
            gc.enable()


def store(desk: Desk, incoming: Sequence[Incoming],
          texts: dict[str, dict[str, Any]] | None = None, what: str = "incidents",
          bad: Problems | None = None) -> Imported:
    """Check ``incoming`` against the desk, compute their clocks and write them in one
    transaction; InputError naming each bad one (with those ``bad`` already names), and
    nothing written."""
    texts = texts or {}
    bad = bad or Problems()
    with desk.reading() as session:
        connection = session.connection()
        vendors = bulk.vendor_ids(connection)
        products = bulk.product_ids(connection)
        stored = transfer.agreement_ids(connection)
        current = bulk.current_agreement_ids(connection)
        parsed: dict[int | str, Agreement] = {
            version: desk.parsed.get(session, version) for version in set(current.values())}
    rows: list[dict[str, Any]] = []
    kept: list[Incoming] = []
    for item in incoming:
        try:
            rows.append(_row(desk, item, vendors, products, stored, current, parsed, texts))
            kept.append(item)
        except InputError as error:
            bad.add(item.label, str(error))
    numbers = [item.number for item in kept if item.number is not None]
    if len(set(numbers)) != len(numbers):
        seen: set[int] = set()
        for item in kept:
            if item.number in seen:
                bad.add(item.label, "appears twice in the file")
            seen.add(item.number or 0)
    bad.check(what)
    with desk.writing() as session:
        serialize(session, NUMBERING_LOCK)  # numbers given meanwhile by another desk
        connection = session.connection()
        taken = transfer.taken_numbers(connection, numbers)
        if taken:
            shown = ", ".join(incident_key(number) for number in taken[:5])
            raise InputError(f"{len(taken)} of the {what} are already in the database "
                             f"({shown}{', ...' if len(taken) > 5 else ''}), so nothing was "
                             "imported: import into another database")
        added = {}
        for digest in {row["agreement_version_id"] for row in rows
                       if isinstance(row["agreement_version_id"], str)}:
            text = texts[digest]
            added[digest] = transfer.add_agreement_version(
                connection, vendors[text["vendor"]], text["version"], text["source"],
                digest, _instant(text.get("loaded_at"), "loaded_at") or desk.now())
        users = bulk.user_ids(connection)
        names: dict[str, None] = {}
        for item in kept:
            for name in (*(event.author for event in item.events), item.assignee):
                if name and name not in users:
                    names[name] = None
        users.update(bulk.add_agents(connection, list(names)))
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


def _row(desk: Desk, item: Incoming, vendors: dict[str, int],
         products: dict[tuple[int, str], int], stored: dict[tuple[str, str], int],
         current: dict[str, int], parsed: dict[int | str, Agreement],
         texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The incident's row with its cached clocks (``clocks``); its agreement version is
    an id, or the digest of a text to store with it."""
    vendor_id = vendors.get(item.vendor)
    if vendor_id is None:
        raise InputError(f"unknown vendor {item.vendor[:40]!r}; this desk knows "
                         f"{', '.join(sorted(vendors))}")
    product_id = products.get((vendor_id, item.product))
    if product_id is None:
        raise InputError(f"unknown product {item.product[:60]!r} of {item.vendor}")
    version: int | str
    if item.agreement is None:
        version = current[item.vendor]
    elif (item.vendor, item.agreement) in stored:
        version = stored[(item.vendor, item.agreement)]
    elif item.agreement in texts and texts[item.agreement]["vendor"] == item.vendor:
        version = item.agreement
    else:
        raise InputError(f"its agreement ({item.agreement[:12]}) is neither in this desk "
                         "nor in the file")
    agreement = parsed.get(version)
    if agreement is None:
        agreement = parsed[version] = parse_agreement(texts[str(version)]["source"],
                                                      f"{item.vendor}'s agreement")
    fields = item.fields
    try:
        status = Status(fields["status"])
    except ValueError:
        raise InputError(f"unknown status {str(fields['status'])[:40]!r}") from None
    try:
        site = desk.sla.site(fields.get("site_zone"), fields.get("site_country"))
        ordered = sorted(item.events, key=lambda event: event.at)
        clocks = compute_clocks(ordered, agreement, site, desk.sla.book)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"its timeline does not fit {agreement.name}'s agreement: "
                         f"{type(exc).__name__}: {exc}") from None
    is_open = status.is_open
    return {**fields, "number": item.number, "vendor_id": vendor_id,
            "product_id": product_id, "agreement_version_id": version,
            "site_zone": site.zone, "site_country": site.country,
            "next_due_at": next_due(clocks) if is_open else None, "is_open": is_open,
            "clocks": [{"metric": clock.metric, **cached_clock(clock)._asdict()}
                       for clock in clocks]}

