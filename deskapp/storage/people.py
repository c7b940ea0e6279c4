"""The people of the desk (who logs, works and is assigned incidents) and its settings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.storage.models import Setting, User


def user_id(session: Session, name: str) -> int:
    """The id of the person called ``name``, added when new."""
    found = session.scalar(select(User.id).where(User.name == name))
    if found is None:
        try:
            with session.begin_nested():
                user = User(name=name, role="agent")
                session.add(user)
            found = user.id
        except IntegrityError:
            # Another workstation added the same person a moment ago.
            found = session.scalars(select(User.id).where(User.name == name)).one()
    return found


def known_name(session: Session, name: str) -> str | None:
    """The name of the known person called ``name`` without regard to case ("Ana" is ana),
    as first written; None for someone new."""
    return session.scalar(select(User.name).where(func.lower(User.name) == name.lower())
                          .order_by(User.id).limit(1))


def user_names(session: Session) -> list[str]:
    return list(session.scalars(select(User.name).order_by(User.name)))


def settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(Setting))}


def store_settings(session: Session, values: dict[str, str]) -> None:
    for key, value in values.items():
        session.merge(Setting(key=key, value=value))
