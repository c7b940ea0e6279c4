"""Incidents to and from a spreadsheet's CSV: for teams moving from another help desk.

An import maps the file's columns to the desk's fields (a column named as a field needs no
mapping), reads each time with its zone (a time without one is the given zone's), and logs
each row as the desk logs a new incident, reported at its time. Every row is checked before
anything is written: one bad row and nothing is imported, with a report naming each bad row
and why. An export writes one line per incident, cells a spreadsheet would run as a formula
neutralised (``core.spreadsheet``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskapp.app import transfer
from deskapp.app.incidents import checked_at
from deskapp.app.instants import parse_instant
from deskapp.app.people import acting
from deskapp.core.agreement import Agreement
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key, parse_key
from deskapp.core.lifecycle import Status
from deskapp.core.spreadsheet import write_rows
from deskapp.core.text import clean_text
from deskapp.core.workflow import check_channel, check_text, opening_events
from deskapp.storage import transfer as rows

if TYPE_CHECKING:
    from deskapp.app.desk import Desk

# The fields a row may give; the first four are needed.
REQUIRED = ("vendor", "title", "severity", "reported_at")
OPTIONAL = ("key", "product", "tier", "description", "reporter", "contact", "channel",
            "assignee", "site_zone", "site_country", "vendor_ref", "category")
FIELDS = REQUIRED + OPTIONAL
EXPORTED = ("key", "vendor", "product", "title", "severity", "tier", "status", "assignee",
            "reporter", "contact", "channel", "reported_at", "updated_at", "site_zone",
            "site_country", "vendor_ref", "category", "description")
DEFAULT_CHANNEL = "phone"


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``COLUMN=FIELD`` pairs as {field: column}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, name = pair.rpartition("=")
        name = name.strip().lower()
        if not sep or not column.strip():
            raise InputError(f"--map {pair!r}: expected COLUMN=FIELD, such as 'Summary=title'")
        if name not in FIELDS:
            raise InputError(f"--map {pair!r}: unknown field {name!r}; expected one of: "
                             f"{', '.join(FIELDS)}")
        if name in mapping:
            raise InputError(f"--map gives the field {name} twice")
        mapping[name] = column.strip()
    return mapping


def _zone(name: str | None, desk: Desk) -> ZoneInfo:
    if not name:
        return desk.sla.office_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {name!r}; expected one such as "
                         "Europe/Lisbon or America/New_York") from None


def _table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the CSV file is not UTF-8 text; save it as CSV UTF-8") from None
    if "\0" in text:
        raise InputError("the CSV file holds NUL characters: it is not text")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect) if any(
            cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputError(f"the CSV file cannot be read: {exc}") from None


def import_csv(desk: Desk, data: bytes, mapping: dict[str, str], zone: str | None = None,
               *, author: str | None = None) -> transfer.Imported:
    """Log each row of the CSV file as a new incident: all rows, or none."""
    table = _table(data)
    if not table:
        raise InputError("the CSV file is empty")
    header = [cell.strip() for cell in table[0]]
    columns: dict[str, int] = {}
    for name in FIELDS:
        column = mapping.get(name)
        if column is None:
            found = [i for i, cell in enumerate(header) if cell.lower() == name]
            if found:
                columns[name] = found[0]
            continue
        if column not in header:
            raise InputError(f"the CSV file has no column {column!r} (for {name}); its "
                             f"columns: {', '.join(header)[:200]}")
        columns[name] = header.index(column)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InputError(f"no column gives {', '.join(missing)}: name the columns so, or "
                         f"map them (--map 'COLUMN={missing[0]}')")
    local = _zone(zone, desk)
    who = acting(author)
    now = desk.now()
    agreements = desk.agreements()
    bad = transfer.Problems()
    incoming = []
    for number, row in enumerate(table[1:], start=2):
        values = {name: (row[index].strip() if index < len(row) else "")
                  for name, index in columns.items()}
        try:
            incoming.append(_incident(desk, values, agreements, local, who, now, number))
        except InputError as error:
            bad.add(f"row {number}", str(error))
    if not incoming and not bad.count:
        raise InputError("the CSV file has a header and no rows")
    return transfer.store(desk, incoming, what="rows", bad=bad)


def _incident(desk: Desk, values: dict[str, str], agreements: dict[str, Agreement],
              zone: ZoneInfo, author: str, now: datetime, number: int) -> transfer.Incoming:
    vendor = values["vendor"].lower()
    agreement = agreements.get(vendor)
    if agreement is None:
        raise InputError(f"unknown vendor {values['vendor'][:40]!r}; expected one of: "
                         f"{', '.join(sorted(agreements))}")
    if not values["reported_at"]:
        raise InputError("reported_at is empty")
    reported = checked_at(desk, parse_instant(values["reported_at"], zone), desk.now(), None)
    severity = agreement.severity(values["severity"]).key
    tier = agreement.tier(values["tier"]).key if values.get("tier") else agreement.tiers[0].key
    product = values.get("product") or ""
    if not product:
        if len(agreement.products) != 1:
            raise InputError(f"no product; {agreement.name} has {len(agreement.products)}")
        product = agreement.products[0]
    channel = values.get("channel") or DEFAULT_CHANNEL
    check_channel(channel)
    assignee = values.get("assignee") or None
    events = opening_events(severity, tier, reported, author, assignee=assignee)
    text = {name: clean_text(name, values.get(name, "")) for name in (
        "description", "reporter", "contact", "vendor_ref", "category")}
    fields = {
        "title": check_text("title", values["title"]), "description": text["description"],
        "reporter": text["reporter"], "contact": text["contact"], "channel": channel,
        "severity": severity, "tier": tier, "status": Status.NEW.value,
        "site_zone": values.get("site_zone") or None,
        "site_country": values.get("site_country") or None,
        "vendor_ref": text["vendor_ref"] or None, "category": text["category"] or None,
        "filing_deadline": None, "agreed_due": None, "resolution_type": None,
        "documentation_complete_at": None, "reported_at": reported, "created_at": now,
        "updated_at": now, "updated_by": author, "version": 1}
    key = values.get("key")
    return transfer.Incoming(f"row {number}", parse_key(key) if key else None, vendor,
                             product, None, assignee, fields, events,
                             [now] * len(events))


def export_csv(desk: Desk, out: TextIO) -> int:
    """One line per incident, in the columns an import reads; how many incidents."""
    count = 0

    def lines() -> Iterator[list[object]]:
        nonlocal count
        with desk.reading() as session:
            for incident, _ in rows.incidents_with_timelines(session.connection()):
                count += 1
                incident["key"] = incident_key(incident["number"])
                yield [transfer.iso(incident[name]) if name in rows.INSTANTS
                       else incident.get(name) for name in EXPORTED]

    write_rows(out, EXPORTED, lines())
    return count
