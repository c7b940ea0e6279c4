"""Which version is in force, how versions sort, and when a shipped text takes effect."""

from __future__ import annotations

from datetime import UTC, datetime

from deskapp.core.agreement_versions import (
    SINCE_ALWAYS,
    Origin,
    VersionInfo,
    current_flags,
    in_force,
    shipped_effective,
    shipped_is_newer,
    version_order,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def version(number: int, effective: datetime | None, origin: Origin = Origin.SHIPPED,
            text: str = "2026-11", vendor: str = "maqsu") -> VersionInfo:
    return VersionInfo(number, vendor, number, text, effective, "deskapp", NOW, origin,
                       f"digest {number}")


def test_the_version_in_force_is_the_latest_effective_at_the_instant() -> None:
    first = version(1, SINCE_ALWAYS)
    later = version(2, datetime(2027, 1, 1, tzinfo=UTC), Origin.TEAM)
    waiting = version(3, None)
    assert in_force([first, later, waiting], NOW) == first
    assert in_force([first, later, waiting], datetime(2027, 1, 1, tzinfo=UTC)) == later
    assert in_force([later], NOW) is None
    # Two effective at one instant: the later made.
    again = version(4, datetime(2027, 1, 1, tzinfo=UTC), Origin.TEAM)
    assert in_force([first, later, again], datetime(2027, 2, 1, tzinfo=UTC)) == again
    assert current_flags([first, later, waiting], NOW) == {1: True, 2: False, 3: False}


def test_versions_sort_by_their_numbers() -> None:
    assert version_order("2026-9") < version_order("2026-10") < version_order("2027-01")
    assert version_order("1.9") < version_order("1.10")
    assert version_order("v2") == version_order("V2")


def test_a_shipped_text_is_newer_than_the_last_shipped_one_only() -> None:
    stored = [version(1, SINCE_ALWAYS), version(2, NOW, Origin.TEAM, text="2099-01")]
    assert shipped_is_newer("2027-01", stored)  # the team's own do not count
    assert not shipped_is_newer("2026-11", stored)
    assert not shipped_is_newer("2026-10", stored)
    assert shipped_is_newer("anything", [])


def test_a_newer_shipped_text_never_takes_effect_over_the_teams_own() -> None:
    shipped = version(1, SINCE_ALWAYS)
    assert shipped_effective([], NOW) == SINCE_ALWAYS  # a new database, or a new vendor
    assert shipped_effective([shipped], NOW) == NOW
    team = version(2, datetime(2026, 11, 1, tzinfo=UTC), Origin.TEAM)
    assert shipped_effective([shipped, team], NOW) is None
    coming = version(2, datetime(2027, 1, 1, tzinfo=UTC), Origin.TEAM)
    assert shipped_effective([shipped, coming], NOW) is None
