"""The due times the new-incident dialog previews come from the service, with core's checks."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from deskapp.app.preview import AGREED_PER_INCIDENT, WAITS_FOR_DOCUMENTATION, preview_due_times
from deskapp.app.sla import SlaService
from deskapp.core.errors import InputError
from deskapp.core.sla import due_time
from tests.ui.conftest import START


def test_the_preview_gives_each_targets_due_time_from_the_start(sla: SlaService) -> None:
    magaya = sla.agreements["magaya"]
    lines = preview_due_times(sla, magaya, "1", START)
    assert [line.metric for line in lines] == [t.metric for t in magaya.targets_for("1")]
    response = next(line for line in lines if line.metric == "response")
    assert response.due is not None
    assert response.due.due == due_time(magaya, "response", "1", START, sla.site(),
                                        sla.book).due


def test_clocks_that_wait_for_the_documentation_have_no_due_time_until_it_is_given(
        sla: SlaService) -> None:
    catapult = sla.agreements["catapult"]
    waiting = {line.metric: line for line in preview_due_times(sla, catapult, "1", START)}
    assert waiting["response"].due is None
    assert waiting["response"].note == WAITS_FOR_DOCUMENTATION
    documented = preview_due_times(sla, catapult, "1", START, documented=START)
    assert all(line.due is not None or line.note == AGREED_PER_INCIDENT for line in documented)


def test_an_unknown_site_is_refused_as_logging_refuses_it(sla: SlaService) -> None:
    with pytest.raises(InputError, match="unknown site time zone"):
        preview_due_times(sla, sla.agreements["maqsu"], "high", START, site_zone="Mars/Olympus")


def test_the_dialog_says_what_logging_would_refuse_in_the_category(qtbot, window) -> None:
    dialog = window.new_incident()
    dialog.set_vendor("maqsu")
    dialog.category.setEditText("Cooking")
    dialog.update_preview()
    assert "unknown category 'Cooking' for MAQSU" in dialog.hints.text()
    dialog.site_zone.setText("Mars/Olympus")
    dialog.update_preview()
    assert dialog.previewed == {}
    assert any("unknown site time zone" in label.text()
               for label in dialog.preview.findChildren(QLabel))
