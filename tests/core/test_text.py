"""Text people type into an incident: no NUL or control characters, sensible lengths."""

from __future__ import annotations

import pytest

from deskapp.core.errors import InputError
from deskapp.core.text import (
    NAME,
    TEXT,
    TITLE,
    clean_text,
    has_password,
    shown_url,
    without_password,
)
from deskapp.core.workflow import check_text


def test_a_nul_character_is_refused_in_every_kind_of_text() -> None:
    for name in ("title", "name", "contact", "text", "description"):
        with pytest.raises(InputError, match=rf"^the {name} contains a NUL character"):
            clean_text(name, "Orders\x00 will not save")


@pytest.mark.parametrize("character", ["\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_other_control_characters_are_refused(character: str) -> None:
    with pytest.raises(InputError, match=r"^the text contains a control character \(U\+00"):
        clean_text("text", f"see{character}log")
    with pytest.raises(InputError, match=r"^the title contains a control character"):
        clean_text("title", f"see{character}log")


def test_a_title_is_one_line() -> None:
    assert clean_text("title", "  Orders\twill\r\nnot\nsave ") == "Orders will  not save"


def test_a_text_keeps_its_lines_and_tabs() -> None:
    assert clean_text("text", "Steps:\r\n\t1. open\n\t2. save\n") == "Steps:\n\t1. open\n\t2. save"


def test_unicode_text_is_ordinary_text() -> None:
    assert clean_text("name", "Zoë Ångström\u200d") == "Zoë Ångström\u200d"


@pytest.mark.parametrize(("name", "kind", "limit"), [
    ("title", TITLE, 200), ("name", NAME, 100), ("text", TEXT, 20_000)])
def test_lengths_are_limited(name: str, kind: object, limit: int) -> None:
    assert clean_text(name, "x" * limit) == "x" * limit
    with pytest.raises(InputError, match=rf"^the {name} is {limit + 1:,} characters long; "
                                         rf"at most {limit:,} are allowed"):
        clean_text(name, "x" * (limit + 1))


def test_a_megabyte_title_is_refused() -> None:
    with pytest.raises(InputError, match="at most 200"):
        check_text("title", "x" * 1_000_000)


def test_check_text_still_refuses_empty_text() -> None:
    with pytest.raises(InputError, match=r"^a comment needs its text$"):
        check_text("text", " \t\n", "a comment needs its text")
    assert check_text("reason", "  customer asked \n") == "customer asked"


@pytest.mark.parametrize(("url", "shown", "kept"), [
    ("postgresql://desk:s3cret@db:5432/desk", "postgresql://desk:***@db:5432/desk",
     "postgresql://desk@db:5432/desk"),
    ("postgresql://desk:p@ss@db/desk?sslmode=require", "postgresql://desk:***@db/desk?sslmode=require",
     "postgresql://desk@db/desk?sslmode=require"),
    ("postgresql://desk@db/desk?x=a:b@c", "postgresql://desk@db/desk?x=a:b@c",
     "postgresql://desk@db/desk?x=a:b@c"),
    ("postgresql:///?service=office", "postgresql:///?service=office",
     "postgresql:///?service=office"),
    ("/home/ana/desk:1@x.sqlite3", "/home/ana/desk:1@x.sqlite3", "/home/ana/desk:1@x.sqlite3"),
])
def test_a_url_is_shown_and_kept_without_its_password(url: str, shown: str, kept: str) -> None:
    assert shown_url(url) == shown
    assert without_password(url) == kept
    assert has_password(url) is (url != kept)
