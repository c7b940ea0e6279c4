"""The Qt bindings keep Python's reference counts: a desk that ticks all day must not abort."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    # PySide6 6.12.0 on Python 3.11 dropped one reference to None per such call, and the
    # window died ("deallocating None") after some ten minutes of countdown ticks.
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for number in range(2000):
        label.setText(str(number))
    assert sys.getrefcount(None) >= before - 10
