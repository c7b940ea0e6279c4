"""The agreements the desk works under: stored versions, parsed once, the shipped ones, and
the team's own (imported, exported, listed)."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskapp.app import sla
from deskapp.app.sla import AgreementWarning
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_check import Checked, check_agreement
from deskapp.core.agreement_file import AgreementError, parse_agreement
from deskapp.core.agreement_folder import vendor_named
from deskapp.core.agreement_versions import (
    SHIPPED_BY,
    Origin,
    VersionInfo,
    current_flags,
    flags_stale,
    shipped_effective,
    shipped_is_newer,
    text_digest,
)
from deskapp.core.errors import InputError
from deskapp.core.workflow import waits_for_documentation
from deskapp.storage import catalog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk


class ParsedAgreements:
    """Stored agreement versions by id, each parsed once (versions never change)."""

    def __init__(self) -> None:
        self._parsed: dict[int, Agreement] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int, source: str | None = None) -> Agreement:
        """Version ``version_id``; its ``source`` is read when not given and not parsed yet."""
        found = self._parsed.get(version_id)
        if found is None:
            if source is None:
                source = catalog.agreement_source(session, version_id)
            found = parse_agreement(source, f"stored agreement version {version_id}")
            with self._lock:
                self._parsed[version_id] = found
        return found

    def share(self, other: ParsedAgreements) -> None:
        """Start with what ``other`` has parsed (a recomputation worker from its parent)."""
        self._parsed = other._parsed


# ----- the shipped agreements ---------------------------------------------------------------


def shipped_texts() -> dict[str, str]:
    """The text of every agreement file deskapp ships, by file name (not parsed: a start
    only compares their digests with the stored ones)."""
    return sla.shipped_texts()



@dataclass(frozen=True)
class ShippedCheck:
    """What the shipped files hold that the database does not."""

    newer: tuple[Agreement, ...]  # texts newer than their vendor's last shipped version
    problems: dict[str, AgreementError]  # shipped files that cannot be used, by vendor
    refresh: bool  # a stored version took effect (or ended) since the last write


def check_shipped(session: Session, now: datetime) -> ShippedCheck:
    """Compare the shipped files with the stored versions: only a text no shipped version
    has is parsed (a file that cannot be used is told as an ``AgreementWarning``)."""
    stored = catalog.versions(session)
    known = {v.digest for v in stored if v.origin is Origin.SHIPPED}
    by_vendor: dict[str, list[VersionInfo]] = {}
    for version in stored:
        by_vendor.setdefault(version.vendor, []).append(version)
    newer: dict[str, Agreement] = {}
    problems: dict[str, AgreementError] = {}
    for name, text in shipped_texts().items():
        if text_digest(text) in known:
            continue
        try:
            agreement = parse_agreement(text, name)
        except AgreementError as problem:
            vendor = vendor_named(text, name)
            problems.setdefault(vendor, problem)
            warnings.warn(AgreementWarning(
                f"{problem}; {vendor}'s shipped agreement is left out until the file is "
                "fixed"), stacklevel=2)
            continue
        if agreement.vendor in newer:
            problems.setdefault(agreement.vendor, AgreementError(
                name, "vendor", f"{agreement.vendor!r} is defined twice"))
        elif shipped_is_newer(agreement.version, by_vendor.get(agreement.vendor, [])):
            newer[agreement.vendor] = agreement
    usable = tuple(a for vendor, a in newer.items() if vendor not in problems)
    return ShippedCheck(usable, problems, flags_stale(stored, now))


def shipped_are_stored(session: Session, now: datetime) -> bool:
    """Whether starting needs no write: no shipped text is newer than what is stored, and
    the versions marked current are in force."""
    found = check_shipped(session, now)
    return not found.newer and not found.refresh


def store_shipped(session: Session, now: datetime) -> list[str]:
    """Store each shipped text newer than its vendor's last shipped version; returns the
    vendors it added a version to.

    A new database is seeded with them (in force since always). Later, a newer shipped text
    takes effect now, unless the team's own version is in force: then it is stored without
    taking effect, for a lead to apply. Incidents keep the version they were logged under.
    """
    catalog.lock_agreements(session)  # two workstations starting at once
    added = []
    for agreement in check_shipped(session, now).newer:
        mine = catalog.versions(session, agreement.vendor)
        catalog.add_version(
            session, agreement, origin=Origin.SHIPPED, effective_at=shipped_effective(mine, now),
            made_by=SHIPPED_BY, made_at=now)
        added.append(agreement.vendor)
    refresh_current(session, now)
    return added


def refresh_current(session: Session, now: datetime) -> list[str]:
    """Mark the versions in force at ``now`` current; returns the vendors whose current
    version changed (their name follows it)."""
    stored = catalog.versions(session)
    changed = catalog.set_current(session, current_flags(stored, now))
    for vendor in changed:
        found = catalog.current_agreement(session, vendor)
        if found is not None:
            catalog.rename_vendor(session, vendor, parse_agreement(found.source, vendor).name)
    return changed


def needs_refresh(session: Session, now: datetime) -> bool:
    """Whether a version took effect (or ceased to be in force) since the last write."""
    return flags_stale(catalog.versions(session), now)


# ----- reading ------------------------------------------------------------------------------


def waiting_versions(session: Session, parsed: ParsedAgreements) -> list[int]:
    """The stored agreement versions whose clocks wait for the documentation."""
    return [version for version, source in catalog.agreement_versions(session)
            if waits_for_documentation(parsed.get(session, version, source))]


def current(session: Session, parsed: ParsedAgreements) -> dict[str, Agreement]:
    """The current agreement of every vendor, by vendor key."""
    return {row.vendor_key: parsed.get(session, row.version_id, row.source)
            for row in catalog.current_agreements(session)}


def versions(desk: Desk, vendor: str) -> list[VersionInfo]:
    """A vendor's stored versions, first to last."""
    with desk.reading() as session:
        found = catalog.versions(session, vendor)
        if not found:
            raise _unknown_vendor(session, vendor)
    return found


