"""What an agent can do to an incident: the actions, when each is allowed, and what each one
changes on the incident and adds to its timeline.

One rule for every caller: the service refuses a change with the message ``refusal`` gives,
the window enables an action when ``allowed_actions`` lists it, and the demo builds its
incidents with the same changes the service applies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from deskapp.core.agreement import Agreement, ClockStart
from deskapp.core.agreement_file import CHANNELS
from deskapp.core.errors import InputError
from deskapp.core.hints import scope_of
from deskapp.core.lifecycle import (
    REOPENABLE,
    Event,
    EventKind,
    ResolutionType,
    Status,
    check_move,
    check_reopen,
)
from deskapp.core.sla import Site
from deskapp.core.text import clean_text


class Action(StrEnum):
    """The actions an agent takes on one incident (the window's Incident menu)."""

    ASSIGN = "assign"
    SEVERITY = "change severity"
    ESCALATE = "escalate"
    LOWER_TIER = "lower tier"
    PAUSE = "pause"
    RESUME = "resume"
    CUSTOMER_UPDATE = "customer update"
    RESPOND = "respond"
    VENDOR_RESPONSE = "vendor response"
    WORKAROUND = "workaround"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    COMMENT = "comment"
    DOCUMENTATION = "documentation complete"
    AGREE_DUE = "agree due date"
    EDIT = "edit"


@dataclass(frozen=True)
class Standing:
    """What decides which actions an incident allows."""

    key: str
    status: Status
    tier: str
    severity: str
    documented: bool  # its documentation-complete time is recorded


def next_tier(agreement: Agreement, tier: str) -> str | None:
    """The tier above ``tier`` in the agreement, None at the top (a tier the agreement does
    not know counts as below its first)."""
    order = [t.key for t in agreement.tiers]
    position = order.index(tier) if tier in order else -1
    return order[position + 1] if position + 1 < len(order) else None


def previous_tier(agreement: Agreement, tier: str) -> str | None:
    """The tier below ``tier`` in the agreement, None at the bottom."""
    order = [t.key for t in agreement.tiers]
    position = order.index(tier) if tier in order else 0
    return order[position - 1] if position > 0 else None


def waits_for_documentation(agreement: Agreement) -> bool:
    """Some of the agreement's clocks start only once the documentation is complete."""
    return any(m.clock_start is ClockStart.DOCUMENTATION_COMPLETE for m in agreement.metrics)


def agrees_due_per_incident(agreement: Agreement, severity: str) -> bool:
    """A target of this severity has its due date agreed per incident."""
    return any(t.agreed_per_incident for t in agreement.targets_for(severity))


def check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r}; expected one of: {', '.join(CHANNELS)}")


def check_category(agreement: Agreement, category: str) -> None:
    """A category the agreement lists (any case); anything goes when it lists none."""
    listed = agreement.in_scope + agreement.out_of_scope
    if listed and scope_of(agreement, category) is None:
        raise InputError(f"unknown category {category!r} for {agreement.name}; expected one "
                         f"of: {', '.join(listed)}")


def check_text(name: str, value: str | None, message: str | None = None) -> str:
    """``value`` stripped and checked as its kind of text (``deskapp.core.text``); refused
    when empty."""
    if value is None or not value.strip():
        raise InputError(message or f"the {name} must not be empty")
    return clean_text(name, value)


