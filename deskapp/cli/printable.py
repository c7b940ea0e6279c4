"""What reaches the terminal: text typed into incidents is shown, its control characters
written out as escapes rather than obeyed (a title cannot clear the screen or retitle the
window)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

# C0 and C1 controls and DEL (a terminal obeys them: ESC starts a sequence, U+009B is ESC [),
# the line and paragraph separators, the bidirectional overrides and isolates, which reorder
# what is shown, and lone surrogates, which cannot be written at all.
_BEYOND_ASCII = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x1f{_BEYOND_ASCII}]")
# JSON escapes the ones below U+0020 itself, and has line breaks of its own outside strings.
_JSON_UNESCAPED = re.compile(f"[{_BEYOND_ASCII}]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    found = match.group()
    code = ord(found)
    return _NAMED.get(found) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def shown(text: str) -> str:
    """``text`` on one line, every control character written as an escape (ESC as \\x1b)."""
    return _CONTROL.sub(_escape, text)


def shown_lines(text: str) -> str:
    """``text`` with its line breaks kept and every other control character escaped."""
    return "\n".join(shown(line) for line in text.split("\n"))


def json_text(data: Any) -> str:
    """``data`` as indented JSON, non-ASCII letters as they are and the characters a
    terminal would obey as \\u escapes."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # Outside strings JSON has none of these characters, so every one found is inside one.
    return _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to line up; a cell's control characters are shown as escapes."""
    rows = [[shown(str(cell)) for cell in row] for row in rows]
    columns = zip(headers, *rows, strict=False)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
