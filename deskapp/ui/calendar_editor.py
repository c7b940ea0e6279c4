"""An agreement's calendars edited: zone, a week of open intervals (several a day, overnight,
24x7), holidays from the holidays package with dates added or removed, and a year of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.agreement import SITE, Agreement, CalendarSpec
from deskapp.core.agreement_file import WEEKDAYS, country_subdivisions
from deskapp.core.calendar import Holiday, HolidayKind
from deskapp.core.sla import CalendarBook, Site
from deskapp.office import Office
from deskapp.ui.editor_tables import Field, RecordTable, TextList
from deskapp.ui.open_time_bars import DayBar, week_pieces

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CALENDAR_KEY = re.compile(r"calendars\.([^.\[]+)(.*)")
# Asks for a calendar's holidays of a year in the background; the answer comes to the
# callback (an error message instead, when it cannot be had).
HolidayQuestion = Callable[[CalendarSpec, int, Callable[[list[Holiday] | str], None]], None]


@cache
def zone_names() -> tuple[str, ...]:
    return (SITE, *sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


@cache
def countries() -> tuple[tuple[str, str], ...]:
    """(code, name) of every country the holidays package knows, without importing each."""
    from holidays.registry import COUNTRIES

    found = {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0])
             for entry in COUNTRIES.values()}
    return tuple(sorted(found.items()))


def year_holidays(spec: CalendarSpec, year: int, office: Office) -> list[Holiday]:
    """The calendar's holidays in ``year`` as core's calendar has them (added dates in,
    removed dates out); a calendar that follows the client site shows the office's."""
    calendar = CalendarBook(first_year=year).calendar(spec, Site(office.zone, office.country))
    day, found = date(year, 1, 1), []
    while day.year == year:
        holiday = calendar.holiday_on(day)
        if holiday is not None:
            found.append(holiday)
        day += timedelta(days=1)
    return found


