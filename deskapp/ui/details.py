"""An incident's details as the edit dialog offers them, and people named in a dialog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from deskapp.app.views import IncidentView
from deskapp.ui.action_dialogs import FieldKind, FieldSpec

if TYPE_CHECKING:
    from deskapp.ui.incident_actions import Asked

# The details the window edits, in the order of the dialog (core's EDITABLE_FIELDS).
DETAILS = (("title", "Title", FieldKind.LINE), ("description", "Description", FieldKind.TEXT),
           ("reporter", "Reporter", FieldKind.LINE), ("contact", "Contact", FieldKind.LINE),
           ("category", "Category", FieldKind.EDITABLE),
           ("vendor_ref", "Vendor reference", FieldKind.LINE),
           ("site_zone", "Client site zone", FieldKind.LINE),
           ("site_country", "Client site country", FieldKind.LINE))


def current_details(incident: IncidentView) -> dict[str, str]:
    return {name: str(getattr(incident, name) or "") for name, _label, _kind in DETAILS}


def details_fields(asked: Asked) -> list[FieldSpec]:
    """The edit dialog's fields, filled with what the incident has now."""
    now = current_details(asked.incident)
    categories: tuple[tuple[str, str], ...] = (("", ""),)
    if asked.agreement is not None:
        categories += tuple((c, c) for c in asked.agreement.in_scope)
        categories += tuple((f"{c} (out of scope)", c) for c in asked.agreement.out_of_scope)
    specs = []
    for name, label, kind in DETAILS:
        specs.append(FieldSpec(
            name, label, kind, "A title is needed" if name == "title" else None,
            categories if name == "category" else (), now[name],
            placeholder="the office's when left empty" if name.startswith("site") else ""))
    return specs


def changed_details(values: Mapping[str, str], incident: IncidentView) -> dict[str, str]:
    """Only what the agent changed: one timeline entry names each change."""
    before = current_details(incident)
    return {name: values[name].strip() for name in before
            if name in values and values[name].strip() != before[name].strip()}


def new_person_question(values: Mapping[str, str], asked: Asked) -> tuple[str, str] | None:
    """Asked before assigning to a name the desk does not know yet."""
    name = values.get("assignee", "").strip()
    known = {person.casefold() for person in (*asked.users, asked.me)}  # "Ana" is ana
    if not name or name.casefold() in known:
        return None
    return (f"Add {name} as a new person? Nobody of that name is known on this desk yet.",
            f"&Yes, add {name}")
