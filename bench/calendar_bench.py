"""Benchmark deskapp's business calendar against businesstimedelta, and check they agree.

Both libraries get Magaya's calendar: Mon-Fri 07:00-20:00 and Sat 08:00-12:00 in
America/New_York, closed on US federal holidays from the ``holidays`` package
(observed days included, e.g. Fri 2027-12-24 and Fri 2027-12-31).

Inputs (fixed seed, so every run and both libraries see the same instants), all aware
datetimes in America/New_York:

* 10,000 starts over 2027: mostly uniform instants (so open hours, evenings, nights,
  weekends, DST days and holidays all occur), plus starts placed on holidays and on
  exact clock edges (opening, closing, one second before closing, 16:00 on weekdays
  and 08:00 on Saturdays, from which 4 business hours land exactly on a closing time).
* 10,000 pairs for ``between``: a start drawn the same way and an end 1 s to 14 days
  later, some ends also placed on clock edges.

Each call is timed on its own with ``time.perf_counter_ns`` (garbage collection off,
both libraries warmed up first on other inputs) and the median is reported. Only the
library call is timed; converting businesstimedelta's answers for comparison is not.
deskapp answers instants in UTC; businesstimedelta answers in the zone of whatever it
started from, so its instants are converted to UTC and compared to the second, and
``between`` is compared in whole seconds.

How businesstimedelta 1.0.1 is set up, and its quirks (from reading its source):

* It has no ``LocalizedRules``/``localize`` helper: each rule takes its own pytz zone
  (``tz=``). The Saturday hours are a second ``WorkDayRule(working_days=[5])`` and the
  holidays a ``HolidayRule`` given a ``holidays`` object, all combined with ``Rules``.
  ``HolidayRule`` defaults to UTC, so without ``tz=`` a holiday would run from 19:00 or
  20:00 New York time the day before; here it is given the New York zone.
* ``Rule.difference`` is unsigned (it sorts its two arguments) and drops fractions of a
  second; deskapp's ``business_seconds_between`` is signed float seconds. The pairs here
  are whole seconds with the end after the start, so the two are comparable.
* ``start + BusinessTimeDelta`` adds the remaining time to the start of an open period
  as wall-clock arithmetic; that would be off by an hour if a DST change fell inside an
  open period, which cannot happen with these hours (New York changes at 02:00).
* Both treat open periods as half-open and both return the closing instant when the
  business time runs out exactly at a close (e.g. Mon 16:00 + 4 h is Mon 20:00, not Tue
  07:00), so landing on a close is not a source of disagreement.
* ``HolidayRule`` looks for the next holiday one date at a time, which is most of its
  cost (up to about 100 lookups between Washington's Birthday and Memorial Day).

Goals: deskapp at most 3 µs per call, at least 50x faster than businesstimedelta, and
all answers identical. Exits 0 when the answers agree (even if a speed goal is missed:
the numbers are what matter) and 1 when any answer differs, after printing examples.

Run: ``python bench/calendar_bench.py``
"""

from __future__ import annotations

import gc
import operator
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import holidays
import pytz

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing deskapp
    sys.path.insert(0, str(ROOT))

from deskapp.core.calendar import Calendar, CalendarRules, HolidayKind  # noqa: E402
from deskapp.core.open_hours import parse_interval  # noqa: E402

SEED = 20270101
COUNT = 10_000
WARMUP = 1_000
YEAR = 2027
ZONE_NAME = "America/New_York"
NY = ZoneInfo(ZONE_NAME)
ADD_HOURS = 4
MAX_GAP_SECONDS = 14 * 24 * 3600

GOAL_MICROSECONDS = 3.0
GOAL_RATIO = 50.0
EXAMPLES = 5

# Magaya: Monday first.
MAGAYA_WEEK = [["07:00-20:00"]] * 5 + [["08:00-12:00"], []]

