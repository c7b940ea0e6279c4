"""`deskapp --help` lists the commands without importing them (nor the database's library)."""

from __future__ import annotations

import subprocess
import sys

from deskapp.cli import build_parser


def test_the_summaries_are_the_commands_own() -> None:
    assert build_parser(summaries_only=True).format_help() == build_parser().format_help()


def test_help_imports_no_database_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom deskapp.cli import main\ntry:\n"
         "    main(['--help'])\nexcept SystemExit:\n    pass\n"
         "print(sorted(m for m in ('sqlalchemy', 'PySide6', 'holidays', 'deskapp.app.desk')"
         " if m in sys.modules), file=sys.stderr)"],
        capture_output=True, text=True, timeout=60, check=True)
    assert "COMMAND" in done.stdout and "incident" in done.stdout
    assert done.stderr.strip() == "[]"
