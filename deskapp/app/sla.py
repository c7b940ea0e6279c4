"""The SLA questions the desk answers: due times, time left and explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import is_known_country, is_known_zone, load_agreements
from deskapp.core.errors import InputError
from deskapp.core.sla import CalendarBook, DueTime, Site, due_time
from deskapp.office import Office
from deskapp.paths import policies_dir


@dataclass(frozen=True)
class DueQuery:
    vendor: str
    severity: str
    metric: str
    start: datetime
    site: Site


class SlaService:
    """Agreements, the office and one shared set of calendars."""

    def __init__(self, agreements: dict[str, Agreement], office: Office,
                 book: CalendarBook | None = None) -> None:
        self.agreements = agreements
        self.office = office
        self.office_zone = ZoneInfo(office.zone)
        self.book = book or CalendarBook()
        self._sites: dict[tuple[str | None, str | None], Site] = {}

    @classmethod
    def shipped(cls, office: Office) -> SlaService:
        """Over the agreements that ship in ``resources/policies``."""
        return cls(load_agreements(policies_dir()), office)

    def agreement(self, vendor: str) -> Agreement:
        found = self.agreements.get(vendor)
        if found is None:
            known = ", ".join(sorted(self.agreements))
            raise InputError(f"unknown vendor {vendor!r}; expected one of: {known}")
        return found

    def site(self, zone: str | None = None, country: str | None = None) -> Site:
        """The client site; either part left out is the office's."""
        key = (zone or None, country or None)
        found = self._sites.get(key)
        if found is None:
            if zone and not is_known_zone(zone):
                raise InputError(
                    f"unknown site time zone {zone!r}; expected an IANA name such as Asia/Manila"
                )
            if country and not is_known_country(country):
                raise InputError(
                    f"unknown site country {country!r}; expected an ISO code such as PH"
                )
            found = Site(zone or self.office.zone, country or self.office.country)
            self._sites[key] = found
        return found

    def due(self, query: DueQuery) -> DueTime:
        return due_time(self.agreement(query.vendor), query.metric, query.severity,
                        query.start, query.site, self.book)
