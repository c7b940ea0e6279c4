"""File > Export the queue to CSV: every incident of the view, with the columns shown.

The columns come in the order shown; the lines are read and formatted in the background, as
the queue formats them."""

from __future__ import annotations

from collections.abc import Callable

from deskapp.core.errors import InputError
from deskapp.core.spreadsheet import write_rows
from deskapp.ui.layout import QueueTable
from deskapp.ui.queue_model import QueueModel
from deskapp.ui.table_export import (
    ask_csv_path,
    header_names,
    queue_lines,
    visible_columns,
    write_whole,
)
from deskapp.ui.workstation import Workstation

Tell = Callable[[str, str], object]


def export_queue(station: Workstation, table: QueueTable, model: QueueModel, tell: Tell,
                 path: str | None = None) -> bool:
    """Start the export (asks where unless ``path`` is given); ``tell`` says how it went."""
    desk = station.desk
    if desk is None:
        return False
    if path is None:
        path = ask_csv_path(table, "Export the queue", "queue.csv")
        if path is None:
            return False
    target = path
    columns = visible_columns(table)
    header = header_names(table, columns)
    ids = list(model.ids)
    display, now = model.display, model.now

    def read() -> list[list[object]]:
        return queue_lines(display, now, ids, columns, desk.queue_rows(ids))

    def done(lines: list[list[object]]) -> None:
        try:
            write_whole(target, lambda out: write_rows(out, header, lines))
        except InputError as error:
            tell(str(error), "error")
            return
        tell(f"Wrote {len(lines):,} incidents to {target}", "info")

    def failed(error: Exception) -> None:
        tell(str(error), "error")

    station.tasks.run(read, done, failed)
    return True
