"""The `deskapp` command: the desktop window with no arguments, or a command-line action."""

from __future__ import annotations

import argparse
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


def build_parser() -> Parser:
    from deskapp.cli import demo, incident, policy, sla

    parser = Parser(prog="deskapp", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="open a throwaway demo database")
    parser.add_argument("--db", metavar="URL",
                        help="database: a postgresql:// URL or an SQLite file (default: "
                             "$DESKAPP_DB, else the user's own database file)")
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    sla.register(commands)
    policy.register(commands)
    incident.register(commands)
    demo.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
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
