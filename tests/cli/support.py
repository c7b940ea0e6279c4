"""Running the `deskapp` command in-process and reading what it printed."""

from __future__ import annotations

import pytest

from deskapp.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
