"""The incident the detail pane shows, following the queue's selection and other desks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, Signal

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
        self.key: str | None = None
        self.id: int | None = None
        self._awaited_id: int | None = None  # selected before its line was read
        self._token = 0
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.doubleClicked.connect(lambda _index: detail.tabs.setFocus())
        model.rows_arrived.connect(self._rows_arrived)

    @property
    def incident(self) -> IncidentView | None:
        return self.detail.incident

    def load(self, key: str, after: Callable[[IncidentView], None] | None = None) -> None:
        """Read the incident in the background and show it, unless another was asked for
        meanwhile; ``after`` gets it either way."""
        desk = self.station.desk
        if desk is None:
            return
        self.key = key
        self._token += 1
        token = self._token
        now = self.station.clock()

        def done(view: IncidentView) -> None:
            if token == self._token:
                self.detail.show_incident(view, self.station.clock())
                self.changed.emit()
            if after is not None:
                after(view)

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
        position = None if incident_id is None else self.model.row_of_id(incident_id)
        if position is None:
            self.table.selectionModel().clearCurrentIndex()
            self.table.clearSelection()
        else:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))
        self.changed.emit()

    def selected_row(self) -> QueueRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def select_key(self, key: str) -> bool:
        """Select an incident whose line is cached (one near the rows on screen)."""
        row = self.model.row_of_key(key)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def tick(self, now: datetime) -> None:
        self.detail.tick(now)

    def clear(self) -> None:
        self.detail.clear()

    def _show_row(self, row: QueueRow) -> None:
        if row.key != self.key:
            self.id = row.id
            self.load(row.key)

    def _rows_arrived(self, ids: list[int]) -> None:
        """A line selected before it was read has arrived: show its incident."""
        awaited = self._awaited_id
        if awaited is None or awaited not in ids:
            return
        self._awaited_id = None
        if self.model.id_at(self.table.currentIndex().row()) == awaited:
            row = self.model.cached(awaited)
            if row is not None:
                self._show_row(row)
            self.changed.emit()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        if row is None:
            self._awaited_id = self.model.id_at(current.row())
        else:
            self._awaited_id = None
            self._show_row(row)
        self.changed.emit()
