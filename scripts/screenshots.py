"""Screenshots of the main window, the new-incident dialog and an SLA explanation.

Run under a virtual display from the project root:
    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshots.py
The PNGs go to screenshots/, or to the folder given as the only argument (main.png,
new-incident.png, explanation.png, review.png, the main window and the Review window as a
1024x640 laptop screen shows them: main-1024x640.png, review-1024x640.png, and the
agreement editor at that size: agreement-calendars.png and agreement-preview.png).
"""

from __future__ import annotations

import importlib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget  # noqa: E402

from deskapp.app.desk import Desk  # noqa: E402
from deskapp.app.views import IncidentDraft, QueueRow  # noqa: E402
from deskapp.core.agreement import Unit  # noqa: E402
from deskapp.core.clocks import ClockState  # noqa: E402
from deskapp.core.lifecycle import ResolutionType  # noqa: E402
from deskapp.office import Office  # noqa: E402
from deskapp.storage.engine import sqlite_url  # noqa: E402
from deskapp.ui.main_window import MainWindow  # noqa: E402
from deskapp.ui.style import app_icon, style_sheet  # noqa: E402

OUT = ROOT / "screenshots"
OFFICE = Office("America/New_York", "US")
AGENTS = ("ana", "ben", "chen", "dara")
SMALL = (1024, 640)


def wait_until(app: QApplication, ready: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get ready in time")
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):  # let layouts and paints settle
        app.processEvents()
        time.sleep(0.01)


def fill(desk: Desk) -> str:
    """The demo generator's year of incidents when this build has it, else ~30 by hand."""
    try:
        demo = importlib.import_module("deskapp.app.demo")
    except ModuleNotFoundError:
        log_by_hand(desk, 30)
        return "30 incidents logged through the Desk"
    demo.fill(desk, 2000, 7, end=desk.clock())
    return "the demo generator's 2,000 incidents"


def log_by_hand(desk: Desk, count: int) -> None:
    rng = random.Random(3)
    now = desk.clock()
    agreements = desk.agreements()
    titles = ["Invoices cannot be posted", "Label printer misaligned", "Entry filing rejected",
              "Dashboard widgets do not load", "Payroll run stops at 60 %",
              "Cannot log in after password reset", "Export job produces a corrupt file"]
    for number in range(count):
        vendor = rng.choice(sorted(agreements))
        agreement = agreements[vendor]
        severity = rng.choice(agreement.severities).key
        reported = now - timedelta(minutes=rng.randrange(20, 60 * 24 * 4))
        draft = IncidentDraft(
            vendor=vendor, product=rng.choice(agreement.products), title=rng.choice(titles),
            severity=severity, channel=(agreement.severity(severity).channels or ("email",))[0],
            assignee=rng.choice(AGENTS),
            documentation_complete_at=reported + timedelta(minutes=30)
            if vendor == "catapult" else None)
        author = rng.choice(AGENTS)
        key = desk.log(draft, author=author, at=reported).incident.key
        moment = reported + (now - reported) * 0.3
        if number % 3 == 0:
            desk.respond(key, "Looking into it", author=author, at=moment)
        if number % 5 == 1:
            desk.pause(key, "Waiting for log files", author=author, at=moment)
        if number % 7 == 2:
            desk.escalate(key, author=author, at=moment)
        if number % 9 == 4:
            desk.resolve(key, ResolutionType.ANSWER, "Explained", author=author,
                         at=reported + (now - reported) * 0.6)


def interesting(rows: list[QueueRow], now: datetime) -> tuple[QueueRow, str]:
    """An open incident still counting down, best one whose clock was paused for a while."""
    def score(row: QueueRow) -> tuple[int, int, int]:
        states = [clock.at(now) for clock in row.clocks]
        counting = any(s.state is ClockState.RUNNING for s in states)
        paused = any(c.paused_seconds > 0 or c.paused_since is not None for c in row.clocks)
        business = any(c.target.unit is Unit.BUSINESS_HOURS for c in row.clocks)
        return (counting, paused, business)

    best = max(rows, key=score)
    for clock in best.clocks:
        if clock.paused_seconds > 0 or clock.paused_since is not None:
            return best, clock.metric
    running = [c for c in best.clocks if c.at(now).state is ClockState.RUNNING]
    return best, (running or list(best.clocks))[0].metric


