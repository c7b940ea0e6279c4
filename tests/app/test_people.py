"""People are known by name without regard to case: "Ana" is ana."""

from __future__ import annotations

import pytest

from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from tests.app.support import draft


def test_a_name_typed_in_another_case_is_the_known_person(desk: Desk) -> None:
    key = desk.log(draft(assignee="ana"), author="ben").incident.key
    with pytest.raises(InputError, match=f"{key} is already assigned to ana"):
        desk.assign(key, "Ana", author="ben")
    written = desk.comment(key, "Called back", author="BEN").incident
    assert written.events[-1].author == "ben"
    assert desk.assign(key, "Chen", author="ben").incident.assignee == "Chen"
    with pytest.raises(InputError, match=f"{key} is already assigned to Chen"):
        desk.assign(key, "chen ", author="Ben")
    other = desk.log(draft(assignee="CHEN"), author="Ben").incident
    assert (other.assignee, other.events[0].author) == ("Chen", "ben")
    assert desk.users() == ["Chen", "ana", "ben"]
