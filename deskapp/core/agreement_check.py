"""Checking an agreement before it is stored: the file itself, the loader's rules and the
calendar linter, each problem told as ``file: key: message``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import AgreementError, parse_agreement, parse_agreement_data

# The shipped agreements are 3-8 kB; a file a thousand times larger is not an agreement.
MAX_FILE_BYTES = 1_000_000


class Level(StrEnum):
    ERROR = "error"  # the agreement cannot be stored
    WARNING = "warning"  # stored if the lead wants it, but probably not what was meant


@dataclass(frozen=True)
class Finding:
    """One problem of an agreement, named as the loader names it."""

    level: Level
    source: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}"


@dataclass(frozen=True)
class Checked:
    """What checking an agreement found: the agreement when it reads, and every finding
    (the loader's error first, when there is one)."""

    agreement: Agreement | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.WARNING)

    @property
    def ok(self) -> bool:
        """Whether the agreement can be stored (warnings allowed)."""
        return self.agreement is not None and not self.errors

    def first_error(self) -> AgreementError | None:
        found = self.errors[:1]
        return AgreementError(found[0].source, found[0].key, found[0].message) if found else None


def read_agreement_file(path: Path) -> str:
    """An agreement file's text; one ``AgreementError`` for a file too large, binary, not
    UTF-8 or unreadable."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AgreementError(name, "(file)", f"is {size / 1e6:.1f} MB; an agreement file "
                                 f"is at most {MAX_FILE_BYTES // 1000} kB of TOML text")
        raw = path.read_bytes()
    except OSError as error:
        raise AgreementError(name, "(file)", f"cannot be read: {error.strerror or error}"
                             ) from error
    if len(raw) > MAX_FILE_BYTES:  # grew since
        raise AgreementError(name, "(file)", f"is over {MAX_FILE_BYTES // 1000} kB; an "
                             "agreement file is TOML text")
    if b"\0" in raw:
        raise AgreementError(name, "(file)", f"holds binary data (a NUL byte at {raw.index(0)}); "
                             "expected an agreement as TOML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AgreementError(
            name, "(file)",
            f"is not UTF-8 text (byte {error.start}); expected a file saved as UTF-8",
        ) from error


def parse_any(data: str | Mapping[str, Any], source: str) -> Agreement:
    """An agreement from its file's text or from its tables (as an editor holds them);
    ``AgreementError`` naming ``source`` and the key otherwise. From tables, its source is
    the file the writer makes of it."""
    if isinstance(data, str):
        return parse_agreement(data, source)
    agreement = parse_agreement_data(data, source)
    from deskapp.core.agreement_toml import write_agreement  # only editors and imports

    return replace(agreement, source=write_agreement(agreement))


def check_agreement(data: str | Mapping[str, Any], source: str, today: date | None = None
                    ) -> Checked:
    """Every finding about an agreement given as text or tables: the loader's error (it
    stops at the first), else the linter's errors and warnings (``today``: from when its
    targets are counted; no lint without it)."""
    try:
        agreement = parse_any(data, source)
    except AgreementError as error:
        return Checked(None, (Finding(Level.ERROR, error.source, error.key, error.message),))
    if today is None:
        return Checked(agreement, ())
    from deskapp.core.agreement_lint import lint_agreement

    return Checked(agreement, tuple(lint_agreement(agreement, source, today)))