def _date_value(text: str) -> Any:
    """A typed date as TOML holds it; anything else is kept for the loader to name."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()


class CalendarForm(QWidget):
    """One calendar's settings; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.extra: dict[str, Any] = {}
        self.holiday_extra: dict[str, Any] = {}
        self.key = QLineEdit()
        self.key.setPlaceholderText("e.g. office")
        self.name = QLineEdit()
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(list(zone_names()))
        completer = QCompleter(list(zone_names()), self.zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self.always_open = QCheckBox("Open 24x7")
        self.days: dict[str, QLineEdit] = {}
        self.bars: dict[str, DayBar] = {}  # the week as last read: what the loader made of it
        week = QGroupBox("Open hours (intervals separated by commas)")
        grid = QGridLayout(week)
        grid.setVerticalSpacing(2)
        for row, (day, label) in enumerate(zip(WEEKDAYS, DAY_NAMES, strict=True)):
            edit = QLineEdit()
            edit.setObjectName(f"hours_{day}")
            edit.setPlaceholderText("closed")
            edit.setToolTip("e.g. 08:00-12:00, 13:00-17:00; overnight: 22:00-06:00+1")
            self.days[day] = edit
            bar = DayBar()
            bar.setObjectName(f"week_{day}")
            self.bars[day] = bar
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(bar, row, 2)
        self.copy_monday = QPushButton("Monday to all weekdays")
        self.copy_monday.setToolTip("Give Tuesday to Friday Monday's hours")
        self.copy_monday.clicked.connect(self._copy_monday)
        grid.addWidget(self.copy_monday, len(WEEKDAYS), 1, 1, 2)
        self.week = week
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("Key", self.key), ("Name", self.name), ("Zone", self.zone)):
            buddy = QLabel(text)
            buddy.setBuddy(field)
            form.addRow(buddy, field)
        form.addRow("", self.always_open)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addWidget(week)
        left.addStretch(1)

        self.country = QComboBox()
        self.country.setEditable(True)
        self.country.addItem("", "")
        self.country.addItem(f"{SITE}: the client site's", SITE)
        for code, name in countries():
            self.country.addItem(f"{code}: {name}", code)
        self.subdivision = QComboBox()
        self.subdivision.setEditable(True)
        self.kind = QComboBox()
        for kind in HolidayKind:
            self.kind.addItem(kind.value, kind.value)
        self.added = RecordTable([Field("date", "Date", width=96), Field("name", "Holiday")],
                                 "date", movable=False)
        self.removed = TextList("Not a holiday", "date", movable=False)
        self.year = QSpinBox()
        self.year.setRange(1971, 2199)
        self.year.setValue(date.today().year)
        self.preview = QListWidget()
        self.preview.setObjectName("holiday_preview")
        holidays = QGroupBox("Holidays")
        holiday_form = QFormLayout()
        holiday_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("Country", self.country), ("Subdivision", self.subdivision),
                            ("On a holiday", self.kind)):
            buddy = QLabel(text)
            buddy.setBuddy(field)
            holiday_form.addRow(buddy, field)
        lists = QHBoxLayout()
        added_box = QVBoxLayout()
        added_label = QLabel("Added by hand")
        added_label.setBuddy(self.added.table)
        added_box.addWidget(added_label)
        added_box.addWidget(self.added)
        removed_box = QVBoxLayout()
        removed_label = QLabel("Removed")
        removed_label.setBuddy(self.removed.table)
        removed_box.addWidget(removed_label)
        removed_box.addWidget(self.removed)
        lists.addLayout(added_box, 3)
        lists.addLayout(removed_box, 2)
        year_row = QHBoxLayout()
        year_label = QLabel("Year")
        year_label.setBuddy(self.year)
        year_row.addWidget(year_label)
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        right = QVBoxLayout(holidays)
        right.addLayout(holiday_form)
        right.addLayout(lists, 2)
        right.addLayout(year_row)
        right.addWidget(self.preview, 2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 4)
        layout.addWidget(holidays, 5)

        for edit in (self.key, self.name, *self.days.values()):
            edit.textChanged.connect(self._edited)
        self.zone.currentTextChanged.connect(self._edited)
        self.always_open.toggled.connect(self._edited)
        self.country.currentTextChanged.connect(self._country_changed)
        self.subdivision.currentTextChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.added.changed.connect(self._edited)
        self.removed.changed.connect(self._edited)

    # ----- loading and storing ------------------------------------------------------------

    def load(self, key: str, data: dict[str, Any]) -> None:
        self._filling = True
        try:
            self.extra = {k: v for k, v in data.items()
                          if k not in {"name", "zone", "hours", "always_open", "holidays"}}
            self.key.setText(key)
            self.name.setText(str(data.get("name", "")))
            self.zone.setCurrentText(str(data.get("zone", "")))
            self.always_open.setChecked(data.get("always_open") is True)
            hours = data.get("hours") if isinstance(data.get("hours"), dict) else {}
            assert isinstance(hours, dict)
            for day, edit in self.days.items():
                value = hours.get(day, [])
                edit.setText(", ".join(map(str, value)) if isinstance(value, list)
                             else str(value))
            holidays = data.get("holidays") if isinstance(data.get("holidays"), dict) else {}
            assert isinstance(holidays, dict)
            self.holiday_extra = {k: v for k, v in holidays.items() if k not in
                                  {"country", "subdivision", "kind", "add", "remove"}}
            self._set_country(str(holidays.get("country", "") or ""))
            self.subdivision.setCurrentText(str(holidays.get("subdivision", "") or ""))
            self.kind.setCurrentText(str(holidays.get("kind", HolidayKind.CLOSED.value)))
            self.added.set_records(
                [entry if isinstance(entry, dict) else {"date": entry}
                 for entry in holidays.get("add", [])])
            self.removed.set_texts(str(day) for day in holidays.get("remove", []))
            self._weekly_enabled()
        finally:
            self._filling = False

    def store(self) -> tuple[str, dict[str, Any]]:
        """The calendar's key and table as the file holds them."""
        data: dict[str, Any] = {}
        if self.name.text().strip():
            data["name"] = self.name.text().strip()
        if self.zone.currentText().strip():
            data["zone"] = self.zone.currentText().strip()
        if self.always_open.isChecked():
            data["always_open"] = True
        else:
            data["hours"] = {day: [part.strip() for part in edit.text().split(",")
                                   if part.strip()]
                             for day, edit in self.days.items() if edit.text().strip()}
        holidays: dict[str, Any] = dict(self.holiday_extra)
        country = self.country_code()
        if country:
            holidays["country"] = country
        if self.subdivision.currentText().strip():
            holidays["subdivision"] = self.subdivision.currentText().strip()
        added = [{**record, "date": _date_value(str(record.get("date", "")))}
                 if "date" in record else record for record in self.added.records()]
        removed = [_date_value(text) for text in self.removed.texts()]
        kind = str(self.kind.currentData())
        if holidays or added or removed or kind != HolidayKind.CLOSED.value:
            holidays["kind"] = kind
        if added:
            holidays["add"] = added
        if removed:
            holidays["remove"] = removed
        if holidays:
            data["holidays"] = holidays
        data.update(self.extra)
        return self.key.text().strip(), data

    def country_code(self) -> str:
        text = self.country.currentText().strip()
        found = self.country.findText(text)
        return str(self.country.itemData(found)) if found >= 0 else text

    def _set_country(self, code: str) -> None:
        found = self.country.findData(code)
        if found >= 0:
            self.country.setCurrentIndex(found)
        else:
            self.country.setCurrentText(code)
        self._fill_subdivisions(code)

    def _fill_subdivisions(self, code: str) -> None:
        typed = self.subdivision.currentText()
        self.subdivision.blockSignals(True)
        self.subdivision.clear()
        self.subdivision.addItem("")
        if code and code != SITE:
            self.subdivision.addItems(list(country_subdivisions(code) or ()))
        self.subdivision.setCurrentText(typed)
        self.subdivision.blockSignals(False)

    def _country_changed(self) -> None:
        self._fill_subdivisions(self.country_code())
        self._edited()

    def _copy_monday(self) -> None:
        for day in WEEKDAYS[1:5]:
            self.days[day].setText(self.days["mon"].text())

    def _weekly_enabled(self) -> None:
        self.week.setEnabled(not self.always_open.isChecked())

    def _edited(self) -> None:
        self._weekly_enabled()
        if not self._filling:
            self.changed.emit()

    # ----- pointing at a finding --------------------------------------------------------

    def go_to(self, rest: str) -> None:
        """Focus the field of a key's part after ``calendars.<key>``."""
        hours = re.match(r"\.hours\.(\w+)", rest)
        added = re.match(r"\.holidays\.add\[(\d+)\](?:\.(\w+))?", rest)
        removed = re.match(r"\.holidays\.remove\[(\d+)\]", rest)
        if hours and hours.group(1) in self.days:
            self.days[hours.group(1)].setFocus()
            self.days[hours.group(1)].selectAll()
        elif rest.startswith(".hours"):
            self.days["mon"].setFocus()
        elif added:
            self.added.go_to(int(added.group(1)), added.group(2))
        elif removed:
            self.removed.go_to(int(removed.group(1)))
        elif rest.startswith(".holidays.subdivision"):
            self.subdivision.setFocus()
        elif rest.startswith(".holidays.kind"):
            self.kind.setFocus()
        elif rest.startswith(".holidays"):
            self.country.setFocus()
        elif rest.startswith(".zone"):
            self.zone.setFocus()
        elif rest.startswith(".always_open"):
            self.always_open.setFocus()
        elif rest.startswith(".name"):
            self.name.setFocus()
        else:
            self.key.setFocus()


