"""The agent's actions on incidents: one spec each, enabled as core's workflow allows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from deskapp.app.desk import Changed, ConflictError, Desk
from deskapp.app.instants import parse_instant
from deskapp.app.views import IncidentDraft, IncidentView
from deskapp.core.agreement import Agreement
from deskapp.core.lifecycle import ResolutionType
from deskapp.core.workflow import (
    Action,
    AgreeDueDate,
    Assign,
    Change,
    ChangeSeverity,
    ChangeTier,
    Close,
    Comment,
    CustomerUpdate,
    Direction,
    DocumentationComplete,
    EditFields,
    ProvideWorkaround,
    Reopen,
    Resolve,
    Respond,
    Resume,
    allowed_actions,
    pause,
)
from deskapp.ui.action_dialogs import ActionDialog, FieldKind, FieldSpec
from deskapp.ui.details import (
    changed_details,
    details_fields,
    new_person_question,
)
from deskapp.ui.infobar import InfoBar
from deskapp.ui.mnemonics import with_mnemonics
from deskapp.ui.new_incident import NewIncidentDialog
from deskapp.ui.opening import Catalog
from deskapp.ui.queue_controller import QueueController, Written
from deskapp.ui.shown_incident import ShownIncident
from deskapp.ui.workstation import Workstation

Values = Mapping[str, str]


@dataclass(frozen=True)
class Asked:
    """What an action's dialog and change start from."""

    incident: IncidentView
    agreement: Agreement | None
    me: str
    users: tuple[str, ...]
    zone: ZoneInfo  # the office's: a typed time without an offset is read in it


@dataclass(frozen=True)
class ActionSpec:
    """One action on the incident shown: how the window offers it and what it changes."""

    action: Action  # core's name for it: enabled when ``allowed_actions`` lists it
    name: str
    text: str
    shortcut: str
    tip: str
    title: str  # the dialog's title and OK button
    done: str  # the status bar's "INC-000001 resolved"
    change: Callable[[Values, Asked], Change]  # built off the UI thread: it may refuse
    fields: Callable[[Asked], list[FieldSpec]] | None = None  # None: written at once
    explanation: str = ""


def _text(name: str, label: str, required: str | None = None, placeholder: str = ""
          ) -> Callable[[Asked], list[FieldSpec]]:
    return lambda _asked: [FieldSpec(name, label, FieldKind.TEXT, required,
                                     placeholder=placeholder)]


def _assignee(asked: Asked) -> list[FieldSpec]:
    choices = tuple((u, u) for u in sorted({*asked.users, asked.me}))
    initial = asked.me if asked.incident.assignee != asked.me else ""
    return [FieldSpec("assignee", "Assignee", FieldKind.EDITABLE, "Name the person to assign",
                      choices, initial)]


def _severity(asked: Asked) -> list[FieldSpec]:
    choices: tuple[tuple[str, str], ...] = ()
    if asked.agreement is not None:
        choices = tuple((f"{s.key}  {s.name}", s.key) for s in asked.agreement.severities)
    return [FieldSpec("severity", "Severity", FieldKind.CHOICE, None, choices,
                      asked.incident.severity),
            FieldSpec("reason", "Reason", FieldKind.TEXT, "A severity change needs a reason",
                      placeholder="Why the severity changes (goes into the timeline)")]


def _resolution(_asked: Asked) -> list[FieldSpec]:
    choices = tuple((kind.value, kind.value) for kind in ResolutionType)
    return [FieldSpec("resolution", "Resolution type", FieldKind.CHOICE, None, choices,
                      ResolutionType.ANSWER.value),
            FieldSpec("text", "Resolution", FieldKind.TEXT,
                      placeholder="How it was resolved (optional)")]


def _due(asked: Asked) -> list[FieldSpec]:
    return [FieldSpec("due", "Due", FieldKind.LINE, "Give the agreed due date",
                      placeholder=f"e.g. 2026-12-18T17:00 ({asked.zone.key} unless an offset "
                                  "is given)")]


