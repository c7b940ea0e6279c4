"""The schema revisions deskapp ships, read from the migration files' headers (without
Alembic or SQLAlchemy: a one-shot command checks that a file's schema is current)."""

from __future__ import annotations

import re
from pathlib import Path

_REVISION = re.compile(r"""^revision\s*(?::[^=\n]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=\n]*)?=\s*(?:["']([^"']+)["']|None)""",
                   re.MULTILINE)


def shipped_revisions(folder: Path) -> dict[str, str | None]:
    """Each revision in the migrations ``folder`` and the one before it."""
    revisions: dict[str, str | None] = {}
    for path in sorted((folder / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is not None and down is not None:
            revisions[revision.group(1)] = down.group(1)
    return revisions


def head_of(revisions: dict[str, str | None]) -> str:
    """The newest revision: the one no other revision follows."""
    heads = set(revisions) - set(revisions.values())
    assert len(heads) == 1, f"deskapp ships one line of migrations, not {sorted(heads)}"
    return heads.pop()
