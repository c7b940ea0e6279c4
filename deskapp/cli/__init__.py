"""The `deskapp` command: the desktop window with no arguments, or a command-line action."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from deskapp.core.errors import InputError


class CommandLineError(InputError):
    """Arguments that do not fit a command."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(f"{message} (see '{self.prog} --help')")


# Each command's module, imported only when that command runs (or for --help): the SLA
# commands are scripted over large batches and need neither SQLAlchemy nor Qt.
COMMANDS = {
    "sla": "deskapp.cli.sla",
    "policy": "deskapp.cli.policy",
    "incident": "deskapp.cli.incident",
    "demo": "deskapp.cli.demo",
}
GLOBAL_OPTIONS_WITH_VALUES = {"--db"}


def build_parser(only: str | None = None) -> Parser:
    parser = Parser(prog="deskapp", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="open a throwaway demo database")
    parser.add_argument("--db", metavar="URL",
                        help="database: a postgresql:// URL or an SQLite file (default: "
                             "$DESKAPP_DB, else the user's own database file)")
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).register(commands)
    return parser


def _command_named(args: Sequence[str]) -> str | None:
    """The command the arguments name, when it is one of ours (else None: build them all)."""
    values = iter(args)
    for arg in values:
        if arg in GLOBAL_OPTIONS_WITH_VALUES:
            next(values, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(_command_named(args_list)).parse_args(args_list)
        if args.command is None:
            from deskapp.ui.main import run_window

            return run_window(args)
        result: int = args.handler(args)
        return result
    except InputError as error:
        print(f"deskapp: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