# Clock times on the edges of Magaya's hours; 16:00 (weekday) and 08:00 (Saturday)
# plus 4 business hours land exactly on a closing time.
EDGE_TIMES = [
    clock(0, 0),
    clock(6, 59, 59),
    clock(7, 0),
    clock(8, 0),
    clock(11, 59, 59),
    clock(12, 0),
    clock(16, 0),
    clock(19, 59, 59),
    clock(20, 0),
    clock(23, 59, 59),
]


def us_holidays(years: Sequence[int]) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=years)


def deskapp_calendar() -> Calendar:
    weekly = tuple(tuple(parse_interval(text) for text in day) for day in MAGAYA_WEEK)
    rules = CalendarRules(
        ZONE_NAME,
        weekly,
        holiday_kind=HolidayKind.CLOSED,
        holiday_source=lambda year: us_holidays([year]),
        holiday_label="US",
    )
    return Calendar(rules, first_year=YEAR)


def btd_rules(holiday_table: holidays.HolidayBase) -> btd.Rules:
    tz = pytz.timezone(ZONE_NAME)
    weekdays = btd.WorkDayRule(
        start_time=clock(7), end_time=clock(20), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    saturday = btd.WorkDayRule(start_time=clock(8), end_time=clock(12), working_days=[5], tz=tz)
    closed = btd.HolidayRule(holiday_table, tz=tz)
    return btd.Rules([weekdays, saturday, closed])


# ----- inputs ---------------------------------------------------------------------------


def year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def draw_start(rng: random.Random, days: list[date], holiday_days: list[date]) -> datetime:
    """One start: 70% uniform over the year, 10% on a holiday, 20% on a clock edge."""
    lo = int(datetime(YEAR, 1, 1, tzinfo=NY).timestamp())
    hi = int(datetime(YEAR + 1, 1, 1, tzinfo=NY).timestamp())
    roll = rng.random()
    if roll < 0.70:
        return datetime.fromtimestamp(rng.randrange(lo, hi), NY)
    if roll < 0.80:
        day = rng.choice(holiday_days)
        midnight = int(datetime.combine(day, clock(0), tzinfo=NY).timestamp())
        return datetime.fromtimestamp(midnight + rng.randrange(24 * 3600), NY)
    return datetime.combine(rng.choice(days), rng.choice(EDGE_TIMES), tzinfo=NY)


def draw_inputs(seed: int, count: int) -> tuple[list[datetime], list[tuple[datetime, datetime]]]:
    rng = random.Random(seed)
    days = year_days(YEAR)
    holiday_days = sorted(d for d in us_holidays([YEAR]) if d.year == YEAR)
    starts = [draw_start(rng, days, holiday_days) for _ in range(count)]
    pairs: list[tuple[datetime, datetime]] = []
    for _ in range(count):
        start = draw_start(rng, days, holiday_days)
        end = None
        if rng.random() < 0.20:  # an end on a clock edge 0-14 days later
            day = start.date() + timedelta(days=rng.randrange(15))
            candidate = datetime.combine(day, rng.choice(EDGE_TIMES), tzinfo=NY)
            if candidate > start:
                end = candidate
        if end is None:
            end = datetime.fromtimestamp(
                start.timestamp() + rng.randrange(1, MAX_GAP_SECONDS + 1), NY
            )
        pairs.append((start, end))
    return starts, pairs


def describe_starts(cal: Calendar, starts: list[datetime]) -> str:
    counts = {"open": 0, "closed (weekday/Sat)": 0, "Sunday": 0, "holiday": 0}
    for moment in starts:
        local = moment.astimezone(NY)
        if cal.holiday_on(local.date()) is not None:
            counts["holiday"] += 1
        elif local.weekday() == 6:
            counts["Sunday"] += 1
        elif cal.is_open(moment):
            counts["open"] += 1
        else:
            counts["closed (weekday/Sat)"] += 1
    return ", ".join(f"{value:,} {name}" for name, value in counts.items())


# ----- timing ---------------------------------------------------------------------------


def time_each(
    func: Callable[[Any, Any], Any], pairs: Sequence[tuple[Any, Any]]
) -> tuple[list[Any], list[int]]:
    """Call ``func(a, b)`` for each pair, timing every call on its own (ns)."""
    answers: list[Any] = []
    took: list[int] = []
    now = time.perf_counter_ns
    enabled = gc.isenabled()
    gc.disable()
    try:
        for a, b in pairs:
            t0 = now()
            answer = func(a, b)
            t1 = now()
            answers.append(answer)
            took.append(t1 - t0)
    finally:
        if enabled:
            gc.enable()
    return answers, took


def timer_overhead_ns(samples: int = 100_000) -> float:
    now = time.perf_counter_ns
    took = []
    for _ in range(samples):
        t0 = now()
        t1 = now()
        took.append(t1 - t0)
    return statistics.median(took)


@dataclass
class Result:
    operation: str
    deskapp_us: float
    btd_us: float
    agreed: int
    total: int
    examples: list[str]

    @property
    def ratio(self) -> float:
        return self.btd_us / self.deskapp_us if self.deskapp_us else float("inf")


def median_us(took: list[int]) -> float:
    return statistics.median(took) / 1000.0


def utc_second(moment: datetime) -> int:
    return round(moment.astimezone(UTC).timestamp())


def local_text(moment: datetime) -> str:
    return moment.astimezone(NY).strftime("%a %Y-%m-%d %H:%M:%S %Z")


def compare_add(
    starts: list[datetime], ours: list[datetime], theirs: list[datetime]
) -> tuple[int, list[str]]:
    agreed = 0
    examples: list[str] = []
    for start, a, b in zip(starts, ours, theirs, strict=True):
        if utc_second(a) == utc_second(b):
            agreed += 1
        elif len(examples) < EXAMPLES:
            examples.append(
                f"start {local_text(start)} + {ADD_HOURS} h: deskapp {local_text(a)} "
                f"({a.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}), businesstimedelta "
                f"{local_text(b)} ({b.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ})"
            )
    return agreed, examples


def compare_between(
    pairs: list[tuple[datetime, datetime]], ours: list[float], theirs: list[float]
) -> tuple[int, list[str]]:
    agreed = 0
    examples: list[str] = []
    for (start, end), a, b in zip(pairs, ours, theirs, strict=True):
        if round(a) == round(b):
            agreed += 1
        elif len(examples) < EXAMPLES:
            examples.append(
                f"{local_text(start)} -> {local_text(end)}: deskapp {a:.0f} s, "
                f"businesstimedelta {b:.0f} s (difference {a - b:+.0f} s)"
            )
    return agreed, examples


def check_holidays(cal: Calendar, table: holidays.HolidayBase) -> list[str]:
    """Dates in YEAR that one side closes for and the other does not."""
    return [
        f"{day}: deskapp {'closed' if cal.holiday_on(day) else 'open'}, "
        f"businesstimedelta {'closed' if day in table else 'open'}"
        for day in year_days(YEAR)
        if (cal.holiday_on(day) is not None) != (day in table)
    ]


# ----- report ---------------------------------------------------------------------------


def print_table(results: list[Result], overhead_ns: float) -> None:
    header = (
        f"{'operation':<24}{'deskapp':>12}{'businesstimedelta':>20}"
        f"{'ratio':>10}{'answers agree':>18}"
    )
    print(header)
    print(f"{'':<24}{'µs/call':>12}{'µs/call':>20}{'btd/desk':>10}")
    print("-" * len(header))
    for r in results:
        agree = f"{r.agreed:,}/{r.total:,}"
        print(f"{r.operation:<24}{r.deskapp_us:>12.2f}{r.btd_us:>20.1f}{r.ratio:>9.0f}x{agree:>18}")
    print("-" * len(header))
    print(
        f"{'goal':<24}{'<= ' + format(GOAL_MICROSECONDS, 'g'):>12}{'':>20}"
        f"{'>= ' + format(GOAL_RATIO, 'g') + 'x':>10}{'all':>18}"
    )
    print(
        f"(medians of {results[0].total:,} individually timed calls; "
        f"perf_counter_ns overhead {overhead_ns:.0f} ns per call included)"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    print(
        "Calendar benchmark: Magaya, Mon-Fri 07:00-20:00, Sat 08:00-12:00, "
        f"{ZONE_NAME}, US holidays closed"
    )
    cal = deskapp_calendar()
    table = us_holidays(range(YEAR - 1, YEAR + 3))
    rules = btd_rules(table)
    four = btd.BusinessTimeDelta(rules, hours=ADD_HOURS)

    mismatched_days = check_holidays(cal, table)
    if mismatched_days:
        print("Holiday tables differ between the two set-ups:")
        for line in mismatched_days:
            print("  " + line)

    starts, pairs = draw_inputs(SEED, COUNT)
    print(f"{COUNT:,} starts in {YEAR} (seed {SEED}): {describe_starts(cal, starts)}")
    print(f"{COUNT:,} pairs for between: end 1 s to 14 days after start")

    # Warm up both libraries on other inputs drawn the same way.
    warm_starts, warm_pairs = draw_inputs(SEED + 1, WARMUP)
    time_each(cal.add_business_hours, [(s, ADD_HOURS) for s in warm_starts])
    time_each(operator.add, [(s, four) for s in warm_starts])
    time_each(cal.business_seconds_between, warm_pairs)
    time_each(rules.difference, warm_pairs)

    overhead = timer_overhead_ns()
    print("timing ...", flush=True)

    ours_add, ours_add_ns = time_each(cal.add_business_hours, [(s, ADD_HOURS) for s in starts])
    theirs_add, theirs_add_ns = time_each(operator.add, [(s, four) for s in starts])
    ours_btw, ours_btw_ns = time_each(cal.business_seconds_between, pairs)
    theirs_btw_raw, theirs_btw_ns = time_each(rules.difference, pairs)
    theirs_btw = [delta.timedelta.total_seconds() for delta in theirs_btw_raw]

    add_agreed, add_examples = compare_add(starts, ours_add, theirs_add)
    btw_agreed, btw_examples = compare_between(pairs, ours_btw, theirs_btw)
    results = [
        Result(
            f"add {ADD_HOURS} business hours",
            median_us(ours_add_ns),
            median_us(theirs_add_ns),
            add_agreed,
            COUNT,
            add_examples,
        ),
        Result(
            "business time between",
            median_us(ours_btw_ns),
            median_us(theirs_btw_ns),
            btw_agreed,
            COUNT,
            btw_examples,
        ),
    ]

    print()
    print_table(results, overhead)
    print()

    speed_ok = all(r.deskapp_us <= GOAL_MICROSECONDS for r in results)
    ratio_ok = all(r.ratio >= GOAL_RATIO for r in results)
    agree_ok = all(r.agreed == r.total for r in results) and not mismatched_days
    speeds = ", ".join(f"{r.operation} {r.deskapp_us:.2f} µs" for r in results)
    ratios = ", ".join(f"{r.operation} {r.ratio:.0f}x" for r in results)
    agreement = ", ".join(f"{r.operation} {r.agreed:,}/{r.total:,}" for r in results)
    print(f"{verdict(speed_ok)}  deskapp at most {GOAL_MICROSECONDS:g} µs per call: {speeds}")
    print(f"{verdict(ratio_ok)}  at least {GOAL_RATIO:g}x faster than businesstimedelta: {ratios}")
    print(f"{verdict(agree_ok)}  answers identical: {agreement}")

    if agree_ok:
        return 0
    for r in results:
        if r.examples:
            print(f"\nDisagreements, {r.operation} (first {len(r.examples)}):")
            for line in r.examples:
                print("  " + line)
    return 1


if __name__ == "__main__":
    sys.exit(main())