def instant(name: str, value: datetime | None) -> datetime | None:
    """``value`` as a UTC instant; a time without a zone names no instant and is refused."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"the {name} needs a time zone or UTC offset")
    return value.astimezone(UTC)


def conflict_message(key: str, changed_by: str, changed_at_local: datetime) -> str:
    """What an agent is told when the incident changed since they read it."""
    return (f"{key} was changed by {changed_by} at {changed_at_local:%Y-%m-%d %H:%M}, "
            "reload it and try again")


def _open_refusal(standing: Standing) -> str | None:
    if standing.status.is_open:
        return None
    return f"{standing.key} is {standing.status.value}; reopen it first"


def _move_refusal(standing: Standing, wanted: Status) -> str | None:
    try:
        check_move(standing.status, wanted)
    except InputError as refused:
        return str(refused)
    return None


def refusal(action: Action, standing: Standing, agreement: Agreement) -> str | None:
    """Why ``action`` cannot be taken on the incident now, or None when it can."""
    key, status, tier = standing.key, standing.status, standing.tier
    if action in (Action.SEVERITY, Action.CUSTOMER_UPDATE, Action.RESPOND,
                  Action.VENDOR_RESPONSE):
        return _open_refusal(standing)
    if action is Action.ESCALATE:
        if next_tier(agreement, tier) is None:
            return f"{key} is already at the highest tier, {tier}"
        return _open_refusal(standing)
    if action is Action.LOWER_TIER:
        if previous_tier(agreement, tier) is None:
            return f"{key} is already at the lowest tier, {tier}"
        return _open_refusal(standing)
    if action is Action.PAUSE:
        return _move_refusal(standing, Status.WAITING_ON_CUSTOMER)
    if action is Action.RESUME:
        if status is not Status.WAITING_ON_CUSTOMER:
            return f"{key} is not paused (it is {status.value})"
        return None
    if action is Action.WORKAROUND:
        return _move_refusal(standing, Status.WORKAROUND_PROVIDED)
    if action is Action.RESOLVE:
        return _move_refusal(standing, Status.RESOLVED)
    if action is Action.CLOSE:
        return _move_refusal(standing, Status.CLOSED)
    if action is Action.REOPEN:
        if status not in REOPENABLE:
            return f"only a resolved or closed incident can be reopened; it is {status.value}"
        return None
    if action is Action.DOCUMENTATION:
        if not waits_for_documentation(agreement):
            return f"{agreement.name}'s clocks do not wait for documentation"
        if standing.documented:
            return f"{key}'s documentation was already complete"
        return None
    if action is Action.AGREE_DUE:
        if not agrees_due_per_incident(agreement, standing.severity):
            return (f"{agreement.name} severity {standing.severity} has fixed targets; "
                    "no due date is agreed per incident")
        return _open_refusal(standing)
    return None  # assign, comment and edit: always


def allowed_actions(standing: Standing, agreement: Agreement) -> frozenset[Action]:
    """The actions the incident allows now (what the window enables)."""
    return frozenset(a for a in Action if refusal(a, standing, agreement) is None)


# ----- changes ------------------------------------------------------------------------------


class Editable(Protocol):
    """An incident as a change edits it (the service's stored record, the demo's row)."""

    number: int
    status: str
    tier: str
    severity: str
    assignee_name: str | None
    resolution_type: str | None
    documentation_complete_at: datetime | None
    agreed_due: datetime | None
    site_zone: str | None
    site_country: str | None


Step = tuple[EventKind, dict[str, str]]


@dataclass(frozen=True)
class Context:
    """What a change is applied with: the incident's agreement, when it happened, how a
    client site is completed from the office's (for edits of the site), and how a typed
    name is matched to a known person ("Ana" is ana)."""

    key: str
    agreement: Agreement
    when: datetime
    site: Callable[[str | None, str | None], Site]
    person: Callable[[str], str] = str  # a typed name as the desk knows that person


def opening_events(severity: str, tier: str, reported: datetime, author: str, *,
                   documented: datetime | None = None, assignee: str | None = None
                   ) -> list[Event]:
    """The timeline a new incident starts with: logged (with its severity, tier and first
    status), its documentation complete when it came with it, and its first assignee."""
    events = [Event(EventKind.CREATED, reported, author,
                    {"severity": severity, "tier": tier, "status": Status.NEW.value})]
    if documented is not None:
        events.append(Event(EventKind.DOCUMENTATION_COMPLETE, documented, author, {}))
    if assignee:
        events.append(Event(EventKind.ASSIGNED, reported, author, {"assignee": assignee}))
    return events


def standing_of(incident: Editable, key: str) -> Standing:
    return Standing(key, Status(incident.status), incident.tier, incident.severity,
                    incident.documentation_complete_at is not None)


class Change:
    """One action on an incident: ``apply`` checks it against the incident as it is, edits
    the incident and returns the timeline entries to add (all at the context's time)."""

    action: Action

    def apply(self, incident: Editable, context: Context) -> list[Step]:
        reason = refusal(self.action, standing_of(incident, context.key), context.agreement)
        if reason is not None:
            raise InputError(reason)
        return self.make(incident, context)

    def make(self, incident: Editable, context: Context) -> list[Step]:
        raise NotImplementedError


def _with_text(data: dict[str, str], text: str) -> dict[str, str]:
    if text and text.strip():
        data["text"] = clean_text("text", text)
    return data


@dataclass(frozen=True)
class Assign(Change):
    assignee: str
    action = Action.ASSIGN

    def make(self, incident: Editable, context: Context) -> list[Step]:
        name = context.person(check_text("name", self.assignee,
                                         "a person's name must not be empty"))
        if incident.assignee_name == name:
            raise InputError(f"{context.key} is already assigned to {name}")
        incident.assignee_name = name  # the service finds, or adds, this person
        return [(EventKind.ASSIGNED, {"assignee": name})]


@dataclass(frozen=True)
class ChangeSeverity(Change):
    severity: str
    reason: str
    action = Action.SEVERITY

    def make(self, incident: Editable, context: Context) -> list[Step]:
        new = context.agreement.severity(self.severity).key
        if new == incident.severity:
            raise InputError(f"{context.key} is already severity {new}")
        reason = check_text("reason", self.reason, "a severity change needs a reason")
        before, incident.severity = incident.severity, new
        return [(EventKind.SEVERITY_CHANGED, {"severity": new, "from": before,
                                              "reason": reason})]


class Direction(StrEnum):
    UP = "escalated"
    DOWN = "lowered"


@dataclass(frozen=True)
class ChangeTier(Change):
    """To ``tier``; without one, to the next tier up (or down), decided on the incident as
    the write finds it, so two agents escalating at once do not pick the same tier."""

    tier: str | None = None
    direction: Direction | None = None
    action = Action.ESCALATE

    def apply(self, incident: Editable, context: Context) -> list[Step]:
        agreement, key, current = context.agreement, context.key, incident.tier
        order = [t.key for t in agreement.tiers]
        if self.tier is None:
            down = self.direction is Direction.DOWN
            action = Action.LOWER_TIER if down else Action.ESCALATE
            reason = refusal(action, standing_of(incident, key), agreement)
            if reason is not None:
                raise InputError(reason)
            found = previous_tier(agreement, current) if down else next_tier(agreement,
                                                                             current)
            assert found is not None  # refused above otherwise
            new = found
        else:
            # A tier the agreement does not name is refused as such, whatever the status.
            new = agreement.tier(self.tier).key
            reason = _open_refusal(standing_of(incident, key))
            if reason is not None:
                raise InputError(reason)
            if new == current:
                raise InputError(f"{key} is already at tier {new}")
        up = current not in order or order.index(new) > order.index(current)
        if self.tier is not None and self.direction is Direction.DOWN and up:
            raise InputError(f"tier {new} is above {key}'s tier {current}; "
                             "leave out --lower to escalate")
        if self.tier is not None and self.direction is Direction.UP and not up:
            raise InputError(f"tier {new} is below {key}'s tier {current}; "
                             "add --lower to lower it")
        incident.tier = new
        return [(EventKind.TIER_CHANGED, {"tier": new, "from": current,
                                          "direction": (Direction.UP if up
                                                        else Direction.DOWN).value})]


@dataclass(frozen=True)
class SetStatus(Change):
    """A status of the working lifecycle; resolving, closing and workarounds have their own
    changes (they record more than the status)."""

    status: Status
    note: str = ""
    # No one window action: which moves it allows is the lifecycle's (``check_move``);
    # pausing, the window's action among them, is ``Action.PAUSE``'s refusal.
    action = Action.EDIT

    def apply(self, incident: Editable, context: Context) -> list[Step]:
        if self.status in (Status.RESOLVED, Status.CLOSED, Status.WORKAROUND_PROVIDED):
            raise InputError(f"use resolve, close or workaround to make an incident "
                             f"{self.status}")
        check_move(Status(incident.status), self.status)
        incident.status = self.status.value
        return [(EventKind.STATUS_CHANGED, _with_text({"status": self.status.value},
                                                      self.note))]


def pause(note: str = "") -> SetStatus:
    """Wait on the customer: pausable targets stop counting."""
    return SetStatus(Status.WAITING_ON_CUSTOMER, note)


@dataclass(frozen=True)
class Resume(Change):
    note: str = ""
    action = Action.RESUME

    def make(self, incident: Editable, context: Context) -> list[Step]:
        incident.status = Status.IN_PROGRESS.value
        return [(EventKind.STATUS_CHANGED,
                 _with_text({"status": Status.IN_PROGRESS.value}, self.note))]


@dataclass(frozen=True)
class CustomerUpdate(Change):
    """The customer wrote or called; a desk waiting on them starts working again."""

    text: str
    action = Action.CUSTOMER_UPDATE

    def make(self, incident: Editable, context: Context) -> list[Step]:
        text = check_text("text", self.text, "a customer update needs its text")
        steps: list[Step] = [(EventKind.CUSTOMER_UPDATE, {"text": text})]
        if incident.status == Status.WAITING_ON_CUSTOMER.value:
            incident.status = Status.IN_PROGRESS.value
            steps.append((EventKind.STATUS_CHANGED, {"status": Status.IN_PROGRESS.value}))
        return steps


@dataclass(frozen=True)
class Respond(Change):
    """A reply to the customer from the desk (or, ``from_vendor``, the vendor's)."""

    text: str = ""
    from_vendor: bool = False

    @property
    def action(self) -> Action:  # type: ignore[override]
        return Action.VENDOR_RESPONSE if self.from_vendor else Action.RESPOND

    def make(self, incident: Editable, context: Context) -> list[Step]:
        kind = EventKind.VENDOR_RESPONSE if self.from_vendor else EventKind.RESPONSE_SENT
        steps: list[Step] = [(kind, _with_text({}, self.text))]
        if incident.status == Status.NEW.value:
            incident.status = Status.ACKNOWLEDGED.value
            steps.append((EventKind.STATUS_CHANGED, {"status": Status.ACKNOWLEDGED.value}))
        return steps


@dataclass(frozen=True)
class ProvideWorkaround(Change):
    text: str = ""
    action = Action.WORKAROUND

    def make(self, incident: Editable, context: Context) -> list[Step]:
        incident.status = Status.WORKAROUND_PROVIDED.value
        return [(EventKind.WORKAROUND_PROVIDED, _with_text({}, self.text))]


@dataclass(frozen=True)
class Resolve(Change):
    resolution: ResolutionType
    text: str = ""
    action = Action.RESOLVE

    def make(self, incident: Editable, context: Context) -> list[Step]:
        incident.status = Status.RESOLVED.value
        incident.resolution_type = self.resolution.value
        return [(EventKind.RESOLVED,
                 _with_text({"resolution_type": self.resolution.value}, self.text))]


@dataclass(frozen=True)
class Close(Change):
    note: str = ""
    action = Action.CLOSE

    def make(self, incident: Editable, context: Context) -> list[Step]:
        incident.status = Status.CLOSED.value
        return [(EventKind.CLOSED, _with_text({}, self.note))]


@dataclass(frozen=True)
class Reopen(Change):
    reason: str
    action = Action.REOPEN

    def apply(self, incident: Editable, context: Context) -> list[Step]:
        check_reopen(Status(incident.status))
        reason = check_text("reason", self.reason, "reopening needs a reason")
        incident.status = Status.IN_PROGRESS.value
        incident.resolution_type = None
        return [(EventKind.REOPENED, {"reason": reason})]


@dataclass(frozen=True)
class Comment(Change):
    text: str
    action = Action.COMMENT

    def make(self, incident: Editable, context: Context) -> list[Step]:
        return [(EventKind.COMMENT, {"text": check_text("text", self.text,
                                                        "a comment needs its text")})]


@dataclass(frozen=True)
class DocumentationComplete(Change):
    """The report and all documentation are in: clocks that wait for it start."""

    action = Action.DOCUMENTATION

    def make(self, incident: Editable, context: Context) -> list[Step]:
        incident.documentation_complete_at = context.when
        return [(EventKind.DOCUMENTATION_COMPLETE, {})]


@dataclass(frozen=True)
class AgreeDueDate(Change):
    """Fix the due date of a target the agreement leaves to be agreed per incident."""

    due: datetime
    action = Action.AGREE_DUE

    def make(self, incident: Editable, context: Context) -> list[Step]:
        if self.due.tzinfo is None or self.due.utcoffset() is None:
            raise InputError("an agreed due date needs a time zone or UTC offset")
        fixed = self.due.astimezone(UTC)
        incident.agreed_due = fixed
        return [(EventKind.DUE_DATE_AGREED, {"due": fixed.isoformat()})]


# What an edit may change; text fields an incident always has stay text (empty, not missing).
EDITABLE_FIELDS = ("title", "description", "reporter", "contact", "channel", "vendor_ref",
                   "category", "site_zone", "site_country", "filing_deadline")
_REQUIRED_TEXT = frozenset({"title", "description", "reporter", "contact", "channel"})


@dataclass(frozen=True)
class EditFields(Change):
    """New values for some of ``EDITABLE_FIELDS``; the old and new values go into the
    timeline, and nothing is added when every value is the one the incident has."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    action = Action.EDIT

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise InputError(f"cannot change {', '.join(sorted(unknown))}")

    def make(self, incident: Editable, context: Context) -> list[Step]:
        fields = dict(self.fields)
        if "filing_deadline" in fields:
            fields["filing_deadline"] = instant("filing deadline", fields["filing_deadline"])
        if "title" in fields:
            check_text("title", fields["title"])
        if "channel" in fields:
            check_channel(fields["channel"])
        if fields.get("category"):
            check_category(context.agreement, fields["category"])
        if "site_zone" in fields or "site_country" in fields:
            # Kept resolved, as when logged: a part left empty is the office's.
            site = context.site(fields.get("site_zone", incident.site_zone) or None,
                                fields.get("site_country", incident.site_country) or None)
            fields["site_zone"], fields["site_country"] = site.zone, site.country
        details = {}
        for name, value in fields.items():
            if isinstance(value, str):
                value = clean_text(name.replace("_", " "), value)
                if not value and name not in _REQUIRED_TEXT:
                    value = None
            if getattr(incident, name) != value:
                setattr(incident, name, value)
                details[name] = _detail(value)
        return [(EventKind.FIELDS_CHANGED, details)] if details else []


def _detail(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)

