"""The SLA questions the desk answers: due times, time left and explanations."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Target
from deskapp.core.agreement_file import (
    AgreementError,
    is_known_country,
    is_known_zone,
    parse_agreement,
)
from deskapp.core.agreement_folder import AgreementFolder, read_agreements
from deskapp.core.agreement_versions import current_flags, shipped_stored
from deskapp.core.calendar import Calendar
from deskapp.core.errors import InputError
from deskapp.core.sla import (
    CalendarBook,
    DueTime,
    Site,
    add_target_time,
    due_from,
    timed_target,
)
from deskapp.office import Office
from deskapp.paths import policies_dir
from deskapp.storage.agreement_texts import sqlite_file, stored_versions


@dataclass(frozen=True)
class DueQuery:
    vendor: str
    severity: str
    metric: str
    start: datetime
    site: Site


class AgreementWarning(UserWarning):
    """A shipped agreement file that cannot be used; the other vendors' agreements are."""


def shipped_folder() -> AgreementFolder:
    """The agreements that ship in ``resources/policies`` and the files that cannot be used,
    each told as an ``AgreementWarning``."""
    folder = read_agreements(policies_dir())
    for vendor, problem in folder.unusable.items():
        warnings.warn(AgreementWarning(
            f"{problem}; {vendor}'s shipped agreement is left out until the file is fixed"),
            stacklevel=2)
    return folder


def shipped_agreements() -> dict[str, Agreement]:
    """The usable agreements that ship in ``resources/policies``, by vendor key."""
    return shipped_folder().agreements


def shipped_texts() -> dict[str, str]:
    """The text of every agreement file deskapp ships, by file name, unparsed (a start
    compares their digests with the stored ones); a folder without any is an error."""
    folder = policies_dir()
    texts = {path.name: path.read_text(encoding="utf-8")
             for path in sorted(folder.glob("*.toml"))}
    if not texts:
        read_agreements(folder)  # says what is wrong with the folder
    return texts


def database_service(db: str | None, office: Office, now: datetime) -> SlaService:
    """The SLA questions over the database's agreements in force at ``now`` (imported
    vendors included), as the command line names the database (``db``, else $DESKAPP_DB,
    else the user's file).

    An SQLite file whose shipped agreements are stored is read with Python's own driver; any
    other database, or one that needs a write (new, older schema, a newer shipped text),
    opens as the desk does.
    """
    path = sqlite_file(db)
    stored = stored_versions(path) if path is not None else None
    versions = [version for version, _ in stored or ()]
    if stored is not None and shipped_stored(versions, shipped_texts().values()):
        in_force_now = current_flags(versions, now)
        return SlaService({version.vendor: parse_agreement(
            source, f"{version.vendor} version {version.number}")
            for version, source in stored if in_force_now[version.id]}, office)
    # The usual way: migrating, storing, SQLAlchemy.
    from deskapp.app.desk import Desk
    from deskapp.app.locations import database_url

    desk = Desk.open(database_url(db), office=office, clock=lambda: now)
    try:
        return SlaService(desk.agreements(), office, unusable=desk.shipped_problems)
    finally:
        desk.shutdown()



def agreement_for(agreements: dict[str, Agreement], vendor: str,
                  unusable: Mapping[str, AgreementError] | None = None) -> Agreement:
    found = agreements.get(vendor)
    if found is None:
        problem = (unusable or {}).get(vendor)
        if problem is not None:
            raise InputError(f"{vendor}'s agreement cannot be used: {problem}; fix the file "
                             "or restore the one deskapp ships")
        known = ", ".join(sorted(agreements))
        raise InputError(f"unknown vendor {vendor!r}; expected one of: {known}")
    return found


class SlaService:
    """Agreements, the office and one shared set of calendars."""

    def __init__(self, agreements: dict[str, Agreement], office: Office,
                 book: CalendarBook | None = None, *,
                 unusable: Mapping[str, AgreementError] | None = None) -> None:
        self.agreements = agreements
        self.unusable = dict(unusable or {})
        self.office = office
        self.office_zone = ZoneInfo(office.zone)
        self.book = book or CalendarBook()
        self._sites: dict[tuple[str | None, str | None], Site] = {}
        # Resolved once per vendor, severity, metric and site: batches repeat them.
        self._targets: dict[tuple[str, str, str, str, str | None],
                            tuple[Agreement, Target, Calendar]] = {}

    @classmethod
    def shipped(cls, office: Office) -> SlaService:
        folder = shipped_folder()
        return cls(folder.agreements, office, unusable=folder.unusable)

    def agreement(self, vendor: str) -> Agreement:
        return agreement_for(self.agreements, vendor, self.unusable)

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
        return self.due_for(query.vendor, query.severity, query.metric, query.start, query.site)

    def due_for(self, vendor: str, severity: str, metric: str, start: datetime, site: Site
                ) -> DueTime:
        return due_from(*self._target(vendor, severity, metric, site), start)

    def local_due(self, vendor: str, severity: str, metric: str, start: datetime, site: Site
                  ) -> datetime:
        """Only the due instant, in its calendar's zone: a row of a batch needs no more."""
        _, target, calendar = self._target(vendor, severity, metric, site)
        assert target.amount is not None  # timed_target gives only targets with an amount
        return add_target_time(target, calendar, start, target.amount).astimezone(calendar.zone)

    def _target(self, vendor: str, severity: str, metric: str, site: Site
                ) -> tuple[Agreement, Target, Calendar]:
        key = (vendor, severity, metric, site.zone, site.country)
        found = self._targets.get(key)
        if found is None:
            agreement = self.agreement(vendor)
            target, calendar = timed_target(agreement, metric, severity, site, self.book)
            found = self._targets[key] = (agreement, target, calendar)
        return found
