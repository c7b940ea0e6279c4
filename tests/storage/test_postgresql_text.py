"""SQLite and PostgreSQL take the same text: a NUL character (which PostgreSQL cannot
store) or an over-long title is refused by the desk with one message on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import ResolutionType
from deskapp.core.workflow import Comment, EditFields
from tests.app.support import draft, open_desk, snapshot, start_clock


@pytest.fixture
def desk(any_database_url: str) -> Iterator[Desk]:
    opened = open_desk(any_database_url, start_clock())
    try:
        yield opened
    finally:
        opened.shutdown()


def test_a_nul_in_a_title_is_refused_on_both(desk: Desk) -> None:
    desk.log(draft(), author="ana")
    before = snapshot(desk)
    with pytest.raises(InputError, match=r"^the title contains a NUL character"):
        desk.log(draft(title="Orders\x00 will not save"), author="ana")
    with pytest.raises(InputError, match=r"^the description contains a NUL character"):
        desk.log(draft(description="trace:\x00"), author="ana")
    assert snapshot(desk) == before


def test_a_nul_in_a_comment_or_an_edit_is_refused_on_both(desk: Desk) -> None:
    key = desk.log(draft(), author="ana").incident.key
    before = snapshot(desk, key)
    with pytest.raises(InputError, match=r"^the text contains a NUL character"):
        desk.comment(key, "see\x00log", author="ana")
    with pytest.raises(InputError, match=r"^the title contains a NUL character"):
        desk.update_fields(key, title="Renamed\x00", author="ana")
    with pytest.raises(InputError, match=r"^the contact contains a control character"):
        desk.apply(key, [Comment("fine"), EditFields({"contact": "ana\x07"})], author="ana")
    with pytest.raises(InputError, match=r"^the text contains a NUL character"):
        desk.resolve(key, ResolutionType.ANSWER, "done\x00", author="ana")
    assert snapshot(desk, key) == before


def test_a_long_title_is_refused_and_a_tab_in_one_is_a_space(desk: Desk) -> None:
    with pytest.raises(InputError, match=r"^the title is 1,000,000 characters long"):
        desk.log(draft(title="x" * 1_000_000), author="ana")
    key = desk.log(draft(title="Orders\twill not save"), author="ana").incident.key
    assert desk.show(key).title == "Orders will not save"