SPECS = [
    ActionSpec(Action.ASSIGN, "assign", "&Assign…", "Ctrl+Shift+A",
               "Assign the incident to someone", "Assign", "assigned",
               lambda v, _a: Assign(v["assignee"]), _assignee),  # the desk matches the case
    ActionSpec(Action.SEVERITY, "severity", "Change &severity…", "Ctrl+Shift+S",
               "Change the severity (a reason is required)", "Change severity",
               "severity changed",
               lambda v, _a: ChangeSeverity(v["severity"], v["reason"]), _severity,
               "The targets are recomputed from the new severity's; time already spent "
               "counts."),
    ActionSpec(Action.ESCALATE, "escalate", "&Escalate tier", "Ctrl+Shift+E",
               "Move to the next support tier", "Escalate", "escalated",
               lambda _v, _a: ChangeTier(direction=Direction.UP)),
    ActionSpec(Action.LOWER_TIER, "lower", "&Lower tier", "Ctrl+Shift+L",
               "Move back to the previous tier", "Lower tier", "moved to the tier below",
               lambda _v, _a: ChangeTier(direction=Direction.DOWN)),
    ActionSpec(Action.PAUSE, "pause", "&Pause (waiting on customer)…", "Ctrl+Shift+P",
               "Wait on the customer: pausable targets stop counting", "Pause", "paused",
               lambda v, _a: pause(v["note"]),
               _text("note", "Note", placeholder="What the desk waits for (optional)"),
               "Waiting on the customer: pausable targets stop counting until resumed or "
               "the customer answers."),
    ActionSpec(Action.RESUME, "resume", "Res&ume", "Ctrl+Shift+G",
               "Stop waiting on the customer", "Resume", "resumed", lambda _v, _a: Resume()),
    ActionSpec(Action.CUSTOMER_UPDATE, "customer", "Customer &update…", "Ctrl+Shift+U",
               "The customer wrote or called", "Customer update", "customer update recorded",
               lambda v, _a: CustomerUpdate(v["text"]),
               _text("text", "Update", "A customer update needs its text")),
    ActionSpec(Action.RESPOND, "respond", "&Response sent…", "Ctrl+Shift+R",
               "The desk responded", "Response sent", "response recorded",
               lambda v, _a: Respond(v["text"]),
               _text("text", "Text", placeholder="What was said (optional)")),
    ActionSpec(Action.VENDOR_RESPONSE, "vendor", "&Vendor response…", "Ctrl+Shift+V",
               "The vendor responded", "Vendor response", "vendor response recorded",
               lambda v, _a: Respond(v["text"], from_vendor=True),
               _text("text", "Text", placeholder="What was said (optional)")),
    ActionSpec(Action.WORKAROUND, "workaround", "&Workaround…", "Ctrl+Shift+W",
               "A workaround was provided", "Workaround", "workaround recorded",
               lambda v, _a: ProvideWorkaround(v["text"]),
               _text("text", "Workaround", placeholder="The workaround (optional)")),
    ActionSpec(Action.RESOLVE, "resolve", "Resol&ve…", "Ctrl+Shift+D",
               "Resolve, with a resolution type", "Resolve", "resolved",
               lambda v, _a: Resolve(ResolutionType(v["resolution"]), v["text"]), _resolution),
    ActionSpec(Action.CLOSE, "close", "&Close", "Ctrl+Shift+C", "Close a resolved incident",
               "Close", "closed", lambda _v, _a: Close()),
    ActionSpec(Action.REOPEN, "reopen", "Re&open…", "Ctrl+Shift+O",
               "Reopen a resolved or closed incident", "Reopen", "reopened",
               lambda v, _a: Reopen(v["reason"]),
               _text("reason", "Reason", "Reopening needs a reason")),
    ActionSpec(Action.COMMENT, "comment", "Co&mment…", "Ctrl+Shift+M",
               "Add a note to the timeline", "Comment", "comment added",
               lambda v, _a: Comment(v["text"]),
               _text("text", "Comment", "A comment needs its text")),
    ActionSpec(Action.DOCUMENTATION, "documentation", "&Documentation complete…",
               "Ctrl+Shift+K",
               "The report and documentation are in: clocks that wait for them start",
               "Documentation complete", "documentation complete",
               lambda _v, _a: DocumentationComplete(), lambda _a: [],
               "The clocks that wait for the documentation start when it arrived: give "
               "that time if it was earlier."),
    ActionSpec(Action.AGREE_DUE, "agree", "Agree &due date…", "Ctrl+Shift+T",
               "Fix the due date of a target agreed per incident", "Agree due date",
               "due date agreed",
               lambda v, a: AgreeDueDate(parse_instant(v["due"], a.zone)), _due),
    ActionSpec(Action.EDIT, "edit", "Edit detai&ls…", "F2",
               "Change the title, description, reporter, contact, category, vendor "
               "reference or client site", "Save details", "details saved",
               lambda v, a: EditFields(changed_details(v, a.incident)), details_fields,
               "Every change goes into the timeline."),
]
MENU_BREAKS_AFTER = frozenset({"lower", "resume", "vendor", "reopen", "agree"})
TOOLBAR = ("assign", "severity", "escalate", "pause", "resume", "customer", "respond",
           "vendor", "workaround", "resolve", "close", "reopen")


