"""What the agreement suggests while an incident is logged; hints never stop the logging."""

from __future__ import annotations

import pytest

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from tests.app.support import at, draft

REPORTED = "2027-02-26T10:00-05:00"


@pytest.mark.parametrize(("logged", "hints"), [
    (draft("magaya", "1", channel="email"),
     ["Magaya wants severity 1 reported by phone", "Call the vendor: Magaya Support"]),
    (draft("magaya", "2", channel="phone"), ["Call the vendor: Magaya Support"]),
    (draft("magaya", "3", channel="pageone"), []),
    (draft("catapult", "1", channel="email"), []),
    (draft("acelynk", "major", filing_deadline=at("2027-02-27T01:00+09:00")),
     # 01:00 in Tokyo is 11:00 the day before in New York: one hour after the report.
     ["A filing deadline within 24 hours suggests critical"]),
    (draft("acelynk", "critical", filing_deadline=at("2027-03-01T10:00-05:00")),
     ["A filing deadline more than 24 hours away is not critical"]),
    (draft("acelynk", "critical", channel="email", filing_deadline=at("2027-02-27T09:00Z")),
     ["ACELYNK wants severity critical reported by portal"]),
    (draft("maqsu", "low", category="data entry"),
     ["'data entry' is out of scope for MAQSU's support"]),
    (draft("maqsu", "low", category="Bug fix"), []),
], ids=lambda value: getattr(value, "vendor", None) and f"{value.vendor}-{value.severity}")
def test_intake_hints(sqlite_desk: Desk, logged: IncidentDraft, hints: list[str]) -> None:
    changed = sqlite_desk.log(logged, author="ana", at=at(REPORTED))
    assert list(changed.hints) == hints
    assert changed.incident.key == "INC-000001"  # logged all the same
