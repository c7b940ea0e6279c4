"""The review's tables as sheets: each cell's text and the incidents behind it.

The Review window shows them, CSV export writes them and the vendor scorecard prints them:
one sheet, the same figures everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from deskapp.core.calendar import format_duration
from deskapp.core.compliance import ComplianceRow
from deskapp.core.goals import GoalStanding, GoalState
from deskapp.core.review import ComplianceReport, LateTime

NO_VALUE = "\N{EN DASH}"


@dataclass(frozen=True)
class Cell:
    """A figure as shown, its value for a spreadsheet, and the incidents it counts (None:
    the cell counts no incidents, such as a name)."""

    text: str
    value: object = None
    numbers: tuple[int, ...] | None = None
    tip: str = ""

    @property
    def sheet_value(self) -> object:
        return self.text if self.value is None else self.value


@dataclass(frozen=True)
class Sheet:
    """A table: its title, column names and rows of cells; ``what[i]`` says in words what
    column ``i`` counts (the drill-down's heading)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    what: tuple[str, ...] = field(default=())
    numeric: frozenset[int] = frozenset()  # columns aligned to the right

    def csv_rows(self) -> list[list[object]]:
        return [[cell.sheet_value for cell in row] for row in self.rows]


def text(value: str, tip: str = "") -> Cell:
    return Cell(value, value, None, tip)


def count(numbers: Sequence[int]) -> Cell:
    return Cell(str(len(numbers)), len(numbers), tuple(numbers))


def percent(value: float | None, numbers: Sequence[int] | None = None, sign: bool = False
            ) -> Cell:
    shown = NO_VALUE if value is None else (f"{value:+.1f}" if sign else f"{value:.1f} %")
    return Cell(shown, None if value is None else round(value, 1),
                None if numbers is None else tuple(numbers))


def duration(seconds: float | None) -> Cell:
    """Business time as people read it (``3h 05m``); the whole seconds in a spreadsheet."""
    if seconds is None:
        return Cell(NO_VALUE, None)
    return Cell(format_duration(seconds), round(seconds))


# ----- compliance per vendor x severity x target -----------------------------------------

COMPLIANCE_HEADER = ("Vendor", "Severity", "Target", "Logged", "Met", "Breached",
                     "Still running", "Not started", "Achieved", "Goal", "Difference",
                     "Median", "90th percentile")
COMPLIANCE_WHAT = ("", "", "", "logged", "met", "breached", "still running (not yet due)",
                   "not started (clock waiting)", "met or breached", "", "met or breached",
                   "answered", "answered")


def compliance_row(row: ComplianceRow) -> tuple[Cell, ...]:
    answered = (*row.met_numbers, *row.breached_numbers)
    logged = (*row.met_numbers, *row.breached_numbers, *row.running_numbers,
              *row.pending_numbers)
    changed = (f"{len(row.severity_changed_numbers)} counted under a severity they did not "
               "start with" if row.severity_changed_numbers else "")
    goal = (NO_VALUE if row.goal_percent is None else f"{row.goal_percent:g} %")
    return (
        text(row.vendor_name, row.zone), text(row.severity, changed),
        text(f"{row.metric_name}: {row.target}", f"{row.metric_name}: {row.target}"),
        count(logged), count(row.met_numbers), count(row.breached_numbers),
        count(row.running_numbers), count(row.pending_numbers),
        percent(row.achievement, answered),
        Cell(goal, row.goal_percent),
        percent(row.difference, answered, sign=True),
        _timed(duration(row.median_seconds), answered),
        _timed(duration(row.p90_seconds), answered),
    )


def _timed(cell: Cell, numbers: Sequence[int]) -> Cell:
    return Cell(cell.text, cell.value, tuple(numbers) if numbers else None)


def compliance_sheet(report: ComplianceReport) -> Sheet:
    return Sheet(f"Compliance {report.period.label}", COMPLIANCE_HEADER,
                 tuple(compliance_row(row) for row in report.rows), COMPLIANCE_WHAT,
                 frozenset(range(3, len(COMPLIANCE_HEADER))))


# ----- goals -------------------------------------------------------------------------------

# Short words and a sign for each state: the colour is never the only signal.
STATE_WORDS = {
    GoalState.NO_TICKETS: ("\N{EN DASH}", "no tickets"),
    GoalState.ON_TRACK: ("\N{CHECK MARK}", "on track"),
    GoalState.NO_MISS_LEFT: ("!", "next miss fails"),
    GoalState.BELOW: ("\N{BALLOT X}", "below goal"),
    GoalState.MET: ("\N{CHECK MARK}", "met"),
    GoalState.FAILED: ("\N{BALLOT X}", "failed"),
    GoalState.NOT_MEASURED: ("?", "not measured"),
}
STATE_COLOURS = {  # on a light background; the strip darkens nothing it cannot read
    GoalState.NO_TICKETS: "#5f6b66", GoalState.ON_TRACK: "#1e5631",
    GoalState.NO_MISS_LEFT: "#7a4b00", GoalState.BELOW: "#8b1a1a",
    GoalState.MET: "#1e5631", GoalState.FAILED: "#8b1a1a",
    GoalState.NOT_MEASURED: "#5f6b66",
}


def state_text(state: GoalState) -> str:
    sign, words = STATE_WORDS[state]
    return f"{sign} {words}"


GOALS_HEADER = ("Vendor", "Goal", "Goal %", "State", "Tickets", "Met", "Missed",
                "Still running", "Achieved", "Misses left", "Where it stands")
GOALS_WHAT = ("", "", "", "", "counted", "met", "missed", "still running or not started",
              "met or missed", "", "")


def goal_row(goal: GoalStanding) -> tuple[Cell, ...]:
    tickets = (*goal.met_numbers, *goal.breached_numbers, *goal.running_numbers,
               *goal.pending_numbers)
    answered = (*goal.met_numbers, *goal.breached_numbers)
    left = goal.misses_left
    return (
        text(goal.vendor_name), text(goal.description, goal.wording),
        Cell(f"{goal.percent:g} %", goal.percent),
        Cell(state_text(goal.state), goal.state.value, None, goal.wording),
        count(tickets), count(goal.met_numbers), count(goal.breached_numbers),
        count((*goal.running_numbers, *goal.pending_numbers)),
        percent(goal.achievement, answered),
        Cell(NO_VALUE if left is None else str(left), left),
        text(goal.wording, goal.wording),
    )


def goals_sheet(goals: Sequence[GoalStanding], title: str) -> Sheet:
    return Sheet(title, GOALS_HEADER, tuple(goal_row(goal) for goal in goals), GOALS_WHAT,
                 frozenset({2, 4, 5, 6, 7, 8, 9}))


# ----- where late time went ------------------------------------------------------------

LATE_HEADER = ("Vendor", "Where the time went", "Business time", "Share", "Incidents")
LATE_WHAT = ("", "", "", "", "")


def late_sheet(late: Sequence[LateTime], title: str) -> Sheet:
    rows = []
    for found in late:
        total = found.total_seconds
        for share in found.shares:
            numbers = tuple(share.numbers)
            rows.append((
                text(found.vendor_name, f"{found.breached} breached targets looked at"),
                text(share.label), _timed(duration(share.seconds), numbers),
                percent(100.0 * share.seconds / total if total else None, numbers),
                count(numbers)))
    return Sheet(title, LATE_HEADER, tuple(rows), LATE_WHAT, frozenset({2, 3, 4}))
