"""The queue's filter bar: vendor, severity, tier, status, assignee, "breaches within", text."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from deskapp.app.queue import QueueFilter, View
from deskapp.core.agreement import Agreement
from deskapp.core.lifecycle import Status

WITHIN = [("any time", None), ("15 min", timedelta(minutes=15)),
          ("30 min", timedelta(minutes=30)), ("1 hour", timedelta(hours=1)),
          ("2 hours", timedelta(hours=2)), ("4 hours", timedelta(hours=4)),
          ("8 hours", timedelta(hours=8)), ("1 day", timedelta(days=1)),
          ("3 days", timedelta(days=3)), ("1 week", timedelta(days=7))]
SEARCH_DELAY_MS = 300


class FilterBar(QWidget):
    """Emits ``changed(delay_ms)``: at once for a choice, after a pause while typing."""

    changed = Signal(int)
    search_done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agreements: dict[str, Agreement] = {}
        self.vendor = QComboBox()
        self.severity = QComboBox()
        self.tier = QComboBox()
        self.status = QComboBox()
        self.assignee = QComboBox()
        self.within = QComboBox()
        for text, within in WITHIN:
            self.within.addItem(text, within)
        self.status.addItem("any", None)
        for status in Status:
            self.status.addItem(status.value, status.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search: words anywhere, or a key")
        self.search.setToolTip("Every word, in any order, in the title, description, "
                               "reporter, contact, product, vendor reference or timeline")
        self.search.setClearButtonEnabled(True)
        self.everywhere = QCheckBox("&All")
        self.everywhere.setToolTip("Search every incident, open or closed, not only this view")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)  # the bar fits beside the views on a 1024-pixel screen
        for text, widget in (("Ve&ndor", self.vendor), ("Se&verity", self.severity),
                             ("T&ier", self.tier), ("Stat&us", self.status),
                             ("Assi&gnee", self.assignee), ("&Breaches in", self.within)):
            label = QLabel(text)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.everywhere)
        self.search.setMinimumWidth(72)  # with "All" beside it, the bar fits 1024 pixels
        for combo in self.combos():
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for combo in (self.status, self.assignee):
            # Long choices: narrow enough for a 1024-pixel screen; the list opens wider.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit(0))
        self.vendor.currentIndexChanged.connect(lambda _index: self._fill_vendor_dependent())
        self.search.textChanged.connect(lambda _text: self.changed.emit(SEARCH_DELAY_MS))
        self.search.returnPressed.connect(self.search_done.emit)
        self.everywhere.toggled.connect(
            lambda _on: self.changed.emit(0) if self.search.text().strip() else None)
        clear_search = QAction("Clear the search", self.search)
        clear_search.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear_search.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        clear_search.triggered.connect(self.search.clear)
        self.search.addAction(clear_search)
        self.set_choices({}, [])

    def combos(self) -> tuple[QComboBox, ...]:
        return (self.vendor, self.severity, self.tier, self.status, self.assignee, self.within)

    def set_choices(self, agreements: dict[str, Agreement], people: list[str]) -> None:
        """Vendors and people to choose from; what was chosen stays chosen when still there."""
        self.agreements = agreements
        with _blocked(self.vendor, self.assignee):
            vendor = self.vendor.currentData()
            self.vendor.clear()
            self.vendor.addItem("all", None)
            for agreement in sorted(agreements.values(), key=lambda a: a.name.lower()):
                self.vendor.addItem(agreement.name, agreement.vendor)
            self.vendor.setCurrentIndex(max(self.vendor.findData(vendor), 0))
            assignee = self.assignee.currentData()
            self.assignee.clear()
            self.assignee.addItem("anyone", None)
            for person in sorted(set(people)):
                self.assignee.addItem(person, person)
            self.assignee.setCurrentIndex(max(self.assignee.findData(assignee), 0))
        self._fill_vendor_dependent()

    def _fill_vendor_dependent(self) -> None:
        """Severities and tiers of the chosen vendor (of every vendor when none is)."""
        vendor = self.vendor.currentData()
        chosen = ([self.agreements[vendor]] if vendor in self.agreements
                  else list(self.agreements.values()))
        with _blocked(self.severity, self.tier):
            severity = self.severity.currentData()
            tier = self.tier.currentData()
            self.severity.clear()
            self.severity.addItem("any", None)
            self.tier.clear()
            self.tier.addItem("any", None)
            for agreement in chosen:
                for known in agreement.severities:
                    if self.severity.findData(known.key) < 0:
                        label = known.key if len(chosen) > 1 else f"{known.key} {known.name}"
                        self.severity.addItem(label, known.key)
                for known_tier in agreement.tiers:
                    if self.tier.findData(known_tier.key) < 0:
                        self.tier.addItem(known_tier.key, known_tier.key)
            self.severity.setCurrentIndex(max(self.severity.findData(severity), 0))
            self.tier.setCurrentIndex(max(self.tier.findData(tier), 0))

    def queue_filter(self, view: View, me: str, soon: timedelta) -> QueueFilter:
        """The filters for ``view``; "breaching soon" means within ``soon`` unless chosen."""
        within = self.within.currentData()
        if within is None and view is View.BREACHING_SOON:
            within = soon
        status = self.status.currentData()
        return QueueFilter(
            view=view, vendor=self.vendor.currentData(), severity=self.severity.currentData(),
            tier=self.tier.currentData(), status=Status(status) if status else None,
            assignee=self.assignee.currentData(), me=me, due_within=within,
            text=self.search.text().strip() or None, everywhere=self.everywhere.isChecked())

    def clear(self) -> None:
        with _blocked(*self.combos(), self.search, self.everywhere):
            for combo in self.combos():
                combo.setCurrentIndex(0)
            self.search.clear()
            self.everywhere.setChecked(False)
        self._fill_vendor_dependent()
        self.changed.emit(0)


class _blocked:
    """Signals of the given widgets held back while their choices are refilled."""

    def __init__(self, *widgets: QWidget) -> None:
        self.widgets = widgets
        self.before: list[bool] = []

    def __enter__(self) -> None:
        self.before = [w.blockSignals(True) for w in self.widgets]

    def __exit__(self, *exc: object) -> None:
        for widget, before in zip(self.widgets, self.before, strict=True):
            widget.blockSignals(before)
