"""Backups kept 7 daily, 4 weekly, 3 monthly: a year of simulated days keeps the right ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from deskapp.core.retention import Retention, kept

START = datetime(2026, 1, 1, 22, 30, tzinfo=UTC)


def _year_of_daily_backups(days: int = 365) -> tuple[set[datetime], datetime]:
    """Take a backup each evening and prune after it, as the desk does, for ``days``."""
    files: set[datetime] = set()
    now = START
    for day in range(days):
        now = START + timedelta(days=day)
        files.add(now)
        files = kept(files, now)
        assert len(files) <= 14
    return files, now


def test_a_year_of_daily_backups_keeps_7_days_4_weeks_and_3_months() -> None:
    files, now = _year_of_daily_backups()
    assert now.date() == date(2026, 12, 31)  # a Thursday
    days = sorted((moment.date() for moment in files), reverse=True)
    assert days == [
        # the last 7 days
        date(2026, 12, 31), date(2026, 12, 30), date(2026, 12, 29), date(2026, 12, 28),
        date(2026, 12, 27), date(2026, 12, 26), date(2026, 12, 25),
        # the first backup of each of the 4 weeks before: Mondays
        date(2026, 12, 21), date(2026, 12, 14), date(2026, 12, 7), date(2026, 11, 30),
        # the first backup left of each of the 3 months before: the Mondays kept weekly
        date(2026, 11, 2), date(2026, 10, 5), date(2026, 9, 7),
    ]


def test_pruning_every_day_keeps_what_one_pruning_at_the_end_keeps() -> None:
    files, now = _year_of_daily_backups()
    every_day = {START + timedelta(days=day) for day in range(365)}
    assert kept(every_day, now) == files


def test_the_count_grows_to_14_and_stays() -> None:
    files: set[datetime] = set()
    counts = []
    for day in range(200):
        now = START + timedelta(days=day)
        files = kept(files | {now}, now)
        counts.append(len(files))
    assert counts[:7] == [1, 2, 3, 4, 5, 6, 7]
    assert counts[-60:] == [14] * 60
    assert counts == sorted(counts)


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    now = datetime(2026, 6, 10, 18, tzinfo=UTC)
    taken = {now - timedelta(hours=hours) for hours in range(0, 24 * 10, 3)}
    days = kept(taken, now, Retention(daily=7, weekly=0, monthly=0))
    assert len(days) == 7
    for moment in days:
        assert moment == max(t for t in taken if t.date() == moment.date())


def test_a_backup_from_the_future_is_never_removed() -> None:
    now = datetime(2026, 6, 10, tzinfo=UTC)
    ahead = now + timedelta(days=3)
    assert ahead in kept({ahead, now}, now)


def test_nothing_taken_nothing_kept_and_zones_do_not_matter() -> None:
    assert kept([], START) == set()
    local = START.astimezone(datetime.fromisoformat("2026-01-01T00:00+05:30").tzinfo)
    assert kept([local], START) == {local}
