"""The agreement editor's pages but the calendars': vendor and contacts, severities, tiers,
metrics, targets, aggregate goals, scope and notes, each editing its tables of the file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from deskapp.core.agreement import ClockStart, Unit
from deskapp.core.agreement_file import CHANNELS
from deskapp.ui.editor_tables import Field, Kind, RecordTable, TextList

_KEY = re.compile(r"([a-z_]+)(?:\.([^.\[]+))?(?:\[(\d+)\])?(?:\.(\w+))?")
UNITS = tuple(unit.value for unit in Unit)


def _parts(key: str) -> tuple[str, str | None, int | None, str | None]:
    """``targets[3].amount`` -> ("targets", None, 3, "amount");
    ``metrics.response.name`` -> ("metrics", "response", None, "name")."""
    found = _KEY.match(key)
    if found is None:
        return key, None, None, None
    index = found.group(3)
    return found.group(1), found.group(2), int(index) if index else None, found.group(4)


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a top-level key, or leave it out when empty (as the files leave it out)."""
    if value in (None, "", [], {}):
        data.pop(key, None)
    else:
        data[key] = value


def _heading(text: str, table: RecordTable) -> QLabel:
    """A table's heading; its Alt+letter goes to the table."""
    label = QLabel(text)
    label.setBuddy(table.table)
    return label


