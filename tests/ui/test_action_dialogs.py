"""The action dialogs: when it happened, people known or new, editing the details."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from deskapp.app.desk import Desk
from deskapp.core.lifecycle import EventKind
from deskapp.core.workflow import EditFields
from deskapp.ui.action_dialogs import ActionDialog
from deskapp.ui.incident_actions import SPECS
from deskapp.ui.mnemonics import letter_of, with_mnemonics
from deskapp.ui.new_incident import NewIncidentDialog
from tests.ui.conftest import Clock, log, settle
from tests.ui.test_workflow import ok, open_dialog, select


def mnemonics(dialog) -> list[str]:
    """The Alt+letters of the labels and buttons the agent can see in ``dialog``."""
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    return [letter for text in texts if (letter := letter_of(text)) is not None]


def test_with_mnemonics_keeps_chosen_letters_and_gives_free_ones() -> None:
    assert with_mnemonics(["Resolution type", "Resolution", "Happened at", "Now"]) == [
        "&Resolution type", "R&esolution", "&Happened at", "&Now"]
    assert with_mnemonics(["T&ier", "Title"], taken="t") == ["T&ier", "Tit&le"]


def test_every_action_dialog_has_unique_mnemonics_and_a_happened_at(qtbot, window,
                                                                     desk: Desk) -> None:
    key = log(desk, "catapult", "1").incident.key  # per-incident due date, documentation
    select(qtbot, window, key)
    for spec in SPECS:
        if spec.fields is None:
            continue
        dialog = window.take_action(spec.name)
        assert isinstance(dialog, ActionDialog), spec.name
        found = mnemonics(dialog)
        assert len(found) == len(set(found)), (spec.name, found)
        assert dialog.happened is not None, spec.name
        dialog.reject()
    dialog = window.new_incident()
    found = mnemonics(dialog)
    assert len(found) == len(set(found)), found
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.focusWidget() is dialog.vendor
    dialog.reject()


def test_an_action_is_recorded_when_the_agent_says_it_happened(qtbot, window, desk: Desk,
                                                               clock: Clock) -> None:
    key = log(desk, "magaya", "2").incident.key
    select(qtbot, window, key)
    clock.advance(hours=1)
    dialog = open_dialog(qtbot, window, Qt.Key.Key_R)  # response sent
    earlier = clock.now - timedelta(minutes=40)
    dialog.set_happened_at(earlier)
    qtbot.keyClicks(dialog.widgets["text"], "Called back")
    ok(qtbot, dialog)
    settle(qtbot, window)
    event = next(e for e in window.detail.incident.events
                 if e.kind is EventKind.RESPONSE_SENT)
    assert event.at == earlier


def test_assigning_offers_the_people_and_asks_before_a_new_one(qtbot, window,
                                                              desk: Desk) -> None:
    key = log(desk, "magaya", "2").incident.key
    desk.assign(key, "ben", author="ben")
    window.refresh()
    window.station.catalog = window.catalog.__class__(
        window.catalog.agreements, desk.users(), window.catalog.office)
    select(qtbot, window, key)
    dialog = open_dialog(qtbot, window, Qt.Key.Key_A)
    combo = dialog.widgets["assignee"]
    offered = {combo.itemText(i) for i in range(combo.count())}
    assert {"ben", "tess"} <= offered

    dialog.set_value("assignee", "Maria")
    ok(qtbot, dialog)
    settle(qtbot, window)
    assert "Add Maria as a new person?" in dialog.info.text()
    assert desk.show(key).assignee == "ben"  # nothing written before the answer
    qtbot.mouseClick(dialog.info.action, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.dialog is None
    assert desk.show(key).assignee == "Maria"
    assert "Maria" in window.station.users()

    dialog = open_dialog(qtbot, window, Qt.Key.Key_A)
    dialog.set_value("assignee", "BEN")  # a known person, however it is typed
    ok(qtbot, dialog)
    settle(qtbot, window)
    assert window.dialog is None
    assert desk.show(key).assignee == "ben"


def test_details_are_edited_in_one_dialog_and_one_write(qtbot, window, desk: Desk,
                                                        monkeypatch) -> None:
    key = log(desk, "magaya", "2", title="Cannot post", reporter="Ann",
              contact="ann@example.com").incident.key
    select(qtbot, window, key)
    asked: list[tuple[list[Any], dict[str, Any]]] = []
    real = desk.apply

    def spy(key: str, changes: list[Any], **how: Any) -> Any:
        asked.append((list(changes), how))
        return real(key, changes, **how)

    monkeypatch.setattr(desk, "apply", spy)
    version = window.detail.incident.version
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ActionDialog))
    dialog = window.dialog
    assert dialog.value("title") == "Cannot post"
    assert dialog.value("reporter") == "Ann"
    dialog.set_value("title", "Cannot post invoices")
    dialog.set_value("contact", "ann.b@example.com")
    dialog.set_value("vendor_ref", "MG-4411")
    ok(qtbot, dialog)
    settle(qtbot, window)

    assert len(asked) == 1
    changes, how = asked[0]
    assert changes == [EditFields({"title": "Cannot post invoices",
                                   "contact": "ann.b@example.com", "vendor_ref": "MG-4411"})]
    assert how["expected_version"] == version
    shown = window.detail.incident
    assert (shown.title, shown.contact, shown.vendor_ref) == (
        "Cannot post invoices", "ann.b@example.com", "MG-4411")
    assert shown.version == version + 1
    assert [e.kind for e in shown.events].count(EventKind.FIELDS_CHANGED) == 1
    assert window.detail.timeline.topLevelItem(0).text(2) == EventKind.FIELDS_CHANGED.value
    assert window.statusBar().currentMessage() == f"{key} details saved"


def test_a_new_incident_dialog_opens_on_the_vendor(qtbot, window) -> None:
    dialog = window.new_incident()
    assert isinstance(dialog, NewIncidentDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.focusWidget() is dialog.vendor


def test_an_action_of_one_key_can_be_given_when_it_happened(qtbot, window, desk: Desk,
                                                            clock: Clock) -> None:
    key = log(desk, "magaya", "2").incident.key
    select(qtbot, window, key)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Incident")
    earlier_menu = next(a.menu() for a in menu.actions() if a.text() == "At an earlier &time")
    entries = {a.text().replace("&", ""): a for a in earlier_menu.actions()}
    assert set(entries) == {"Escalate tier at…", "Lower tier at…", "Resume at…", "Close at…"}
    assert entries["Escalate tier at…"].isEnabled()
    assert not entries["Close at…"].isEnabled()  # as Close itself: not before a resolve
    found = {letter_of(a.text()) for a in earlier_menu.actions()}
    assert len(found) == 4 and None not in found

    clock.advance(hours=1)
    entries["Escalate tier at…"].trigger()
    qtbot.waitUntil(lambda: isinstance(window.dialog, ActionDialog))
    dialog = window.dialog
    assert dialog.happened is not None
    earlier = clock.now - timedelta(minutes=25)
    dialog.set_happened_at(earlier)
    assert desk.show(key).tier == "I"  # nothing written before OK
    ok(qtbot, dialog)
    settle(qtbot, window)
    shown = desk.show(key)
    assert shown.tier == "II(a)"
    assert [e.at for e in shown.events if e.kind is EventKind.TIER_CHANGED] == [earlier]
