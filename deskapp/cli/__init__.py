"""The `deskapp` command: the desktop window with no arguments, or a command-line action."""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn, TextIO

from deskapp.cli.printable import shown
from deskapp.core.errors import InputError


class CommandLineError(InputError):
    """Arguments that do not fit a command."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(f"{message} (see '{self.prog} --help')")


# Each command's module, imported only when that command runs (or is asked for its help):
# the SLA commands are scripted over large batches and need neither SQLAlchemy nor Qt, and
# `deskapp --help` lists the commands by their summaries alone.
COMMANDS = {
    "sla": "deskapp.cli.sla",
    "policy": "deskapp.cli.policy",
    "incident": "deskapp.cli.incident",
    "demo": "deskapp.cli.demo",
    "backup": "deskapp.cli.backup",
    "export": "deskapp.cli.transfer",
    "import": "deskapp.cli.transfer",
    "report": "deskapp.cli.report",
}
SUMMARIES = {
    "sla": "due times and business time left for a target",
    "policy": "the vendor agreements deskapp knows",
    "incident": "log, list, show and work incidents",
    "demo": "fill an empty database with demo incidents",
    "backup": "take, list, verify and restore backups of the database file",
    "export": "write every incident with its timeline as JSON (or CSV)",
    "import": "read incidents from a deskapp export or a CSV file, all or nothing",
    "report": "compliance per vendor and month, with the goals (table, csv, json)",
}
GLOBAL_OPTIONS_WITH_VALUES = {"--db", "--read-only"}
# How Python keeps the bytes of an argument the terminal's encoding cannot read.
_SURROGATES = re.compile("[\ud800-\udfff]")


def build_parser(only: str | None = None, *, summaries_only: bool = False) -> Parser:
    """The command line's parser: every command's, or ``only`` one's; ``summaries_only``
    lists the commands without importing them (for ``deskapp --help`` and the window)."""
    parser = Parser(prog="deskapp", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="open a throwaway demo database")
    parser.add_argument("--db", metavar="URL",
                        help="database: a postgresql:// URL or an SQLite file (default: "
                             "$DESKAPP_DB, else the user's own database file)")
    parser.add_argument("--read-only", metavar="PATH",
                        help="open this database file (or URL) so that nothing can be "
                             "written: to review a copy or a backup")
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for name, module in COMMANDS.items():
        if summaries_only:
            commands.add_parser(name, help=SUMMARIES[name])
        elif only is None or name == only:
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


def _check_arguments(args: Sequence[str]) -> None:
    """Refuse an argument the terminal's encoding could not read (Python keeps its bytes as
    lone surrogates) or holding a NUL, which no command line carries: either would fail
    later, half-way through the command. Refuse ``--option=--`` too, which argparse reads
    as a list of no values."""
    for index, arg in enumerate(args):
        if arg.startswith("-") and arg.endswith("=--"):
            option = arg[:-3]
            raise CommandLineError(f"{arg} gives {option} no value ('--' ends the options); "
                                   f"give {option} a value")
        if "\0" not in arg and not _SURROGATES.search(arg):
            continue
        if arg.startswith("--") and "=" in arg:
            where = f"the value of {arg.split('=', 1)[0]}"
        elif index and args[index - 1].startswith("-"):
            where = f"the value of {args[index - 1]}"
        else:
            where = f"argument {index + 1}"
        if "\0" in arg:
            raise CommandLineError(f"{where} holds a NUL character; leave it out")
        encoding = sys.getfilesystemencoding()
        try:
            typed = repr(os.fsencode(arg))  # the bytes as they came
        except UnicodeEncodeError:  # a surrogate no byte decodes to: not from a terminal
            typed = ascii(arg)
        raise CommandLineError(
            f"{where} is not {encoding} text ({typed}); type it again in a terminal set "
            f"to {encoding}, or check the file it was pasted from")


def _open_read_only(args: argparse.Namespace) -> None:
    """--read-only PATH becomes the database of the window or the command, as a URL that
    can only read (checked now: a missing file is one line before anything starts)."""
    if args.read_only is None:
        return
    if getattr(args, "db", None) or args.demo:
        raise CommandLineError("--read-only names the database to open: leave out "
                               + ("--demo" if args.demo else "--db"))
    from deskapp.app.desk import read_only_url

    args.db = read_only_url(args.read_only)


def main(argv: Sequence[str] | None = None) -> int:
    with warnings.catch_warnings():
        _tell_warnings_once()
        return _run(list(sys.argv[1:] if argv is None else argv))


def _tell_warnings_once() -> None:
    """deskapp's warnings (a shipped agreement file left out, ...) as one line each on
    stderr, each once however often it is met; other warnings as Python shows them."""
    told: set[str] = set()
    python_shows = warnings.showwarning

    def tell(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if not category.__module__.startswith("deskapp."):
            python_shows(message, category, filename, lineno, file, line)
            return
        text = shown(str(message))
        if text not in told:
            told.add(text)
            print(f"deskapp: warning: {text}", file=sys.stderr)

    warnings.showwarning = tell
    warnings.filterwarnings("always", category=UserWarning)


def _run(args_list: list[str]) -> int:
    try:
        _check_arguments(args_list)
        named = _command_named(args_list)
        args = build_parser(named, summaries_only=named is None).parse_args(args_list)
        _open_read_only(args)
        if args.command is None:
            from deskapp.ui.main import run_window

            return run_window(args)
        result: int = args.handler(args)
        return result
    except InputError as error:
        text = str(error)
        if getattr(error, "problem", None) == "corrupt":  # a damaged database
            from deskapp.cli.backup import damaged_advice

            text += damaged_advice(args_list)
        # One line, whatever the message quotes: its control characters are shown, not obeyed.
        print(f"deskapp: error: {shown(text)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
