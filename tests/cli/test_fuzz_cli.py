"""Fuzzing the whole command line: every command, action and option of ``deskapp --help``'s
tree (read from the parser, so a new option is fuzzed too) with nasty values. Whatever is
typed, the user sees exit 0, or exit 2 with one ``deskapp: error: ...`` line and nothing
written; never a traceback, another exit status or a hang."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.cli import build_parser, main
from deskapp.cli import incident as incident_cli
from deskapp.storage import engine
from deskapp.storage.engine import sqlite_url
from tests.cli.test_incident_cli import NOW, Clock, snapshot


@dataclass(frozen=True)
class Option:
    flag: str
    takes_value: bool
    required: bool
    dest: str


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # e.g. ("incident", "update")
    positionals: tuple[str, ...]  # their dests, in order
    options: tuple[Option, ...]


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], list[Option]]:
    positionals, options = [], []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if not action.option_strings:
            positionals.append(action.dest)
        else:
            options.append(Option(action.option_strings[-1], action.nargs != 0,
                                  action.required, action.dest))
    return positionals, options


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[Command]:
    """Every runnable command under ``parser``: the leaves of the tree of sub-commands."""
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands and words:
        positionals, options = _options(parser)
        yield Command(words, tuple(positionals), tuple(options))
    for action in subcommands:
        for name, child in action.choices.items():
            yield from commands(child, (*words, name))


ROOT = build_parser()
COMMANDS = list(commands(ROOT))
GLOBAL_OPTIONS = _options(ROOT)[1]

NASTY = [
    "", " ", "\t", "\n", "  x  ", "\x00", "\x07", "\x1b[2J", "\x1b]0;pwned\x07", "a\rb",
    "\u202eevil", "\x9b31m", os.fsdecode(b"\xff"), os.fsdecode(b"caf\xe9"), "\ud800", "é",
    "🙂", "x" * 5000,
    "0", "-1", "1", "2147483647", "2147483648", "99999999999999999999",
    "-99999999999999999999", "9" * 5000, "1e400", "nan", "inf", "-0", "1.5", "0x10",
    "\u00b2", "\u0661\u0662",
    "25:00", "24:00", "2026-13-01", "2026-02-30", "2026-02-30T10:00", "2026-12-18T25:00",
    "2026-12-18T10:00+25:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59-14:00",
    "2026-03-08T02:30", "2026-11-01T01:30", "1970-01-01", "yesterday", "now",
    "-2h", "0s", "0.5s", "2h", "1h30m", "9999999999d", "3651d", "99999999999999999999s",
    "nope", "sap", "Mars/Base", "UTC", "XX", "ZZ", "us", "INC-000000", "INC-",
    "INC-99999999999999999999", "inc-1", "-", "--", "-x", "--nope",
]
# Values that mean something somewhere, so that commands get past their first check.
PLAUSIBLE = [
    "INC-000001", "INC-000002", "INC-000003", "maqsu", "magaya", "acelynk", "catapult",
    "high", "critical", "low", "1", "2", "4", "major", "I", "II", "III", "phone", "email",
    "new", "acknowledged", "in progress", "waiting on customer", "waiting on vendor",
    "resolved", "closed", "answer", "workaround", "all open", "breaching soon", "my open",
    "response", "resolution", "Navigator", "Bug fix", "Asia/Manila", "PH", "US", "ana",
    "2026-12-18T10:00+08:00", "2026-12-19T09:00", "2026-12-30T17:00", "desk", "vendor",
    "Payroll stops", "2h", "30m",
]
# Plausible values twice as often as nasty ones, so that commands also get deep.
values = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(NASTY), st.sampled_from(PLAUSIBLE),
                   st.text(max_size=12))


@dataclass(frozen=True)
class Desk:
    url: str
    folder: Path


def db_values(desk: Desk) -> st.SearchStrategy[str]:
    """--db values that reach no other database than the prepared one: a fresh file would
    be migrated and filled by 'demo' (slow, and not what is fuzzed here)."""
    return st.sampled_from([
        desk.url, str(desk.folder / "desk.sqlite3"), "", " ", str(desk.folder), "/",
        str(desk.folder / "missing" / "desk.sqlite3"), "nope://x",
        "postgresql://%zz", "\x00", os.fsdecode(b"\xff"), "\x1b[2J",
    ])


@st.composite
def command_lines(draw: st.DrawFn, desk: Desk) -> list[str]:
    command = draw(st.sampled_from(COMMANDS))

    def value(option: Option | None = None) -> str:
        return draw(db_values(desk) if option is not None and option.dest == "db"
                    else values)

    argv = ["--db", desk.url]
    for option in GLOBAL_OPTIONS:
        if option.flag != "--help" and draw(st.integers(0, 9)) == 0:
            argv += [option.flag, value(option)] if option.takes_value else [option.flag]
    argv += command.words
    argv += [value() for _ in command.positionals]
    for option in command.options:
        wanted = draw(st.integers(0, 9)) < (9 if option.required else 3)
        if option.flag == "--help":
            wanted = draw(st.integers(0, 49)) == 0
        if not wanted:
            continue
        if not option.takes_value:
            argv.append(option.flag)
        elif draw(st.booleans()):
            argv += [option.flag, value(option)]
        else:  # --option=value: the only way to give a value that starts with '-'
            argv.append(f"{option.flag}={value(option)}")
    if draw(st.integers(0, 19)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(values))  # one word too many
    return argv


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """A small database: an open, a resolved and a paused incident of three vendors."""
    folder = tmp_path_factory.mktemp("fuzz")
    url = sqlite_url(folder / "desk.sqlite3")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
        patch.setattr(incident_cli, "clock", Clock(NOW))
        for argv in (
            ["incident", "add", "--vendor", "maqsu", "--severity", "high", "--title", "A",
             "--at", "2026-12-18T09:00+08:00", "--as", "ana"],
            ["incident", "add", "--vendor", "magaya", "--severity", "2", "--title", "B",
             "--at", "2026-12-18T10:00+08:00", "--as", "bob"],
            ["incident", "resolve", "INC-000002", "--type", "answer",
             "--at", "2026-12-18T11:00+08:00", "--as", "bob"],
            ["incident", "add", "--vendor", "catapult", "--severity", "2", "--title", "C",
             "--at", "2026-12-18T12:00+08:00", "--as", "ana"],
            ["incident", "pause", "INC-000003", "--at", "2026-12-18T12:30+08:00"],
        ):
            assert main(["--db", url, *argv]) == 0
    return Desk(url, folder)


def test_the_command_tree_is_read_from_the_parser() -> None:
    words = {command.words for command in COMMANDS}
    assert {("incident", "update"), ("incident", "list"), ("sla", "due"), ("policy", "show"),
            ("demo",)} <= words
    update = next(c for c in COMMANDS if c.words == ("incident", "update"))
    assert {"--title", "--if-version", "--agreed-due", "--db", "--help"} <= {
        o.flag for o in update.options}
    assert update.positionals == ("key",)


@pytest.mark.timeout(180)
# Derandomized, so that a run in CI tries the same examples as the last one here.
@settings(max_examples=300, deadline=None, print_blob=True, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_whatever_is_typed_only_the_known_error_reaches_the_user(
        data: st.DataObject, prepared: Desk, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(prepared.folder)  # a relative --db or --batch names a file in there
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setattr(engine, "default_database_url", lambda: prepared.url)
    monkeypatch.setattr(incident_cli, "clock", Clock(NOW))
    argv = data.draw(command_lines(prepared), label="argv")
    before = snapshot(prepared.url)
    try:
        code = main(argv)
    except SystemExit as stopped:  # --help
        code = stopped.code if isinstance(stopped.code, int) else 2
        assert code == 0, argv
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    if code == 2:
        assert out == "", (argv, out)
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("deskapp: error: "), (argv, err)
        assert snapshot(prepared.url) == before, ("a refused command wrote", argv)
    else:
        assert err == "" or all(line.startswith("deskapp: warning: ")
                                for line in err.splitlines()), (argv, err)
