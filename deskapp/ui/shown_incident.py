"""The incident the detail pane shows, following the queue's selection and other desks.

The pane and the queue never disagree silently: the incident shown is the selected line
when it is in the view; when it is not (an action took it out, or it was opened from an
alert), no line is selected and the pane says so, and it stays until the agent picks
another incident. The actions apply to the incident the pane names, and to no other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelection, QObject, QTimer, Signal

from deskapp.app.views import IncidentView, QueueRow
from deskapp.ui.detail import DetailPane
from deskapp.ui.layout import QueueTable
from deskapp.ui.queue_model import QueueModel
from deskapp.ui.workstation import Workstation


class ShownIncident(QObject):
    """Emits ``changed`` whenever the incident shown, or the line selected, changes."""

    changed = Signal()

    def __init__(self, station: Workstation, model: QueueModel, table: QueueTable,
                 detail: DetailPane, report: Callable[[Exception], None]) -> None:
        super().__init__(table)
        self.station = station
        self.model = model
        self.table = table
        self.detail = detail
        self.report = report
        self.key: str | None = None  # the incident asked for (shown once read)
        self.id: int | None = None
        self._awaited_id: int | None = None  # selected before its line was read
        self._token = 0
        self._selecting = False  # the pane moves the selection: not the agent picking
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        table.selectionModel().currentChanged.connect(self._current_moved)
        table.doubleClicked.connect(lambda _index: detail.tabs.setFocus())
        model.rows_arrived.connect(self._rows_arrived)

    @property
    def incident(self) -> IncidentView | None:
        """The incident the pane names; None while another one is being read."""
        shown = self.detail.incident
        if shown is None or self._awaited_id is not None \
                or (self.key is not None and shown.key != self.key):
            return None
        return shown

    def load(self, key: str, after: Callable[[IncidentView], None] | None = None, *,
             incident_id: int | None = None) -> None:
        """Read the incident in the background and show it, unless another was asked for
        meanwhile; ``after`` gets it either way."""
        desk = self.station.desk
        if desk is None:
            return
        if key != self.key:
            self.id = incident_id if incident_id is not None else self._id_of_key(key)
        self.key = key
        self._awaited_id = None
        self._token += 1
        token = self._token
        now = self.station.clock()

        def done(view: IncidentView) -> None:
            if token == self._token:
                self.detail.show_incident(view, self.station.clock())
                self._agree()
                self.changed.emit()
            if after is not None:
                after(view)

        self.changed.emit()  # the actions wait for it
        self.station.tasks.run(lambda: desk.show(key, now), done, self.report)

    def versions_seen(self, versions: dict[int, int]) -> None:
        """Read the incident shown again when a poll found a newer version of it."""
        shown = self.detail.incident
        if shown is not None and self.id is not None \
                and versions.get(self.id, shown.version) != shown.version:
            self.load(shown.key)

    def show_written(self, incident: IncidentView, incident_id: int | None) -> None:
        """Keep the incident just written on screen, selected if it is still in the view."""
        self.key = incident.key
        self.id = incident_id
        self._awaited_id = None
        self._token += 1  # a neighbour's detail, loaded as rows moved, is dropped
        self.detail.show_incident(incident, self.station.clock())
        self._agree()
        self.changed.emit()

    def view_read(self, reset: bool) -> None:
        """The view's lines were read again: keep the incident shown selected when it is in
        the view; a view just chosen shows its first line when it is not."""
        if self._position() is None and self.model.rowCount() \
                and (reset or self.key is None):
            self._select(0)
            return
        self._agree()

    def in_view(self) -> bool:
        return self._position() is not None

    def selected_row(self) -> QueueRow | None:
        position = self._selected_position()
        return None if position is None else self.model.row_at(position)

    def select_key(self, key: str) -> bool:
        """Select an incident whose line is cached (one near the rows on screen)."""
        row = self.model.row_of_key(key)
        if row is None:
            return False
        self._select(row)
        return True

    def tick(self, now: datetime) -> None:
        self.detail.tick(now)

    def clear(self) -> None:
        self.key = None
        self.id = None
        self.detail.clear()

    # ----- keeping the pane and the selection together ---------------------------------

    def _id_of_key(self, key: str) -> int | None:
        position = self.model.row_of_key(key)
        return None if position is None else self.model.id_at(position)

    def _position(self) -> int | None:
        if self.id is None and self.key is not None:
            self.id = self._id_of_key(self.key)
        return None if self.id is None else self.model.row_of_id(self.id)

    def _selected_position(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _select(self, position: int) -> None:
        self.table.selectRow(position)
        self.table.scrollTo(self.model.index(position, 0))

    def _agree(self) -> None:
        """Select the incident shown when it is in the view; else select nothing and say
        that it is not in the view."""
        if self.detail.incident is None:
            self.detail.set_not_in_view(False)
            return
        position = self._position()
        self._selecting = True
        try:
            if position is None:
                self.table.clearSelection()
                self.table.selectionModel().clearCurrentIndex()  # Down picks the first line
            elif self._selected_position() != position:
                self._select(position)
        finally:
            self._selecting = False
        self.detail.set_not_in_view(position is None)

    def _show_row(self, row: QueueRow) -> None:
        if row.key != self.key or self.detail.incident is None:
            self.id = row.id
            self.load(row.key, incident_id=row.id)
        else:
            self.id = row.id
            self._agree()

    def _rows_arrived(self, ids: list[int]) -> None:
        """A line selected before it was read has arrived: show its incident."""
        awaited = self._awaited_id
        if awaited is None or awaited not in ids:
            return
        self._awaited_id = None
        position = self._selected_position()
        if position is not None and self.model.id_at(position) == awaited:
            row = self.model.cached(awaited)
            if row is not None:
                self._show_row(row)
            self.changed.emit()

    def _current_moved(self) -> None:
        # The view makes the first line current, unselected, when it gets the focus: the
        # pane does not follow that, and the cursor goes, so that Down picks the first line.
        if not self.table.selectionModel().hasSelection():
            QTimer.singleShot(0, self, self._drop_unpicked_current)

    def _drop_unpicked_current(self) -> None:
        selection = self.table.selectionModel()
        if not selection.hasSelection() and selection.currentIndex().isValid():
            selection.clearCurrentIndex()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                           ) -> None:
        if self._selecting:
            return
        position = self._selected_position()
        if position is None:
            # Nothing picked: the pane keeps its incident, selected again if in the view.
            self._agree()
            self.changed.emit()
            return
        row = self.model.row_at(position)
        if row is None:
            self._awaited_id = self.model.id_at(position)  # nothing to act on meanwhile
        else:
            self._awaited_id = None
            self._show_row(row)
        self.changed.emit()