def version_text(desk: Desk, vendor: str, number: int | None = None) -> tuple[int, str]:
    """The number and text of a vendor's version ``number`` (default: the current one)."""
    with desk.reading() as session:
        stored = catalog.versions(session, vendor)
        if not stored:
            raise _unknown_vendor(session, vendor)
        if number is None:
            current_one = next((v for v in stored if v.is_current), None)
            if current_one is None:
                raise InputError(f"{vendor} has no version in force yet; give --version")
            number = current_one.number
        found = catalog.version_source(session, vendor, number)
    if found is None:
        numbers = ", ".join(str(v.number) for v in stored)
        raise InputError(f"{vendor} has no version {number}; its versions are: {numbers}")
    return number, found[1]


def _unknown_vendor(session: Session, vendor: str) -> InputError:
    known = ", ".join(catalog.vendor_keys(session))
    return InputError(f"unknown vendor {vendor!r}; expected one of: {known}")


# ----- the team's own versions --------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """A version the team stored, and what the linter warned about."""

    version: VersionInfo
    agreement: Agreement
    warnings: tuple[str, ...]


def check(data: str | Mapping[str, Any], source: str, now: datetime) -> Checked:
    """Every finding about an agreement (text or tables): the loader's and the linter's."""
    return check_agreement(data, source, now.date())


def import_agreement(desk: Desk, data: str | Mapping[str, Any], source: str, *,
                     effective: datetime | None = None, author: str | None = None
                     ) -> Imported:
    """Store an agreement as the team's new version of its vendor (a new vendor, or the
    next version of one), in force from ``effective`` (default now); nothing is stored when
    it has an error. Open incidents keep their version until a lead applies this one."""
    now = desk.now()
    checked = check(data, source, now)
    error = checked.first_error()
    if error is not None or checked.agreement is None:
        raise error or InputError(f"{source}: the agreement cannot be read")
    agreement = checked.agreement
    with desk.work(author) as work:
        catalog.lock_agreements(work.session)
        info = catalog.add_version(
            work.session, agreement, origin=Origin.TEAM,
            effective_at=effective if effective is not None else work.now,
            made_by=work.author, made_at=work.now)
        refresh_current(work.session, work.now)
        info = next(v for v in catalog.versions(work.session, agreement.vendor)
                    if v.id == info.id)
    return Imported(info, agreement, tuple(str(f) for f in checked.warnings))
