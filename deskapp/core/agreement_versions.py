"""Which version of a vendor's agreement is in force, and when a shipped text may become one.

Every stored version has a number (per vendor), an effective instant, who made it and its
origin: the text deskapp ships, or the team's own. An incident keeps the version in force
when it was logged; a new version reaches open incidents only when a lead applies it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

# The effective instant of the versions a new database is seeded with: in force for any
# incident, however far back it is logged.
SINCE_ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)
SHIPPED_BY = "deskapp"  # who made the shipped versions


class Origin(StrEnum):
    SHIPPED = "shipped"  # a text that ships with deskapp
    TEAM = "team"  # imported or edited by the team


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a vendor's agreement, without its text."""

    id: int
    vendor: str
    number: int
    version: str  # the agreement's own version field, e.g. "2026-11"
    effective_at: datetime | None  # None: stored, never in force (a shipped text waiting)
    made_by: str
    made_at: datetime
    origin: Origin
    digest: str
    is_current: bool = False  # as last stored: in force at the last write


def text_digest(text: str) -> str:
    """What tells two texts of an agreement apart (sha256, hex): a start compares the
    shipped files' with the stored versions' without parsing either."""
    return hashlib.sha256(text.encode()).hexdigest()


def in_force(versions: Iterable[VersionInfo], at: datetime) -> VersionInfo | None:
    """The version in force at ``at``: the latest effective at or before it (of two
    effective at one instant, the later made)."""
    found = None
    for version in versions:
        if version.effective_at is None or version.effective_at > at:
            continue
        if found is None or (version.effective_at, version.number) > (
                found.effective_at, found.number):
            found = version
    return found


def version_order(text: str) -> tuple[tuple[int, int | str], ...]:
    """How versions sort: their numbers as numbers ("2026-9" before "2026-10", "1.9" before
    "1.10"), the rest as text."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in re.findall(r"\d+|[^\d\W]+", text))


def shipped_is_newer(version: str, stored: Sequence[VersionInfo]) -> bool:
    """Whether a shipped text of ``version`` is newer than the last shipped version stored
    (a vendor with none stored: yes). A team's own versions do not count: a shipped text is
    compared with what deskapp shipped before."""
    shipped = [v for v in stored if v.origin is Origin.SHIPPED]
    if not shipped:
        return True
    last = max(shipped, key=lambda v: v.number)
    return version_order(version) > version_order(last.version)


def shipped_effective(stored: Sequence[VersionInfo], now: datetime) -> datetime | None:
    """When a newer shipped text takes effect: now, unless the team's own version is in
    force (or waits to be) — then never by itself (None): a lead applies it if wanted."""
    if not stored:
        return SINCE_ALWAYS
    current = in_force(stored, now)
    if current is not None and current.origin is Origin.TEAM:
        return None
    if any(v.origin is Origin.TEAM and v.effective_at is not None and v.effective_at > now
           for v in stored):
        return None
    return now


def current_flags(versions: Sequence[VersionInfo], now: datetime) -> dict[int, bool]:
    """Every version's ``is_current`` as it should be at ``now``, by id."""
    by_vendor: dict[str, list[VersionInfo]] = {}
    for version in versions:
        by_vendor.setdefault(version.vendor, []).append(version)
    flags = {version.id: False for version in versions}
    for stored in by_vendor.values():
        current = in_force(stored, now)
        if current is not None:
            flags[current.id] = True
    return flags


def flags_stale(versions: Sequence[VersionInfo], now: datetime) -> bool:
    """Whether a version took effect (or ceased to be in force) since the flags were
    stored: ``current_flags`` at ``now`` differ from each version's ``is_current``."""
    return current_flags(versions, now) != {v.id: v.is_current for v in versions}


def shipped_stored(versions: Iterable[VersionInfo], texts: Iterable[str]) -> bool:
    """Whether every shipped text (``texts``) is stored as a shipped version (by digest)."""
    known = {v.digest for v in versions if v.origin is Origin.SHIPPED}
    return all(text_digest(text) in known for text in texts)
