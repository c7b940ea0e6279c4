"""CSV cells a spreadsheet would run as formulas are neutralised; other values are not."""

from __future__ import annotations

import csv
import io

import pytest

from deskapp.core.spreadsheet import neutralised, write_rows


@pytest.mark.parametrize("text", ["=1+1", "+1", "-cmd", "@SUM(A1)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_text_is_neutralised(text: str) -> None:
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize(("value", "shown"), [
    ("printer jams", "printer jams"), ("", ""), (None, ""), (-3, "-3"), (2.5, "2.5"),
    (True, "true"), ("a=b", "a=b")])
def test_plain_values_are_kept(value: object, shown: str) -> None:
    assert neutralised(value) == shown


def test_rows_read_back_as_written_but_safe() -> None:
    out = io.StringIO()
    write_rows(out, ["key", "title"], [["INC-000001", "=cmd|' /C calc'!A0"], ["INC-2", "ok, fine"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["key", "title"], ["INC-000001", "'=cmd|' /C calc'!A0"], ["INC-2", "ok, fine"]]
