"""How incidents and queue lines are printed: text for a person, JSON for a script."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deskapp.app.views import IncidentView, QueueRow, detail_items
from deskapp.cli.printable import shown, shown_lines, table
from deskapp.core.calendar import format_duration
from deskapp.core.clocks import ClockState, TargetClock, TargetState
from deskapp.core.lifecycle import Event, Status
from deskapp.core.time_left import state_left_text

TITLE_WIDTH = 40


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None


def _seconds(value: float | None) -> float | None:
    if value is None:
        return None
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def target_json(state: TargetState, names: dict[str, str], office: ZoneInfo
                ) -> dict[str, Any]:
    clock = state.clock
    zone = clock.calendar.zone
    return {
        "metric": state.metric,
        "name": names.get(state.metric, state.metric),
        "target": clock.target.describe(),
        "calendar": clock.target.calendar,
        "zone": zone.key,
        "state": state.state.value,
        "clock_start": _iso(clock.clock_start, zone),
        "due": _iso(state.due, zone),
        "left_seconds": _seconds(state.left_seconds),
        "paused_seconds": _seconds(state.paused_seconds),
        "paused_since": _iso(clock.paused_since, zone),
        "met_at": _iso(clock.met_at, zone),
        "warning": state.warning,
        "warning_at": _iso(state.warning_at, zone),
        "cycles": clock.cycles,
        "note": clock.note,
    }


def incident_json(view: IncidentView, now: datetime, zone: ZoneInfo,
                  names: dict[str, str]) -> dict[str, Any]:
    return {
        "key": view.key, "number": view.number, "version": view.version,
        "vendor": view.vendor, "vendor_name": view.vendor_name, "product": view.product,
        "title": view.title, "description": view.description, "reporter": view.reporter,
        "contact": view.contact, "channel": view.channel, "severity": view.severity,
        "tier": view.tier, "status": view.status.value, "assignee": view.assignee,
        "site_tz": view.site_zone, "site_country": view.site_country,
        "vendor_ref": view.vendor_ref, "category": view.category,
        "filing_deadline": _iso(view.filing_deadline, zone),
        "agreed_due": _iso(view.agreed_due, zone),
        "resolution_type": view.resolution_type,
        "reported_at": _iso(view.reported_at, zone),
        "updated_at": _iso(view.updated_at, zone), "updated_by": view.updated_by,
        "agreement_version": view.agreement_version,
        "now": _iso(now, zone),
        "warnings": list(view.warnings),
        "targets": [target_json(state, names, zone) for state in view.clocks],
        "timeline": [event_json(event, zone) for event in view.events],
    }


def event_json(event: Event, zone: ZoneInfo) -> dict[str, Any]:
    return {"kind": event.kind.value, "at": _iso(event.at, zone), "author": event.author,
            "data": dict(event.data)}


def _local(moment: datetime, zone: ZoneInfo, weekday: bool = False) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%a %Y-%m-%d %H:%M %Z" if weekday else "%Y-%m-%d %H:%M %Z")


def left_text(state: TargetState) -> str:
    left = state.left_seconds
    if state.state is ClockState.PENDING or left is None:
        return state.clock.note or "not started"
    if state.clock.met_at is not None:
        if left >= 0:
            return f"met, {state_left_text(state, left)} to spare"
        return f"met late by {state_left_text(state, -left)}"
    text = state_left_text(state, left)
    if state.state is ClockState.PAUSED:
        return f"{text} (paused)"
    if state.warning and state.state is ClockState.RUNNING:
        return f"{text} (warning)"
    return text


def incident_text(view: IncidentView, now: datetime, zone: ZoneInfo,
                  names: dict[str, str]) -> str:
    def optional(value: object) -> str:
        return "-" if value in (None, "") else str(value)

    site = optional(view.site_zone) + (f" ({view.site_country})" if view.site_country else "")
    lines = [
        f"{view.key}  {view.title}",
        f"Vendor:      {view.vendor_name} ({view.vendor}), {view.product}, "
        f"agreement {view.agreement_version}",
        f"Severity:    {view.severity}    Tier: {view.tier}    Status: {view.status.value}",
        f"Assignee:    {optional(view.assignee)}",
        f"Reporter:    {optional(view.reporter)}    Contact: {optional(view.contact)}    "
        f"Channel: {view.channel}",
        f"Reported:    {_local(view.reported_at, zone, True)}",
        f"Updated:     {_local(view.updated_at, zone, True)} by {view.updated_by} "
        f"(version {view.version})",
        f"Site:        {site}",
        f"Vendor ref:  {optional(view.vendor_ref)}    Category: {optional(view.category)}",
    ]
    if view.filing_deadline is not None:
        lines.append(f"Filing due:  {_local(view.filing_deadline, zone, True)}")
    if view.agreed_due is not None:
        lines.append(f"Agreed due:  {_local(view.agreed_due, zone, True)}")
    if view.resolution_type:
        lines.append(f"Resolution:  {view.resolution_type}")
    # Escaped line by line: each line is built of one-line fields, and typed text may hold
    # terminal escape sequences.
    lines = [shown(line) for line in lines]
    if view.description:
        lines += ["", shown_lines(view.description)]
    lines += ["", f"Targets as of {_local(now, zone, True)}"
              + ("  (not reported yet)" if now < view.reported_at else "")]
    rows = []
    for state in view.clocks:
        calendar_zone = state.clock.calendar.zone
        start = state.clock.clock_start
        rows.append((
            names.get(state.metric, state.metric), state.state.value,
            _local(start, calendar_zone, True) if start else "-",
            _local(state.due, calendar_zone, True) if state.due else "-",
            left_text(state),
            format_duration(state.paused_seconds) if state.paused_seconds else "-",
        ))
    lines.append(table(("TARGET", "STATE", "CLOCK START", "DUE", "LEFT", "PAUSED"), rows)
                 if rows else "  (none)")
    lines += ["", "Timeline"]
    for event in view.events:
        details = "; ".join(f"{k}: {v}" for k, v in detail_items(event.data))
        lines.append(shown(f"  {_local(event.at, zone)}  {event.author}  {event.kind.value}"
                           + (f"  ({details})" if details else "")))
    return "\n".join(lines)



def _next_state(row: QueueRow, now: datetime) -> TargetState | None:
    """The state of the target that is due next (the one the queue is ordered by)."""
    if row.next_due_at is None:
        return None
    due = [c for c in row.clocks if c.due == row.next_due_at and c.met_at is None]
    clock: TargetClock | None = due[0] if due else None
    return clock.at(now) if clock is not None else None


def row_json(row: QueueRow, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    state = _next_state(row, now)
    return {
        "key": row.key, "vendor": row.vendor, "product": row.product,
        "severity": row.severity, "tier": row.tier, "status": row.status.value,
        "assignee": row.assignee, "title": row.title,
        "reported_at": _iso(row.reported_at, zone), "next_due": _iso(row.next_due_at, zone),
        "left_seconds": _seconds(state.left_seconds) if state is not None else None,
        "version": row.version,
        "targets": [
            {"metric": s.metric, "state": s.state.value,
             "due": _iso(s.due, s.clock.calendar.zone),
             "left_seconds": _seconds(s.left_seconds),
             "paused_seconds": _seconds(s.paused_seconds)}
            for s in (clock.at(now) for clock in row.clocks)],
    }


def _short(text: str) -> str:
    return text if len(text) <= TITLE_WIDTH else text[:TITLE_WIDTH - 1] + "…"


def queue_text(rows: list[QueueRow], now: datetime, zone: ZoneInfo) -> str:
    if not rows:
        return "no incidents"
    lines = []
    for row in rows:
        state = _next_state(row, now)
        if row.next_due_at is not None:
            due = row.next_due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        elif row.status is Status.WAITING_ON_CUSTOMER:
            due = "paused"
        else:
            due = "-"
        left = (state_left_text(state, state.left_seconds)
                if state is not None and state.left_seconds is not None else "")
        lines.append((row.key, row.vendor, row.product, row.severity, row.tier,
                      row.status.value, row.assignee or "-", due, left,
                      _short(shown(row.title))))
    return table(("KEY", "VENDOR", "PRODUCT", "SEV", "TIER", "STATUS", "ASSIGNEE",
                  f"NEXT DUE ({zone.key})", "LEFT", "TITLE"), lines)
