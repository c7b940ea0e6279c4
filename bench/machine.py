"""This machine's speed when a figure is taken.

The same code runs up to 3.5x slower on this machine from one minute to the next, so the
benchmarks time a fixed pure-Python loop just before and after a figure and print it beside
the figure (about 100 ms at the machine's usual speed).
"""

from __future__ import annotations

import time


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop."""
    started = time.perf_counter()
    total = 0
    for number in range(2_000_000):
        total += number
    return time.perf_counter() - started
