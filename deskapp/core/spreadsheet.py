"""Cells written to a CSV file that a spreadsheet opens: text it would run as a formula is
neutralised (CSV injection), everything else is written as it is."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

# A spreadsheet starts a formula at any of these; a tab or carriage return first hides one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> str:
    """``cell`` as CSV text: a leading apostrophe before text a spreadsheet would read as a
    formula (OWASP's advice), numbers left as numbers (``-3`` stays ``-3``)."""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int | float):
        return str(cell)
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_rows(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """``header`` then ``rows`` as CSV on ``out``, every cell neutralised."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