def save(widget: QWidget, name: str) -> None:
    path = OUT / name
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path} ({widget.width()}x{widget.height()})")


def shoot_review(app: QApplication, window: MainWindow) -> None:
    """The Review window on this month, the breached cell of the busiest row picked."""
    review = window.show_review()
    assert review is not None
    for size, name in (((1440, 900), "review.png"), (SMALL, f"review-{SMALL[0]}x{SMALL[1]}.png")):
        review.resize(*size)
        wait_until(app, lambda: review.shown is not None and window.tasks.idle)
        model = review.compliance.sheet_model
        busiest = max(range(model.rowCount()), default=None,
                      key=lambda row: int(model.index(row, 5).data() or 0))
        if busiest is not None:
            review.compliance.pick(model.index(busiest, 5))
        wait_until(app, lambda: window.tasks.idle)
        save(review, name)
    review.close()


def main() -> int:
    global OUT
    if len(sys.argv) > 1:
        OUT = Path(sys.argv[1])
    OUT.mkdir(exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("deskapp")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    with tempfile.TemporaryDirectory(prefix="deskapp-shots-") as scratch:
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("agent/name", "ana")
        desk = Desk.open(sqlite_url(Path(scratch) / "desk.sqlite3"), office=OFFICE)
        print(f"database: {fill(desk)}")
        window = MainWindow(settings)
        window.attach(desk)
        window.resize(1440, 870)
        window.show()
        wait_until(app, lambda: window.catalog is not None and window.tasks.idle
                   and window.model.rowCount() > 0)
        row, metric = interesting(window.model.rows(), datetime.now(UTC))
        window.select_key(row.key)
        position = window.model.row_of_key(row.key) or 0
        window.table.scrollTo(window.model.index(position, 0),
                              QAbstractItemView.ScrollHint.PositionAtCenter)
        wait_until(app, lambda: window.detail.incident is not None
                   and window.detail.incident.key == row.key and window.tasks.idle)
        window.tick()
        wait_until(app, lambda: True)
        save(window, "main.png")
        window.resize(*SMALL)  # a small laptop screen: every column and countdown in sight
        wait_until(app, lambda: window.queue_ready() and window.tasks.idle)
        save(window, f"main-{SMALL[0]}x{SMALL[1]}.png")
        window.resize(1440, 870)
        wait_until(app, lambda: window.queue_ready() and window.tasks.idle)

        explanation = window.detail.explain(metric)
        wait_until(app, explanation.isVisible)
        save(explanation, "explanation.png")
        explanation.close()

        shoot_review(app, window)

        dialog = window.new_incident()
        assert dialog is not None
        dialog.set_vendor("magaya")
        dialog.set_severity("2")
        dialog.title.setText("Invoices cannot be posted to accounting")
        dialog.description.setPlainText("Posting hangs for every user; staff re-key invoices.")
        dialog.reporter.setText("Maria Santos")
        dialog.contact.setText("maria.santos@harbor-freight.example")
        dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
        wait_until(app, dialog.isVisible)
        dialog.update_preview()
        wait_until(app, lambda: True)
        save(dialog, "new-incident.png")
        dialog.reject()

        editor = window.edit_agreement("maqsu")
        assert editor is not None
        editor.resize(SMALL[0] - 16, SMALL[1] - 48)  # a laptop screen less its frame
        wait_until(app, lambda: editor.current() is not None and window.tasks.idle)
        editor.tabs.setCurrentWidget(editor.calendars)
        wait_until(app, lambda: window.tasks.idle)
        save(editor, "agreement-calendars.png")
        low = next(row for row, target in enumerate(editor.targets.table.records())
                   if (target["metric"], target["severity"]) == ("response", "low"))
        editor.targets.table.set_cell(low, "amount", "4")  # a shorter target, previewed
        editor.targets.table.set_cell(low, "warning_after", "3")
        editor.ask_preview()
        wait_until(app, lambda: editor.previewed_text() is not None and window.tasks.idle)
        save(editor, "agreement-preview.png")
        editor.dirty = False
        editor.reject()
        window.close()
        desk.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
