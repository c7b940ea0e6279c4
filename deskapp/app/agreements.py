"""The agreements the desk works under: stored versions, parsed once, and the shipped ones."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.workflow import waits_for_documentation
from deskapp.storage import catalog

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session


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


def store_shipped(session: Session, now: datetime) -> list[str]:
    """Store each shipped agreement whose text is new; returns the vendors updated.

    A changed agreement becomes a new current version: incidents already logged stay
    pinned to the version they were logged under.
    """
    return catalog.store_agreements(session, shipped_agreements().values(), now)


def shipped_are_stored(session: Session) -> bool:
    """Whether every shipped agreement's text is already its vendor's current version
    (then starting needs no write)."""
    stored = catalog.current_digests(session)
    return all(stored.get(agreement.vendor) == catalog.source_digest(agreement.source)
               for agreement in shipped_agreements().values())


def waiting_versions(session: Session, parsed: ParsedAgreements) -> list[int]:
    """The stored agreement versions whose clocks wait for the documentation."""
    return [version for version, source in catalog.agreement_versions(session)
            if waits_for_documentation(parsed.get(session, version, source))]


def current(session: Session, parsed: ParsedAgreements) -> dict[str, Agreement]:
    """The current agreement of every vendor, by vendor key."""
    return {row.vendor_key: parsed.get(session, row.version_id, row.source)
            for row in catalog.current_agreements(session)}
