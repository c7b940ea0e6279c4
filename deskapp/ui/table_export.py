"""Tables written to CSV as shown, each cell neutralised for a spreadsheet.

A review's sheets, and the queue's visible columns for every incident of its view."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from deskapp.app.views import QueueRow
from deskapp.core.errors import InputError
from deskapp.core.spreadsheet import write_rows
from deskapp.ui.queue_model import Display, QueueModel
from deskapp.ui.review_tables import Sheet

CSV_FILTER = "CSV files (*.csv);;All files (*)"
CHUNK = 2000  # queue lines formatted at a time (the queue model caches fewer than it holds)


def ask_csv_path(parent: QWidget, title: str, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, CSV_FILTER)
    if not path:
        return None
    return path if path.lower().endswith(".csv") else path + ".csv"


def write_whole(path: str | Path, write: Callable[[TextIO], None]) -> None:
    """Write the file whole or not at all: a temporary file beside it, renamed over it."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."),
                                             prefix=".deskapp-", suffix=".csv")
    except OSError as error:
        raise InputError(f"{str(target)!r} cannot be written: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{str(target)!r} cannot be written: {error.strerror}") from None


def write_sheet(path: str | Path, sheet: Sheet) -> None:
    """A review's table: its header and every row, figures as numbers."""
    write_whole(path, lambda out: write_rows(out, sheet.header, sheet.csv_rows()))


def visible_columns(view: QTableView) -> list[int]:
    """The model's columns the view shows, in the order shown."""
    header = view.horizontalHeader()
    columns = [header.logicalIndex(visual) for visual in range(header.count())]
    return [column for column in columns if not header.isSectionHidden(column)]


def queue_lines(display: Display, now: datetime, ids: Sequence[int], columns: Sequence[int],
                rows: dict[int, QueueRow]) -> list[list[object]]:
    """The text of ``columns`` for the incidents ``ids`` in that order, formatted by models
    of their own as the queue formats them (countdowns at ``now``); safe off the UI thread,
    as nothing on screen is touched."""
    ids = [incident_id for incident_id in ids if incident_id in rows]
    lines: list[list[object]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        scratch = QueueModel(display, now)
        scratch.set_ids(chunk, reset=True)
        scratch.add_rows(rows[incident_id] for incident_id in chunk)
        for position in range(len(chunk)):
            lines.append([scratch.data(scratch.index(position, column),
                                       Qt.ItemDataRole.DisplayRole) or ""
                          for column in columns])
    return lines


def header_names(view: QTableView, columns: Sequence[int]) -> list[str]:
    model = view.model()
    return [str(model.headerData(column, Qt.Orientation.Horizontal,
                                 Qt.ItemDataRole.DisplayRole) or "") for column in columns]
