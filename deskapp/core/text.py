"""Text people type and are shown: an incident's printable text of a sensible length, and
a database's address without its password.

Both databases keep the same text: PostgreSQL cannot store a NUL character, SQLite can, so
it is refused here for both; other control characters (a pasted bell, a form feed) have no
place in a help desk's records either. A password in a database URL is never shown nor
kept in the settings: PostgreSQL's own ways (~/.pgpass, a service file, PGPASSWORD) hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deskapp.core.errors import InputError


@dataclass(frozen=True)
class Kind:
    """A kind of text: how long it may be, and whether it may run over several lines."""

    limit: int
    lines: bool


TITLE = Kind(200, lines=False)
NAME = Kind(100, lines=False)
LINE = Kind(200, lines=False)  # a contact, a vendor's reference, a category
TEXT = Kind(20_000, lines=True)  # a description, a comment, a note, a reason

# The kind of each text an incident keeps, by the name messages use for it.
KINDS = {
    "title": TITLE, "name": NAME, "reporter": NAME, "assignee": NAME,
    "contact": LINE, "vendor reference": LINE, "vendor_ref": LINE, "category": LINE,
    "description": TEXT, "text": TEXT, "note": TEXT, "reason": TEXT,
}

_LINE_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\u2028": " ", "\u2029": " "})


def clean_text(name: str, value: str, kind: Kind | None = None) -> str:
    """``value`` stripped, one line for a one-line kind (tabs and line breaks become
    spaces); refused with one message when it holds a NUL or another control character,
    or is longer than its kind allows. ``name`` says what it is in the message."""
    kind = kind or KINDS.get(name, TEXT)
    if "\x00" in value:
        raise InputError(f"the {name} contains a NUL character (\\0); remove it")
    text = value.translate(_LINE_BREAKS) if not kind.lines else value
    text = text.replace("\r\n", "\n").strip()
    control = _CONTROL.search(text)
    if control is not None:
        raise InputError(f"the {name} contains a control character "
                         f"(U+{ord(control.group()):04X}); remove it")
    if len(text) > kind.limit:
        raise InputError(f"the {name} is {len(text):,} characters long; at most "
                         f"{kind.limit:,} are allowed")
    return text


# Unicode's control characters (category Cc: C0, DEL and C1) but tab and line breaks.
# Format characters (Cf, such as a zero-width joiner in a name) and private-use ones are
# ordinary text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


HIDDEN = "***"


def has_password(url: str) -> bool:
    """``url`` is a URL with a password in it (``scheme://user:password@host/...``)."""
    userinfo = _userinfo(url)
    return userinfo is not None and ":" in userinfo


def without_password(url: str, *, shown: str | None = None) -> str:
    """``url`` with its password left out (or, ``shown``, replaced by that text); anything
    else (a file path, a URL without one) comes back as it is."""
    userinfo = _userinfo(url)
    if userinfo is None or ":" not in userinfo:
        return url
    scheme, _, rest = url.partition("://")
    user, after = userinfo.partition(":")[0], rest[len(userinfo) + 1:]
    return f"{scheme}://{user}{':' + shown if shown is not None else ''}@{after}"


def shown_url(url: str) -> str:
    """``url`` as a message or the window shows it: its password, if any, as ***."""
    return without_password(url, shown=HIDDEN)


def _userinfo(url: str) -> str | None:
    """What comes before the host (``user:password``), read as libpq and SQLAlchemy read
    it: a URL's authority ends at the first / ? or #, and its user part at its last @."""
    scheme, found, rest = url.partition("://")
    if not found or not scheme:
        return None
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    userinfo, at, _ = authority.rpartition("@")
    return userinfo if at else None