class Page(QWidget):
    """One tab: it loads its keys from the agreement's tables and stores them back."""

    changed = Signal()
    keys: tuple[str, ...] = ()

    def load(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def store(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def go_to(self, key: str) -> bool:
        """Focus the field a finding's key names; False when the key is another page's."""
        raise NotImplementedError

    def _watch(self, *tables: RecordTable) -> None:
        for table in tables:
            table.changed.connect(self.changed)


class VendorPage(Page):
    """Who the vendor is, its products, and how a Tier I agent reaches its support."""

    keys = ("vendor", "name", "version", "products", "contacts")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vendor = QLineEdit()
        self.vendor.setPlaceholderText("lower-case letters, digits and '-', e.g. acme")
        self.name = QLineEdit()
        self.version = QLineEdit()
        self.version.setPlaceholderText("the agreement's own version, e.g. 2027-01")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("Vendor key", self.vendor), ("Name", self.name),
                            ("Version", self.version)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.products = TextList("Product", "product")
        self.contacts = RecordTable([
            Field("channel", "Channel", Kind.CHOICE, CHANNELS, 90),
            Field("value", "Number or address", width=220,
                  tip="What a Tier I agent calls or writes to"),
            Field("note", "Note", tip="When to use it, e.g. 24x7 for severity 1")], "contact")
        lists = QHBoxLayout()
        products = QVBoxLayout()
        products.addWidget(_heading("Products", self.products))
        products.addWidget(self.products)
        contacts = QVBoxLayout()
        contacts.addWidget(_heading("Contact channels", self.contacts))
        contacts.addWidget(self.contacts)
        lists.addLayout(products, 2)
        lists.addLayout(contacts, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        for edit in (self.vendor, self.name, self.version):
            edit.textChanged.connect(self.changed)
        self._watch(self.products, self.contacts)

    def load(self, data: dict[str, Any]) -> None:
        for edit, key in ((self.vendor, "vendor"), (self.name, "name"),
                          (self.version, "version")):
            edit.blockSignals(True)
            edit.setText(str(data.get(key, "")))
            edit.blockSignals(False)
        self.products.set_texts(str(p) for p in data.get("products", []))
        self.contacts.set_records(c for c in data.get("contacts", []) if isinstance(c, dict))

    def store(self, data: dict[str, Any]) -> None:
        _put(data, "vendor", self.vendor.text().strip())
        _put(data, "name", self.name.text().strip())
        _put(data, "version", self.version.text().strip())
        _put(data, "products", self.products.texts())
        _put(data, "contacts", self.contacts.records())

    def go_to(self, key: str) -> bool:
        top, _name, index, field = _parts(key)
        edits = {"vendor": self.vendor, "name": self.name, "version": self.version}
        if top in edits:
            edits[top].setFocus()
            edits[top].selectAll()
        elif top == "products":
            self.products.go_to(index or 0)
        elif top == "contacts":
            self.contacts.go_to(index or 0, field)
        else:
            return False
        return True


class ListPage(Page):
    """A page of one list of records (severities, tiers, targets, goals)."""

    def __init__(self, key: str, fields: list[Field], noun: str, explanation: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = (key,)
        self.table = RecordTable(fields, noun)
        layout = QVBoxLayout(self)
        words = QLabel(explanation)
        words.setWordWrap(True)
        layout.addWidget(words)
        layout.addWidget(self.table, 1)
        self._watch(self.table)

    def load(self, data: dict[str, Any]) -> None:
        self.table.set_records(r for r in data.get(self.keys[0], []) if isinstance(r, dict))

    def store(self, data: dict[str, Any]) -> None:
        _put(data, self.keys[0], self.table.records())

    def go_to(self, key: str) -> bool:
        top, _name, index, field = _parts(key)
        if top != self.keys[0]:
            return False
        if index is not None:
            self.table.go_to(index, field)
        else:
            self.table.table.setFocus()
        return True

    def set_choices(self, key: str, choices: Iterable[str]) -> None:
        self.table.set_choices(key, choices)


def severities_page() -> ListPage:
    return ListPage("severities", [
        Field("key", "Key", width=70), Field("name", "Name", width=110),
        Field("definition", "Definition"),
        Field("examples", "Examples", Kind.TEXTS, tip="One a line"),
        Field("channels", "Report by", Kind.TEXTS, width=90,
              tip=f"One a line: {', '.join(CHANNELS)}"),
        Field("filing_deadline_hours", "Filing deadline (h)", Kind.NUMBER, width=120)],
        "severity", "The severities, most severe first, each with its definition and "
        "examples as the contract words them.")


def tiers_page() -> ListPage:
    return ListPage("tiers", [
        Field("key", "Key", width=70), Field("name", "Name", width=140),
        Field("description", "Description")],
        "tier", "The support tiers, first line first.")


def targets_page() -> ListPage:
    return ListPage("targets", [
        Field("metric", "Metric", Kind.CHOICE, width=100),
        Field("severity", "Severity", Kind.CHOICE, width=90),
        Field("amount", "Amount", Kind.NUMBER, width=70),
        Field("unit", "Unit", Kind.CHOICE, UNITS, 120),
        Field("calendar", "Calendar", Kind.CHOICE, width=100),
        Field("pausable", "Pausable", Kind.FLAG, width=70,
              tip="Stops while the desk waits on the customer"),
        Field("warning_after", "Warn after", Kind.NUMBER, width=80,
              tip="In the target's unit; before the amount"),
        Field("agreed_per_incident", "Agreed per incident", Kind.FLAG,
              tip="The due date is agreed per incident: no amount")],
        "target", "One target per metric and severity: how long, in which unit and "
        "calendar, whether waiting on the customer pauses it, and when to warn.")


class GoalsPage(ListPage):
    """Aggregate goals; a goal's ``within`` table is three columns here."""

    WITHIN = ("amount", "unit", "calendar")

    def __init__(self) -> None:
        super().__init__("goals", [
            Field("key", "Key", width=90), Field("description", "Description"),
            Field("percent", "Percent", Kind.NUMBER, width=60),
            Field("metric", "Metric", Kind.CHOICE, width=90),
            Field("severity", "Severity", Kind.CHOICE, width=70),
            Field("tier", "Tier", Kind.CHOICE, width=50),
            Field("within_amount", "Within", Kind.NUMBER, width=55),
            Field("within_unit", "Unit", Kind.CHOICE, UNITS, 100),
            Field("within_calendar", "Calendar", Kind.CHOICE, width=80),
            Field("max_downtime_minutes", "Downtime (min)", Kind.NUMBER, width=100,
                  tip="The most unplanned downtime a month")],
            "goal", "Goals over many incidents or a month, e.g. 95 % of responses within "
            "the target, or 99.9 % availability.")

    def load(self, data: dict[str, Any]) -> None:
        flat = []
        for goal in data.get("goals", []):
            if not isinstance(goal, dict):
                continue
            record = {k: v for k, v in goal.items() if k != "within"}
            within = goal.get("within")
            if isinstance(within, dict):
                record.update({f"within_{k}": v for k, v in within.items()})
            elif within is not None:
                record["within"] = within
            flat.append(record)
        self.table.set_records(flat)

    def store(self, data: dict[str, Any]) -> None:
        goals = []
        for record in self.table.records():
            within = {part: record.pop(f"within_{part}") for part in self.WITHIN
                      if f"within_{part}" in record}
            if within:
                record["within"] = within
            goals.append(record)
        _put(data, "goals", goals)

    def go_to(self, key: str) -> bool:
        within = re.match(r"goals\[(\d+)\]\.within(?:\.(\w+))?", key)
        if within:
            self.table.go_to(int(within.group(1)), f"within_{within.group(2) or 'amount'}")
            return True
        return super().go_to(key)


class MetricsPage(ListPage):
    """The metrics, a table of tables by key in the file, a row each here."""

    def __init__(self) -> None:
        super().__init__("metrics", [
            Field("key", "Key", width=100), Field("name", "Name", width=120),
            Field("description", "Description"),
            Field("clock_start", "Clock starts", Kind.CHOICE,
                  tuple(c.value for c in ClockStart), 170),
            Field("per_update", "Per update", Kind.FLAG, width=80,
                  tip="Every customer update opens a new response cycle")],
            "metric", "What is measured, e.g. response and resolution; each target names "
            "one.")

    def load(self, data: dict[str, Any]) -> None:
        metrics = data.get("metrics", {})
        self.table.set_records(
            {"key": key, **value} for key, value in (metrics.items()
                                                     if isinstance(metrics, dict) else ())
            if isinstance(value, dict))

    def store(self, data: dict[str, Any]) -> None:
        metrics = {}
        for record in self.table.records():
            metrics[str(record.pop("key", ""))] = record
        _put(data, "metrics", metrics)

    def metric_keys(self) -> list[str]:
        return [self.table.cell(row, "key").strip()
                for row in range(self.table.table.rowCount())]

    def go_to(self, key: str) -> bool:
        top, name, _index, field = _parts(key)
        if top != "metrics":
            return False
        keys = self.metric_keys()
        self.table.go_to(keys.index(name) if name in keys else 0, field)
        return True


class ScopePage(Page):
    """What the agreement covers and what it does not."""

    keys = ("scope",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.extra: dict[str, Any] = {}
        self.inside = TextList("In scope", "in scope")
        self.outside = TextList("Out of scope", "out of scope")
        layout = QHBoxLayout(self)
        layout.addWidget(self.inside)
        layout.addWidget(self.outside)
        self._watch(self.inside, self.outside)

    def load(self, data: dict[str, Any]) -> None:
        scope = data.get("scope", {})
        scope = scope if isinstance(scope, dict) else {}
        self.extra = {k: v for k, v in scope.items() if k not in ("in", "out")}
        self.inside.set_texts(str(t) for t in scope.get("in", []))
        self.outside.set_texts(str(t) for t in scope.get("out", []))

    def store(self, data: dict[str, Any]) -> None:
        scope = dict(self.extra)
        _put(scope, "in", self.inside.texts())
        _put(scope, "out", self.outside.texts())
        _put(data, "scope", scope)

    def go_to(self, key: str) -> bool:
        top, name, index, _field = _parts(key)
        if top != "scope":
            return False
        (self.outside if name == "out" else self.inside).go_to(index or 0)
        return True


class NotesPage(Page):
    """Notes a Tier I agent reads beside the severity definitions."""

    keys = ("notes",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notes = TextList("Note", "note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.notes)
        self._watch(self.notes)

    def load(self, data: dict[str, Any]) -> None:
        self.notes.set_texts(str(n) for n in data.get("notes", []))

    def store(self, data: dict[str, Any]) -> None:
        _put(data, "notes", self.notes.texts())

    def go_to(self, key: str) -> bool:
        top, _name, index, _field = _parts(key)
        if top != "notes":
            return False
        self.notes.go_to(index or 0)
        return True