def make_action(window: QWidget, text: str, shortcut: str, handler: Callable[[], object],
                tip: str = "") -> QAction:
    """A window-wide action: its shortcut works wherever the focus is in the window."""
    made = QAction(text, window)
    if shortcut:
        made.setShortcut(QKeySequence(shortcut))
    made.setToolTip(f"{tip or text.replace('&', '').rstrip('…')} ({shortcut})"
                    if shortcut else tip)
    made.setStatusTip(tip)
    made.triggered.connect(handler)
    window.addAction(made)
    return made


class IncidentActions(QObject):
    """Runs the actions on the incident shown; a write goes through the queue, which shows
    the view around the incident afterwards. ``users_changed``: a new person was named."""

    users_changed = Signal()

    def __init__(self, window: QMainWindow, station: Workstation, queue: QueueController,
                 shown: ShownIncident, info: InfoBar) -> None:
        super().__init__(window)
        self.window = window
        self.station = station
        self.queue = queue
        self.shown = shown
        self.info = info
        self.by_name = {spec.name: make_action(window, spec.text, spec.shortcut,
                                               self._trigger(spec), spec.tip)
                        for spec in SPECS}
        # The actions written at once with one key, each also offered with a "Happened
        # at" (as the command line's --at), for what happened before it is recorded.
        at_once = [spec for spec in SPECS if spec.fields is None]
        texts = with_mnemonics([f"{spec.text.replace('&', '')} at…" for spec in at_once])
        self.at_a_time = {spec.name: make_action(window, text, "", self._trigger(spec, True),
                                                 f"{spec.tip}, giving when it happened")
                          for spec, text in zip(at_once, texts, strict=True)}
        self._about: str | None = None  # the incident the last message was about
        self._info_about: str | None = None
        self._status_text = ""
        shown.changed.connect(self.update)
        shown.changed.connect(self._moved_on)

    def _trigger(self, spec: ActionSpec, when: bool = False) -> Callable[[], object]:
        return lambda: self.take(spec.name, when=when)

    def fill_menu(self, menu: QMenu) -> None:
        for spec in SPECS:
            menu.addAction(self.by_name[spec.name])
            if spec.name in MENU_BREAKS_AFTER:
                menu.addSeparator()
        menu.addSeparator()
        earlier = menu.addMenu("At an earlier &time")
        for action in self.at_a_time.values():
            earlier.addAction(action)

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        for name in TOOLBAR:
            toolbar.addAction(self.by_name[name])

    def update(self) -> None:
        """Enable what core's workflow allows the incident shown; nothing without one, nor
        on a desk opened read-only."""
        incident, desk = self.shown.incident, self.station.desk
        allowed: frozenset[Action] = frozenset()
        if desk is not None and not desk.read_only and incident is not None:
            agreement = self.station.agreement_of(incident.vendor)
            if agreement is not None:
                allowed = allowed_actions(incident.standing(), agreement)
        for spec in SPECS:
            self.by_name[spec.name].setEnabled(spec.action in allowed)
            if spec.name in self.at_a_time:
                self.at_a_time[spec.name].setEnabled(spec.action in allowed)

    # ----- an action on the incident shown ------------------------------------------------

    def take(self, name: str, *, when: bool = False) -> ActionDialog | None:
        """The action ``name`` on the incident shown: its dialog, or the write at once
        (``when``: a dialog anyway, for when it happened)."""
        spec = next(spec for spec in SPECS if spec.name == name)
        incident = self.shown.incident
        if incident is None or self.station.desk is None:
            waiting = self.shown.detail.incident is not None
            self.window.statusBar().showMessage(
                "Wait a moment: the incident picked is being read" if waiting
                else "Select an incident first", 4000)
            return None
        asked = Asked(incident, self.station.agreement_of(incident.vendor),
                      self.station.prefs.me, tuple(self.station.users()),
                      self.station.display.office_zone)
        if spec.fields is None and not when:
            self._perform(spec, asked, incident.version, {}, None)
            return None
        confirm = (lambda values: new_person_question(values, asked)) \
            if spec.action is Action.ASSIGN else None
        fields = spec.fields(asked) if spec.fields is not None else []
        dialog = ActionDialog(spec.title, incident.key, incident.version, fields,
                              spec.explanation, self.window, zone=asked.zone,
                              now=self.station.clock(), confirm=confirm)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(
            lambda: self._perform(spec, asked, dialog.version, dialog.values(), dialog))
        dialog.reload_requested.connect(lambda: self._reload_for(dialog))
        self.station.keep_dialog(dialog)
        dialog.open()
        return dialog

    def _perform(self, spec: ActionSpec, asked: Asked, version: int, values: Values,
                 dialog: ActionDialog | None) -> None:
        """Write with the version the agent saw: a change made meanwhile is a conflict."""
        key, me = asked.incident.key, self.station.prefs.me
        at = dialog.happened_at() if dialog is not None else None

        def work(desk: Desk) -> Changed:
            return desk.apply(key, [spec.change(values, asked)], author=me, at=at,
                              expected_version=version)

        def done(written: Written) -> None:
            if dialog is not None:
                dialog.set_busy(False)
                dialog.accept()
            self.info.hide()
            self.queue.take(written)
            self.tell(key, f"{key} {spec.done}")
            if written.changed.hints:
                self.tell(key, "\n".join(written.changed.hints), "info")
            if spec.action is Action.ASSIGN:
                self._learn_users(written)

        def failed(error: Exception) -> None:
            if isinstance(error, ConflictError):
                if dialog is not None:
                    dialog.show_conflict(str(error))
                else:
                    self.tell(key, str(error), "error",
                              ("&Reload", lambda: self.shown.load(key)))
            elif dialog is not None:
                dialog.show_error(str(error))
            else:
                self.tell(key, str(error), "error")

        self.queue.write(work, done, failed, read_users=spec.action is Action.ASSIGN)

    # ----- messages about an incident ---------------------------------------------------

    def tell(self, key: str, text: str, level: str | None = None,
             action: tuple[str, Callable[[], object]] | None = None) -> None:
        """A message about the incident ``key``: in the status bar (``level`` None) or the
        message strip; it goes when the agent moves to another incident."""
        self._about = key
        if level is None:
            self._status_text = text
            self.window.statusBar().showMessage(text, 6000)
        else:
            self._info_about = key
            self.info.show_message(text, level, action)

    def _moved_on(self) -> None:
        shown = self.shown.key
        if self._info_about is not None and shown != self._info_about:
            self._info_about = None
            self.info.hide()
        if self._status_text and shown != self._about:
            if self.window.statusBar().currentMessage() == self._status_text:
                self.window.statusBar().clearMessage()
            self._status_text = ""

    def _learn_users(self, written: Written) -> None:
        """A person named for the first time joins the choices."""
        catalog = self.station.catalog
        if catalog is not None and written.users is not None \
                and written.users != catalog.users:
            self.station.catalog = Catalog(catalog.agreements, written.users, catalog.office)
            self.users_changed.emit()

    def _reload_for(self, dialog: ActionDialog) -> None:
        def reloaded(view: IncidentView) -> None:
            dialog.reloaded(view.version, f"now {view.status.value}, severity "
                            f"{view.severity}, tier {view.tier}, changed by "
                            f"{view.updated_by}")
        self.shown.load(dialog.key, reloaded)
        self.queue.refresh()

    # ----- logging a new incident -------------------------------------------------------

    def new_incident(self, vendor: str | None = None) -> NewIncidentDialog | None:
        """The new-incident dialog, on ``vendor`` when given (the queue's vendor filter)."""
        desk, catalog = self.station.desk, self.station.catalog
        if desk is None or catalog is None:
            return None
        dialog = NewIncidentDialog(catalog.agreements, desk.sla, self.station.clock,
                                   self.station.prefs.me, catalog.users, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if vendor:
            dialog.set_vendor(vendor)
        dialog.submitted.connect(lambda draft, at: self._log(dialog, draft, at))
        self.station.keep_dialog(dialog)
        dialog.open()
        return dialog

    def _log(self, dialog: NewIncidentDialog, draft: IncidentDraft, at: datetime | None
             ) -> None:
        me = self.station.prefs.me

        def done(written: Written) -> None:
            changed = written.changed
            dialog.set_busy(False)
            dialog.accept()
            self._learn_users(written)
            self.queue.take(written)
            key = changed.incident.key
            self.tell(key, f"{key} logged")
            if changed.hints:
                self.tell(key, f"{key} logged. " + " ".join(changed.hints), "info")
            elif written.incident_id is None or \
                    self.queue.model.row_of_id(written.incident_id) is None:
                self.tell(key, f"{key} logged; it is not in this view.", "ok")

        self.queue.write(lambda desk: desk.log(draft, author=me, at=at), done,
                         lambda error: dialog.show_error(str(error)), read_users=True)
