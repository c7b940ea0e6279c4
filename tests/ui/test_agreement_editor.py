"""The agreement editor, through its widgets: checked as the lead types, previewed against
the open incidents, stored as a team version, applied when ticked, read-only on a read-only
desk, and sized for a 1024x640 screen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit, QWidget

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.agreement_toml import agreement_data
from deskapp.core.agreement_versions import Origin
from deskapp.core.wording import moment_label
from deskapp.storage.engine import sqlite_url
from deskapp.ui.agreement_editor import AgreementEditor
from deskapp.ui.agreements import AgreementsWindow
from deskapp.ui.main_window import MainWindow
from deskapp.ui.mnemonics import letter_of
from deskapp.ui.open_time_bars import (
    AXIS_HEIGHT,
    CLOSED,
    LABEL_WIDTH,
    OPEN,
    ROW_HEIGHT,
    draw_open_time,
)
from deskapp.ui.screen_fit import available
from tests.conftest import NEW_YORK_OFFICE
from tests.ui.conftest import START, Clock, settle

NEW_YORK = ZoneInfo("America/New_York")
READ_ONLY = ("The database is open read-only: the agreement can be checked and previewed, "
             "not saved.")
WRONG_HOUR = ("error: maqsu.toml: calendars.maqsu.hours.mon[0]: '25:00' is not a time of "
              "day; expected 00:00 to 24:00")


def log_maqsu(desk: Desk, severity: str, at: datetime) -> str:
    draft = IncidentDraft(vendor="maqsu", product="MAQSU Services", title="Orders stuck",
                          severity=severity, channel="email")
    return desk.log(draft, author="tess", at=at).incident.key


def open_editor(qtbot, window: MainWindow, vendor: str | None) -> AgreementEditor:
    editor = window.edit_agreement(vendor)
    assert isinstance(editor, AgreementEditor)
    qtbot.waitUntil(editor.isVisible)
    checked(qtbot, editor)
    return editor


def checked(qtbot, editor: AgreementEditor) -> None:
    """Wait for the check of the agreement as it is now."""
    qtbot.waitUntil(lambda: editor.current() is not None and editor.station.tasks.idle,
                    timeout=10_000)


def type_into(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def due_of(desk: Desk, key: str, metric: str) -> datetime | None:
    return next(c.due for c in desk.show(key).clocks if c.metric == metric)


def test_a_wrong_hour_shows_the_loaders_words_blocks_save_and_points_at_the_day(
        qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    assert editor.save_button.isEnabled()
    assert editor.finding_texts() == ["No errors or warnings: the agreement can be saved."]
    editor.tabs.setCurrentWidget(editor.calendars)
    monday = editor.calendars.form.days["mon"]
    type_into(qtbot, monday, "08:30-25:00")
    assert not editor.save_button.isEnabled()  # not before the check says so
    checked(qtbot, editor)
    assert editor.finding_texts() == [WRONG_HOUR]
    assert not editor.save_button.isEnabled()

    editor.tabs.setCurrentWidget(editor.targets)
    item = editor.findings.item(0)
    assert item is not None
    editor.findings.itemActivated.emit(item)
    assert editor.tabs.currentWidget() is editor.calendars
    assert editor.focusWidget() is monday

    type_into(qtbot, monday, "08:30-17:30")
    checked(qtbot, editor)
    assert editor.finding_texts() == ["No errors or warnings: the agreement can be saved."]
    assert editor.save_button.isEnabled()


def test_a_finding_points_at_its_table_cell(qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    editor.targets.table.set_cell(2, "warning_after", "9")
    checked(qtbot, editor)
    assert editor.finding_texts() == [
        "error: maqsu.toml: targets[2].warning_after: 9 is not before the target of 4"]
    editor.go_to("targets[2].warning_after")
    table = editor.targets.table.table
    assert editor.tabs.currentWidget() is editor.targets
    assert (table.currentRow(), table.currentColumn()) == (
        2, editor.targets.table.column_of("warning_after"))


def test_a_shorter_target_previews_the_due_times_it_moves_then_saves_and_applies(
        qtbot, window: MainWindow, desk: Desk, clock: Clock) -> None:
    # Singapore: Tuesday 10:00 (running, due Wednesday 09:00) and 23:00 (after hours).
    early = log_maqsu(desk, "low", datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    late = log_maqsu(desk, "low", START)
    other = log_maqsu(desk, "critical", START)
    window.refresh()
    settle(qtbot, window)
    editor = open_editor(qtbot, window, "maqsu")
    assert editor.targets.table.cell(3, "severity") == "low"
    editor.targets.table.set_cell(3, "amount", "4")  # response to a low one: 8 -> 4 hours
    editor.targets.table.set_cell(3, "warning_after", "3")
    assert not editor.apply_box.isEnabled()
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.previewed_text() is not None, timeout=10_000)
    assert editor.tabs.currentWidget() is editor.preview_panel

    def shown(moment: datetime) -> str:
        return moment_label(moment, NEW_YORK)

    assert editor.preview_panel.rows() == [
        [early, "Response", shown(datetime(2026, 12, 9, 1, 0, tzinfo=UTC)),
         shown(datetime(2026, 12, 8, 6, 0, tzinfo=UTC)), "yes"],
        [late, "Response", shown(datetime(2026, 12, 9, 8, 30, tzinfo=UTC)),
         shown(datetime(2026, 12, 9, 4, 30, tzinfo=UTC)), ""]]
    assert editor.preview_panel.summary.text() == (
        f"2 of 3 open incidents would change (2 due times) if applied; 1 would become "
        f"breached: {early}.")
    before_other = due_of(desk, other, "response")

    qtbot.mouseClick(editor.apply_box, Qt.MouseButton.LeftButton)
    assert editor.apply_box.isChecked()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.saved is not None and editor.station.tasks.idle,
                    timeout=10_000)
    versions = desk.agreement_versions("maqsu")
    assert [(v.number, v.origin, v.is_current, v.made_by) for v in versions] == [
        (1, Origin.SHIPPED, False, "deskapp"), (2, Origin.TEAM, True, "tess")]
    assert "3 open incidents now follow version 2." in editor.info.text()
    assert due_of(desk, early, "response") == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    assert due_of(desk, late, "response") == datetime(2026, 12, 9, 4, 30, tzinfo=UTC)
    assert due_of(desk, other, "response") == before_other
    assert not editor.save_button.isEnabled()  # stored: nothing new to save
    target = window.station.agreement_of("maqsu")
    assert target is not None and target.target("response", "low").amount == 4


def test_a_stale_preview_tells_so_shows_a_fresh_one_and_the_stored_version_is_applied(
        qtbot, window: MainWindow, desk: Desk) -> None:
    key = log_maqsu(desk, "low", START)
    before = due_of(desk, key, "response")
    editor = open_editor(qtbot, window, "maqsu")
    editor.targets.table.set_cell(3, "amount", "10")
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.previewed_text() is not None, timeout=10_000)
    log_maqsu(desk, "high", START)  # the open incidents change after the preview
    editor.apply_box.setChecked(True)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.saved is not None and editor.station.tasks.idle
                    and editor.previewed_text() is not None, timeout=10_000)
    assert "changed since the preview; preview the change again" in editor.info.text()
    assert due_of(desk, key, "response") == before
    assert editor.preview_panel.summary.text().startswith("1 of 2 open incidents")
    assert len(desk.agreement_versions("maqsu")) == 2
    # Ticked again after the fresh preview: the version stored is applied, not stored twice.
    editor.apply_box.setChecked(True)
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "now follow version 2" in editor.info.text(), timeout=10_000)
    assert len(desk.agreement_versions("maqsu")) == 2
    assert due_of(desk, key, "response") != before


def test_the_bars_draw_open_time_where_the_calendar_is_open(qtbot, window: MainWindow
                                                             ) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(editor.preview_panel.bars), timeout=10_000)
    bars = editor.preview_panel.bars[0]
    image = QImage(LABEL_WIDTH + 24 * 20 + 4, bars.sizeHint().height(),
                   QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    draw_open_time(painter, image.rect(), bars.intervals, bars.zone, bars.first, bars.days)
    painter.end()

    def colour(day: int, hour: float) -> str:
        x = LABEL_WIDTH + int(hour * 20)
        y = AXIS_HEIGHT + day * ROW_HEIGHT + ROW_HEIGHT // 2
        return image.pixelColor(x, y).name()

    # Singapore: today Tuesday (23:00 now), Wednesday 08:30-17:30, Saturday 08:30-13:00.
    assert bars.first.isoformat() == "2026-12-08"
    assert colour(0, 11) == CLOSED.name()  # before now: past, not drawn as open
    assert colour(1, 10) == OPEN.name()
    assert colour(1, 8.25) == CLOSED.name()
    assert colour(1, 17.75) == CLOSED.name()
    assert colour(4, 12.75) == OPEN.name()  # Saturday morning
    assert colour(4, 13.25) == CLOSED.name()
    assert colour(5, 11) == CLOSED.name()  # Sunday


def test_a_new_vendor_made_in_the_editor_is_stored_and_answers(
        qtbot, window: MainWindow, desk: Desk) -> None:
    editor = open_editor(qtbot, window, None)
    assert editor.finding_texts()[0] == "error: new-vendor.toml: vendor: is missing"
    assert not editor.save_button.isEnabled()
    page = editor.vendor_page
    type_into(qtbot, page.vendor, "acme")
    type_into(qtbot, page.name, "Acme Logistics")
    page.products.add_row()
    page.products.set_cell(0, "text", "Freight Portal")
    page.contacts.add_row()
    page.contacts.set_cell(0, "channel", "phone")
    page.contacts.set_cell(0, "value", "+1 555 0100")
    checked(qtbot, editor)
    assert editor.finding_texts() == [
        "error: acme.toml: severities[0].name: is missing"]
    editor.severities.table.set_cell(0, "name", "Down")
    editor.severities.table.set_cell(0, "definition", "Nobody can book freight.")
    checked(qtbot, editor)
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(editor.preview_panel.bars), timeout=10_000)
    assert editor.preview_panel.summary.text() == (
        "acme is a new vendor: no incident follows it yet.")
    assert not editor.apply_box.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.saved is not None and editor.station.tasks.idle,
                    timeout=10_000)
    acme = desk.agreements()["acme"]
    assert (acme.name, acme.products, acme.contacts[0].value) == (
        "Acme Logistics", ("Freight Portal",), "+1 555 0100")
    assert [v.origin for v in desk.agreement_versions("acme")] == [Origin.TEAM]
    assert window.vendor_filter.findData("acme") >= 0  # the window knows the vendor now


def test_an_agreement_file_opens_in_the_editor_from_the_agreements_window(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    assert window.catalog is not None
    agreements = AgreementsWindow(window.catalog.agreements, window,
                                  edit=window.edit_agreement)
    qtbot.addWidget(agreements)
    broken = tmp_path / "broken.toml"
    broken.write_text("vendor = \n")
    agreements.import_file(str(broken))
    assert agreements.info.text().startswith("broken.toml: (file): is not valid TOML")
    assert window.dialog is None
    good = tmp_path / "acme.toml"
    good.write_text(desk_text(window).replace('vendor = "maqsu"', 'vendor = "acme"')
                    .replace('name = "MAQSU"', 'name = "Acme"'))
    agreements.import_file(str(good))
    editor = window.dialog
    assert isinstance(editor, AgreementEditor)
    checked(qtbot, editor)
    assert editor.vendor_page.vendor.text() == "acme"
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.saved is not None and not editor.busy, timeout=10_000)
    assert "Acme" in {agreements.vendors.topLevelItem(i).text(0)
                      for i in range(agreements.vendors.topLevelItemCount())}
    editor.reject()  # nothing edited since it was stored: it closes
    qtbot.waitUntil(lambda: window.dialog is None)
    agreements.vendors.setCurrentItem(agreements.vendors.topLevelItem(0))
    qtbot.mouseClick(agreements.edit_button, Qt.MouseButton.LeftButton)
    editor = window.dialog
    assert isinstance(editor, AgreementEditor)
    assert editor.vendor_page.vendor.text() == agreements.selected_vendor()
    editor.reject()
    qtbot.waitUntil(lambda: window.dialog is None)
    qtbot.mouseClick(agreements.new_button, Qt.MouseButton.LeftButton)
    editor = window.dialog
    assert isinstance(editor, AgreementEditor)
    assert editor.windowTitle() == "Agreement of new vendor"
    assert editor.focusWidget() is editor.vendor_page.vendor


def desk_text(window: MainWindow) -> str:
    assert window.desk is not None
    return window.desk.agreement_text("maqsu")[1]


def test_the_editor_on_a_read_only_desk_cannot_save(
        qtbot, settings: QSettings, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    Desk.open(sqlite_url(path), office=NEW_YORK_OFFICE, clock=clock).shutdown()
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.open_database(str(path), read_only=True)
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=10_000)
    editor = open_editor(qtbot, window, "maqsu")
    assert "(read-only)" in editor.windowTitle()
    assert editor.info.text() == READ_ONLY
    assert not editor.save_button.isEnabled()
    editor.targets.table.set_cell(3, "amount", "4")  # the warning point is after it
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.info.text().startswith("Fix the errors listed below"),
                    timeout=10_000)
    editor.targets.table.set_cell(3, "amount", "10")
    checked(qtbot, editor)
    assert not editor.save_button.isEnabled()
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.preview is not None, timeout=10_000)
    assert editor.info.text() == ""  # the preview tells what to fix no more
    assert not editor.apply_box.isEnabled()
    editor.save()
    settle(qtbot, window)
    assert editor.saved is None


def test_edits_are_kept_until_the_lead_discards_them(qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    editor.notes.notes.set_cell(0, "text", "Call first.")
    editor.reject()
    assert editor.isVisible()
    assert editor.info.text() == "The agreement has changes that are not saved."
    editor.check_now()  # its answer comes after the dialog is gone, and is dropped
    qtbot.mouseClick(editor.info.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dialog is None)
    settle(qtbot, window)


def test_the_editor_fits_a_small_screen_and_each_page_has_unique_mnemonics(
        qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    screen = available(editor)
    assert editor.width() <= screen.width() and editor.height() <= screen.height()
    hint = editor.minimumSizeHint()
    assert hint.width() <= 1024 - 16 and hint.height() <= 640 - 48
    tabs = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    for number in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(number)
        texts = [*tabs, *(w.text() for w in editor.findChildren(QLabel)
                          if w.buddy() is not None and w.isVisibleTo(editor))]
        texts += [w.text() for w in editor.findChildren(QAbstractButton)
                  if w.isVisibleTo(editor)]
        found = [letter for text in texts if (letter := letter_of(text)) is not None]
        assert len(found) == len(set(found)), (tabs[number], found)


def test_the_week_shows_overnight_and_several_intervals_and_24x7_as_read(
        qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    form = editor.calendars.form
    editor.tabs.setCurrentWidget(editor.calendars)
    type_into(qtbot, form.days["sun"], "22:00-02:00+1")
    type_into(qtbot, form.days["tue"], "08:30-12:00, 13:00-17:30")
    checked(qtbot, editor)
    assert editor.save_button.isEnabled()
    assert form.bars["sun"].pieces == [(22.0, 24.0)]
    assert form.bars["mon"].pieces == [(0.0, 2.0), (8.5, 17.5)]
    assert form.bars["tue"].toolTip() == "08:30-12:00, 13:00-17:30"
    tables = editor.tables()["calendars"]["maqsu"]["hours"]
    assert (tables["sun"], tables["tue"]) == (["22:00-02:00+1"], ["08:30-12:00", "13:00-17:30"])
    qtbot.keyClick(form.always_open, Qt.Key.Key_Space)
    assert not form.week.isEnabled()
    checked(qtbot, editor)
    assert "hours" not in editor.tables()["calendars"]["maqsu"]
    assert all(bar.pieces == [(0.0, 24.0)] for bar in form.bars.values())


def test_the_menu_opens_the_editor_on_the_filtered_vendor_or_the_agreements(
        qtbot, window: MainWindow) -> None:
    window.actions_by_name["edit_agreement"].trigger()
    assert window.dialog is None
    listing = window.findChild(AgreementsWindow)
    assert listing is not None and listing.edit_button.isVisible()
    listing.close()
    window.vendor_filter.setCurrentIndex(window.vendor_filter.findData("magaya"))
    window.actions_by_name["edit_agreement"].trigger()
    editor = window.dialog
    assert isinstance(editor, AgreementEditor)
    assert editor.windowTitle() == "Agreement of magaya"


def test_every_shipped_agreement_comes_back_from_the_pages_as_its_tables(
        qtbot, window: MainWindow, desk: Desk) -> None:
    for vendor, agreement in desk.agreements().items():
        editor = open_editor(qtbot, window, vendor)
        assert editor.tables() == agreement_data(agreement), vendor
        assert editor.finding_texts() == [
            "No errors or warnings: the agreement can be saved."], vendor
        editor.reject()
        qtbot.waitUntil(lambda: window.dialog is None)


def test_a_list_in_a_cell_is_edited_a_text_a_line(qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    editor.tabs.setCurrentWidget(editor.severities)
    records = editor.severities.table
    view = records.table
    index = view.model().index(0, records.column_of("examples"))
    view.setCurrentIndex(index)
    view.edit(index)
    lines = view.findChild(QPlainTextEdit)
    assert lines is not None and lines.toPlainText() == "Nobody can log in to the service"
    lines.setPlainText("Nobody can log in; not even admins\n\nThe service is down\n")
    qtbot.keyClick(lines, Qt.Key.Key_Tab)
    checked(qtbot, editor)
    assert editor.tables()["severities"][0]["examples"] == [
        "Nobody can log in; not even admins", "The service is down"]
    assert records.cell(0, "examples") == (
        "Nobody can log in; not even admins  •  The service is down")
    assert editor.save_button.isEnabled()


def test_a_version_may_come_into_force_on_a_date_the_lead_picks(
        qtbot, window: MainWindow, desk: Desk) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    editor.notes.notes.add_row()
    editor.notes.notes.set_cell(4, "text", "Call first from 2027.")
    editor.effective.set_checked(True)
    editor.effective.set_moment(datetime(2027, 1, 1, tzinfo=NEW_YORK))
    checked(qtbot, editor)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.saved is not None and not editor.busy, timeout=10_000)
    latest = desk.agreement_versions("maqsu")[-1]
    assert (latest.number, latest.effective_at, latest.is_current) == (
        2, datetime(2027, 1, 1, 5, 0, tzinfo=UTC), False)
    assert editor.info.text() == ("Stored as version 2 of maqsu (team), in force from "
                                  "Fri 2027-01-01 00:00 EST.")
    assert "Call first from 2027." not in desk.agreements()["maqsu"].notes


def test_the_targets_follow_a_calendar_renamed(qtbot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, "maqsu")
    editor.tabs.setCurrentWidget(editor.calendars)
    editor.calendars.add_calendar()  # "calendar": typing "calendar2" passes through it
    editor.calendars.keys.setCurrentRow(0)
    type_into(qtbot, editor.calendars.form.key, "calendar2")
    checked(qtbot, editor)
    tables = editor.tables()
    assert list(tables["calendars"]) == ["calendar2", "calendar"]
    assert {t["calendar"] for t in tables["targets"]} == {"calendar2"}
    assert editor.calendars.keys.item(0).text() == "calendar2"
    assert editor.finding_texts()[0] == "error: maqsu.toml: calendars.calendar.zone: is missing"
