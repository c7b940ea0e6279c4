"""The incident actions: enabled as core's workflow allows, written as core's changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt

from deskapp.app.desk import Desk
from deskapp.core.lifecycle import ResolutionType
from deskapp.core.workflow import (
    Action,
    ChangeTier,
    Direction,
    allowed_actions,
    refusal,
)
from deskapp.ui.incident_actions import SPECS
from tests.ui.conftest import log, settle

STATUS_ACTIONS = {"pause", "resume", "workaround", "resolve", "close", "reopen"}


def show(qtbot, window, key: str) -> None:
    window.load_detail(key)
    settle(qtbot, window)
    assert window.detail.incident is not None and window.detail.incident.key == key


def enabled(window) -> set[str]:
    return {spec.name for spec in SPECS if window.actions_by_name[spec.name].isEnabled()}


def test_the_actions_enabled_are_those_cores_workflow_allows(qtbot, window,
                                                             desk: Desk) -> None:
    key = log(desk, "magaya", "2").incident.key
    desk.respond(key, author="tess")
    desk.resolve(key, ResolutionType.ANSWER, author="tess")
    show(qtbot, window, key)
    incident = window.detail.incident
    agreement = window.catalog.agreements["magaya"]
    allowed = allowed_actions(incident.standing(), agreement)
    assert enabled(window) == {spec.name for spec in SPECS if spec.action in allowed}
    assert enabled(window) & STATUS_ACTIONS == {"close", "reopen"}

    desk.close(key, author="tess")
    show(qtbot, window, key)
    assert enabled(window) & STATUS_ACTIONS == {"reopen"}


def test_documentation_complete_is_not_offered_once_recorded(qtbot, window,
                                                            desk: Desk) -> None:
    key = log(desk, "catapult", "1").incident.key
    show(qtbot, window, key)
    assert window.actions_by_name["documentation"].isEnabled()

    desk.documentation_complete(key, author="ben")
    show(qtbot, window, key)
    assert not window.actions_by_name["documentation"].isEnabled()
    agreement = window.catalog.agreements["catapult"]
    reason = refusal(Action.DOCUMENTATION, window.detail.incident.standing(), agreement)
    assert reason == f"{key}'s documentation was already complete"
    dialog = window.take_action("documentation")  # as a shortcut would, were it enabled
    assert dialog is not None  # it asks when the documents arrived
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.info.text() != "")
    assert dialog.info.text() == reason  # the service refuses with core's reason


def test_lowering_the_tier_asks_the_desk_for_the_tier_below(qtbot, window, desk: Desk,
                                                            monkeypatch) -> None:
    key = log(desk, "magaya", "1").incident.key
    desk.escalate(key, author="ben")
    show(qtbot, window, key)
    assert window.detail.incident.tier == "II(a)"
    asked: list[list[Any]] = []
    real = desk.apply

    def spy(key: str, changes: list[Any], **how: Any) -> Any:
        asked.append(list(changes))
        return real(key, changes, **how)

    monkeypatch.setattr(desk, "apply", spy)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot, window)
    assert asked == [[ChangeTier(direction=Direction.DOWN)]]
    assert window.detail.incident.tier == "I"
    assert not window.actions_by_name["lower"].isEnabled()  # the lowest tier now
    window.take_action("escalate")
    settle(qtbot, window)
    assert asked[-1] == [ChangeTier(direction=Direction.UP)]
    assert window.detail.incident.tier == "II(a)"


def test_documentation_complete_takes_the_time_the_documents_arrived(
        qtbot, window, desk: Desk, clock) -> None:
    key = log(desk, "catapult", "1").incident.key
    arrived = clock() + timedelta(hours=1)  # the documents came an hour after the report,
    clock.advance(hours=3)  # and the agent records them later
    show(qtbot, window, key)
    dialog = window.take_action("documentation")
    assert dialog is not None and dialog.happened is not None
    dialog.set_happened_at(arrived)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.show(key).documentation_complete_at is not None)
    assert desk.show(key).documentation_complete_at == arrived.replace(second=0,
                                                                      microsecond=0)