class CalendarsPage(QWidget):
    """The agreement's calendars: a list to pick one, its form, and a year of holidays;
    ``renamed(old, new)`` when a calendar's key changes, for the targets that name it."""

    changed = Signal()
    renamed = Signal(str, str)

    def __init__(self, ask_holidays: HolidayQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ask_holidays = ask_holidays
        self.entries: list[tuple[str, dict[str, Any]]] = []
        self.current = -1
        self.named = ""  # the current calendar's key as the targets name it
        self.checked: Agreement | None = None
        self.keys = QListWidget()
        self.keys.setObjectName("calendar_keys")
        self.keys.setMaximumWidth(150)
        self.add_button = QPushButton("Add calendar")
        self.remove_button = QPushButton("Remove calendar")
        self.form = CalendarForm()
        side = QVBoxLayout()
        side.addWidget(self.keys, 1)
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QHBoxLayout(self)
        layout.addLayout(side)
        layout.addWidget(scroll, 1)
        self.keys.currentRowChanged.connect(self._pick)
        self.add_button.clicked.connect(self.add_calendar)
        self.remove_button.clicked.connect(self.remove_calendar)
        self.form.changed.connect(self._edited)
        self.form.year.valueChanged.connect(self.refresh_holidays)

    def load(self, calendars: dict[str, Any]) -> None:
        self.entries = [(key, dict(value) if isinstance(value, dict) else {})
                        for key, value in calendars.items()]
        self.current = -1
        self.keys.blockSignals(True)
        self.keys.clear()
        self.keys.addItems([key for key, _ in self.entries])
        self.keys.blockSignals(False)
        if self.entries:
            self.keys.setCurrentRow(0)
        self.form.setEnabled(bool(self.entries))

    def store(self) -> dict[str, Any]:
        self._keep_current()
        return dict(self.entries)

    def calendar_keys(self) -> list[str]:
        self._keep_current()
        return [key for key, _ in self.entries]

    def _keep_current(self) -> None:
        if 0 <= self.current < len(self.entries):
            self.entries[self.current] = self.form.store()

    def _pick(self, row: int) -> None:
        self._keep_current()
        self.current = row
        if 0 <= row < len(self.entries):
            self.named = self.entries[row][0]
            self.form.load(*self.entries[row])
            self.refresh_holidays()

    def add_calendar(self) -> None:
        self._keep_current()
        taken = {key for key, _ in self.entries}
        key = next(f"calendar{n}" if n else "calendar" for n in range(len(taken) + 1)
                   if (f"calendar{n}" if n else "calendar") not in taken)
        self.entries.append((key, {"name": "", "zone": "", "hours": {}}))
        self.keys.addItem(key)
        self.form.setEnabled(True)
        self.keys.setCurrentRow(len(self.entries) - 1)
        self.form.key.setFocus()
        self.form.key.selectAll()
        self.changed.emit()

    def remove_calendar(self) -> None:
        row = self.keys.currentRow()
        if row < 0:
            return
        self.current = -1
        del self.entries[row]
        self.keys.takeItem(row)
        self.form.setEnabled(bool(self.entries))
        self.changed.emit()

    def _edited(self) -> None:
        self._keep_current()
        item = self.keys.item(self.current)
        if item is not None:
            key = self.entries[self.current][0]
            item.setText(key)
            others = {k for n, (k, _) in enumerate(self.entries) if n != self.current}
            # A key another calendar has (typed on the way to another) renames nothing.
            if key != self.named and key not in others and self.named not in others:
                self.renamed.emit(self.named, key)
                self.named = key
        self.changed.emit()

    def go_to(self, key: str) -> bool:
        """Show the calendar and field a finding's key names; False for another page's."""
        found = _CALENDAR_KEY.match(key)
        if found is None:
            if key == "calendars":
                (self.keys if self.entries else self.add_button).setFocus()
                return True
            return False
        keys = [k for k, _ in self.entries]
        if found.group(1) in keys:
            self.keys.setCurrentRow(keys.index(found.group(1)))
            self.form.go_to(found.group(2))
        return True

    # ----- the year of holidays ---------------------------------------------------------

    def show_checked(self, agreement: Agreement | None) -> None:
        """The agreement as last read (one that does not read leaves the last shown): the
        week's bars and the holidays are the calendars' as the loader read them."""
        if agreement is not None:
            self.checked = agreement
        self.refresh_holidays()

    def refresh_holidays(self) -> None:
        preview = self.form.preview
        if not 0 <= self.current < len(self.entries):
            preview.clear()
            return
        key = self.entries[self.current][0]
        spec = self.checked.calendars.get(key) if self.checked is not None else None
        weekly = week_pieces(spec.weekly) if spec is not None and not spec.always_open \
            else [[(0.0, 24.0)] if spec is not None else [] for _ in WEEKDAYS]
        for day, pieces in zip(WEEKDAYS, weekly, strict=True):
            self.form.bars[day].show_pieces(pieces)
        if spec is None:
            preview.clear()
            preview.addItem("The holidays show once the agreement reads without errors.")
            return
        year = self.form.year.value()

        def show(found: list[Holiday] | str) -> None:
            if self.checked is None or self.checked.calendars.get(key) is not spec:
                return  # edited since: a newer answer comes
            preview.clear()
            if isinstance(found, str):
                preview.addItem(found)
                return
            if not found:
                preview.addItem(f"No holidays in {year}.")
            for holiday in found:
                limited = " (limited)" if holiday.kind is HolidayKind.LIMITED else ""
                preview.addItem(f"{holiday.day:%a %Y-%m-%d}  {holiday.name}{limited}")

        self.ask_holidays(spec, year, show)
