"""What an import brings: incidents read from an export (or a spreadsheet), checked for
their shape and against the desk, each with its row and its clocks computed by the code
every write uses (``core.clocks``); and what an import adds beside them (agreement texts,
people), and its refusals."""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.clocks import compute_clocks, next_due
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key, parse_key
from deskapp.core.lifecycle import Event, EventKind, Status
from deskapp.storage import bulk, catalog, transfer
from deskapp.storage.clock_cache import cached_clock

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk
    from deskapp.app.sla import SlaService

FORMAT = "deskapp incidents"
VERSION = 1
_KINDS = {kind.value: kind for kind in EventKind}
# Instants already read, by their text: an import reads a million, many of them twice.
_SEEN: dict[str, datetime] = {}
_SEEN_AT_MOST = 100_000
# A report names this many bad incidents or rows, then counts the rest.
REPORTED = 20


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


def read_instant(value: object, name: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 instant with its UTC offset, in UTC; InputError naming ``name``."""
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
    incidents, agreements = read_document(data)
    bad = Problems()
    read = []
    for index, item in enumerate(incidents, 1):
        label, found = read_incident(index, item)
        if isinstance(found, Incoming):
            read.append(found)
        else:
            bad.add(label, found)
    return read, agreements, bad


def read_document(data: bytes) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """The incidents of an export as the file has them (each checked by ``read_incident``)
    and the agreement texts it carries, by digest; InputError for anything that is not such
    a file."""
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
    return incidents, agreements


def read_incident(index: int, item: object) -> tuple[str, Incoming | str]:
    """The ``index``-th incident of an export (from 1): how a report names it, and the
    incident or what is wrong with its shape."""
    label = f"incident {index}"
    try:
        if not isinstance(item, dict):
            raise InputError("is not an object")
        key = _text(item, "key")
        assert key is not None
        label = f"incident {key[:20]}"
        return label, _incoming(item, label, parse_key(key))
    except InputError as error:
        return label, str(error)


def _incoming(item: dict[str, Any], label: str, number: int) -> Incoming:
    fields: dict[str, Any] = {}
    for name in transfer.FIELDS:
        if name == "number":
            continue
        value = item.get(name)
        if name in transfer.INSTANTS:
            fields[name] = read_instant(value, name, required=name in (
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
            at = read_instant(at_text, f"event {position}'s time", required=True)
            assert at is not None
            if isinstance(at_text, str) and len(_SEEN) < _SEEN_AT_MOST:
                _SEEN[at_text] = at
        author = _text(event, "author")
        assert author is not None
        timeline.append(Event(kind, at, author, data))
        recorded_text = event.get("recorded_at")
        recorded.append(at if recorded_text == at_text else read_instant(
            recorded_text, f"event {position}'s recorded time") or at)
    if timeline[0].kind is not EventKind.CREATED:
        raise InputError("its timeline does not start with its creation")
    return Incoming(label, number, _text(item, "vendor") or "", _text(item, "product") or "",
                    _text(item, "agreement", required=False),
                    _text(item, "assignee", required=False),
                    fields, timeline, recorded)


def forget_instants() -> None:
    """Drop the instants remembered while reading a file."""
    _SEEN.clear()


@dataclass
class Known:
    """What an import checks incidents against: the desk's vendors, products and agreement
    versions, and the agreement texts its file carries (by digest)."""

    vendors: dict[str, int]
    products: dict[tuple[int, str], int]
    stored: dict[tuple[str, str], int]  # agreement versions by vendor and digest
    current: dict[str, int]  # each vendor's current agreement version
    parsed: dict[int | str, Agreement]  # by version id, or the digest of a text of the file
    texts: dict[str, dict[str, Any]]


def known(desk: Desk, session: Session, texts: dict[str, dict[str, Any]]) -> Known:
    """The desk's vendors, products and agreements (read in ``session``) and ``texts``."""
    connection = session.connection()
    current = bulk.current_agreement_ids(connection)
    return Known(bulk.vendor_ids(connection), bulk.product_ids(connection),
                 transfer.agreement_ids(connection), current,
                 {version: desk.parsed.get(session, version)
                  for version in set(current.values())}, texts)


TWICE = "appears twice in the file"


def taken_error(taken: Sequence[int], what: str) -> InputError:
    """The refusal of an import of incidents whose numbers ``taken`` are already used."""
    shown = ", ".join(incident_key(number) for number in taken[:5])
    return InputError(f"{len(taken)} of the {what} are already in the database "
                      f"({shown}{', ...' if len(taken) > 5 else ''}), so nothing was "
                      "imported: import into another database")


def add_agreement_texts(desk: Desk, connection: Connection, checked: Known,
                        versions: Iterable[int | str]) -> dict[str, int]:
    """Store the agreement texts of the file among ``versions`` (ids, or digests of the
    file's texts); each new version's id by its digest."""
    added = {}
    for digest in sorted(version for version in versions if isinstance(version, str)):
        text = checked.texts[digest]
        added[digest] = transfer.add_agreement_version(
            connection, checked.vendors[text["vendor"]], text["version"], text["source"],
            digest, read_instant(text.get("loaded_at"), "loaded_at") or desk.now())
    return added


def new_people(incoming: Iterable[Incoming], users: Container[str]) -> list[str]:
    """The authors and assignees of ``incoming`` not among ``users``, in the order they
    first appear."""
    names: dict[str, None] = {}
    for item in incoming:
        for name in (*(event.author for event in item.events), item.assignee):
            if name and name not in users:
                names[name] = None
    return list(names)


def row_of(sla: SlaService, item: Incoming, checked: Known) -> dict[str, Any]:
    """The incident's row with its cached clocks (``clocks``); its agreement version is
    an id, or the digest of a text to store with it."""
    vendors = checked.vendors
    vendor_id = vendors.get(item.vendor)
    if vendor_id is None:
        raise InputError(f"unknown vendor {item.vendor[:40]!r}; this desk knows "
                         f"{', '.join(sorted(vendors))}")
    product_id = checked.products.get((vendor_id, item.product))
    if product_id is None:
        raise InputError(f"unknown product {item.product[:60]!r} of {item.vendor}")
    version: int | str
    texts = checked.texts
    if item.agreement is None:
        version = checked.current[item.vendor]
    elif (item.vendor, item.agreement) in checked.stored:
        version = checked.stored[(item.vendor, item.agreement)]
    elif item.agreement in texts and texts[item.agreement]["vendor"] == item.vendor:
        version = item.agreement
    else:
        raise InputError(f"its agreement ({item.agreement[:12]}) is neither in this desk "
                         "nor in the file")
    agreement = checked.parsed.get(version)
    if agreement is None:
        agreement = checked.parsed[version] = parse_agreement(
            texts[str(version)]["source"], f"{item.vendor}'s agreement")
    fields = item.fields
    try:
        status = Status(fields["status"])
    except ValueError:
        raise InputError(f"unknown status {str(fields['status'])[:40]!r}") from None
    try:
        site = sla.site(fields.get("site_zone"), fields.get("site_country"))
        ordered = sorted(item.events, key=lambda event: event.at)
        clocks = compute_clocks(ordered, agreement, site, sla.book)
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
