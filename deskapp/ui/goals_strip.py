"""The goals at a glance: where each vendor goal stands this month, in the main window.

Read in the background when a desk opens, after writes and every few minutes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from deskapp.core.goals import GoalStanding, GoalState
from deskapp.ui.review_tables import STATE_COLOURS, STATE_WORDS
from deskapp.ui.workstation import Workstation

REFRESH_MS = 5 * 60 * 1000  # the month's standing moves slowly: every five minutes
AFTER_WRITE_MS = 1500  # writes come in bursts: one read after the last of them
# A month's goals over 50,000 incidents take about 0.13 s to read, on the thread the queue
# shares: on a busy desk, at most one read for writes in this long.
WRITES_GAP_MS = 20_000
# Lighter shades of the same meanings, for a dark palette.
DARK_COLOURS = {
    GoalState.NO_TICKETS: "#a8b3ae", GoalState.ON_TRACK: "#7fd69a",
    GoalState.NO_MISS_LEFT: "#ffc966", GoalState.BELOW: "#ff8f87",
    GoalState.MET: "#7fd69a", GoalState.FAILED: "#ff8f87",
    GoalState.NOT_MEASURED: "#a8b3ae",
}


ROMAN = frozenset({"i", "ii", "iii", "iv", "v"})


def short_name(goal: GoalStanding) -> str:
    """The goal's key as words: ``critical-response`` is "critical response",
    ``tier-i-resolution`` "tier I resolution"."""
    words = goal.key.replace("_", "-").split("-")
    return " ".join(word.upper() if word in ROMAN else word for word in words)


class GoalsStrip(QWidget):
    """One line per goal: a sign and short words for its state (coloured too), the vendor
    and the goal; the full wording in its tooltip."""

    def __init__(self, station: Workstation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.goals: tuple[GoalStanding, ...] = ()
        self.labels: list[QLabel] = []
        self._reading = False
        self._again = False
        self._known: dict[int, int] = {}
        self.writes_gap_ms = WRITES_GAP_MS
        self._read_at = -WRITES_GAP_MS / 1000  # time.monotonic() of the last read asked for
        self.heading = QLabel("<b>Goals this month</b>")
        self.heading.setToolTip("Each vendor goal for the current month in the vendor's own "
                                "zone; the Review window (F9) has the figures")
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.rows)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.after_write = QTimer(self)
        self.after_write.setSingleShot(True)
        self.after_write.timeout.connect(self.refresh)
        self.setVisible(False)

    def start(self) -> None:
        """A desk was opened: read its goals now and every few minutes."""
        self._known = {}
        self.timer.start()
        self.refresh()

    def stop(self) -> None:
        self.timer.stop()
        self.after_write.stop()

    def writes_seen(self, known: dict[int, int]) -> None:
        """The incidents written lately, as the queue's poll saw them: read again when they
        changed (a write here or at another desk)."""
        fresh = any(self._known.get(number) != version for number, version in known.items())
        self._known = dict(known)
        # Not restarted while waiting: on a busy desk it still fires.
        if fresh and not self.after_write.isActive():
            waited = (time.monotonic() - self._read_at) * 1000
            self.after_write.start(int(max(AFTER_WRITE_MS, self.writes_gap_ms - waited)))

    def refresh(self) -> None:
        desk = self.station.desk
        if desk is None:
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        self._read_at = time.monotonic()
        now = self.station.clock()

        def done(goals: tuple[GoalStanding, ...]) -> None:
            self._read_done()
            self.show_goals(goals)

        def failed(error: Exception) -> None:
            self._read_done()
            self.heading.setToolTip(f"The goals could not be read: {error}")

        self.station.tasks.run(lambda: desk.goals_now(now=now), done, failed)

    def _read_done(self) -> None:
        self._reading = False
        if self._again:
            self._again = False
            self.after_write.start(AFTER_WRITE_MS)

    def show_goals(self, goals: Sequence[GoalStanding]) -> None:
        self.goals = tuple(goals)
        for label in self.labels:
            self.rows.removeWidget(label)
            label.deleteLater()
        self.labels = []
        dark = self.palette().color(QPalette.ColorRole.Window).lightnessF() < 0.5
        colours = DARK_COLOURS if dark else STATE_COLOURS
        for goal in self.goals:
            sign, words = STATE_WORDS[goal.state]
            label = QLabel(
                f"<span style='color:{colours[goal.state]}'>{escape(sign)} "
                f"<b>{escape(words)}</b></span><br><small>{escape(goal.vendor_name)}: "
                f"{escape(short_name(goal))}</small>")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setToolTip(f"{goal.vendor_name}: {goal.description}\n{goal.wording}")
            label.setAccessibleName(f"{goal.vendor_name} {short_name(goal)}: {words}")
            self.rows.addWidget(label)
            self.labels.append(label)
        self.setVisible(bool(self.goals))

    def states(self) -> dict[tuple[str, str], GoalState]:
        """Each goal's state as shown, by (vendor, goal key)."""
        return {(goal.vendor, goal.key): goal.state for goal in self.goals}
