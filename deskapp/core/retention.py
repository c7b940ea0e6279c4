"""Which backups to keep: one a day for 7 days, one a week for 4 weeks, one a month for 3.

Days, weeks (ISO, Monday first) and months are UTC. The days keep the newest backup of each
of the 7 latest days that have one; the weeks pick among the older ones, the months among
what the weeks leave: with a backup every day, 14 files reach back about four months.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Retention:
    """How many periods of each kind keep a backup."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 3


KEEP = Retention()


def _day(moment: datetime) -> Hashable:
    return moment.date()


def _week(moment: datetime) -> Hashable:
    year, week, _ = moment.isocalendar()
    return (year, week)


def _month(moment: datetime) -> Hashable:
    return (moment.year, moment.month)


def kept(taken: Iterable[datetime], now: datetime, keep: Retention = KEEP) -> set[datetime]:
    """The instants (of ``taken``) whose backups are kept at ``now``.

    A backup taken after ``now`` (a clock set back) is always kept: nothing is removed that
    the rule cannot place.
    """
    utc_now = now.astimezone(UTC)
    moments = {moment.astimezone(UTC): moment for moment in taken}
    chosen = {original for moment, original in moments.items() if moment > utc_now}
    past = sorted(moment for moment in moments if moment <= utc_now)
    # Each kind picks among what the shorter kind left over, the days the newest of each
    # day (the most work), weeks and months the oldest, which stays the oldest as the days
    # go by: pruning every day keeps what pruning once at the end would keep.
    left = _one_per_period(past, _day, newest=True)
    for count, period in ((keep.daily, None), (keep.weekly, _week), (keep.monthly, _month)):
        if period is not None:
            left = _one_per_period(left, period, newest=False)
        chosen |= {moments[moment] for moment in left[:max(count, 0)]}
        left = left[max(count, 0):]
    return chosen


def _one_per_period(moments: list[datetime], period: Callable[[datetime], Hashable], *,
                    newest: bool) -> list[datetime]:
    """The newest (or oldest) of ``moments`` in each period, newest period first."""
    by_period: dict[Hashable, datetime] = {}
    for moment in sorted(moments):
        bucket = period(moment)
        if newest or bucket not in by_period:
            by_period[bucket] = moment
    return sorted(by_period.values(), reverse=True)
