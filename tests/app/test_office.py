"""The client site is kept with each incident, so the office setting never shifts its clocks."""

from __future__ import annotations

from sqlalchemy import update

from deskapp.app.desk import Desk
from deskapp.storage.models import Incident
from tests.app.support import Clock, at, clock_of, draft, open_desk


def test_changing_the_office_leaves_logged_incidents_alone(desk: Desk, clock: Clock,
                                                           any_database_url: str) -> None:
    # Catapult sev 2 step 1 (4 business hours, site calendar Mon-Fri 08:00-17:00), logged and
    # documented Mon Dec 7 2026 10:00 New York without a site: the office's, kept. Due 14:00.
    clock.set("2026-12-07T10:00-05:00")
    documented = draft("catapult", "2", documentation_complete_at=at("2026-12-07T10:00-05:00"))
    kept = desk.log(documented, author="ana").incident.key
    assert clock_of(desk.show(kept).clocks, "response").due == at("2026-12-07T14:00-05:00")
    # An incident stored without a site (as older versions did) follows the office.
    legacy = desk.log(documented, author="ana").incident.key
    with desk.database.sessions.begin() as session:
        session.execute(update(Incident).where(Incident.number == 2)
                        .values(site_zone=None, site_country=None))
    desk.set_office("Asia/Manila", "PH")
    # The kept site still counts New York hours; the legacy one now counts Manila hours
    # and PH holidays (Mon 23:00 Manila: closed; Tue Dec 8, Immaculate Conception, a PH
    # holiday: closed; Wed 08:00 + 4h = Wed 12:00 Manila), and its cache agrees.
    assert clock_of(desk.show(kept).clocks, "response").due == at("2026-12-07T14:00-05:00")
    assert clock_of(desk.show(legacy).clocks, "response").due == at("2026-12-09T12:00+08:00")
    for key in (kept, legacy):
        assert desk.cached_clocks(key) == desk.fresh_clocks(key)
    # Another workstation in another office reads the kept incident the same way.
    other = Desk.open(any_database_url, clock=clock)
    try:
        assert other.office.zone == "Asia/Manila"  # the stored setting
        assert other.fresh_clocks(kept) == desk.cached_clocks(kept)
    finally:
        other.shutdown()
    second = open_desk(any_database_url, clock)  # told New York explicitly
    try:
        assert second.fresh_clocks(kept) == desk.cached_clocks(kept)
    finally:
        second.shutdown()


def test_an_incident_has_no_clocks_before_it_was_reported(desk: Desk, clock: Clock) -> None:
    key = desk.log(draft(), author="ana", at=at("2027-02-26T10:00+08:00")).incident.key
    assert desk.show(key, at("2027-02-26T09:59+08:00")).clocks == ()
    assert len(desk.show(key, at("2027-02-26T10:00+08:00")).clocks) == 2
