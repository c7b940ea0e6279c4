"""The office's zone and country: the default for times without an offset and for client sites."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources

from deskapp.core.agreement_file import is_known_country, is_known_zone
from deskapp.core.errors import InputError
from deskapp.core.sla import Site

ZONE_VARIABLE = "DESKAPP_OFFICE_TZ"
COUNTRY_VARIABLE = "DESKAPP_OFFICE_COUNTRY"


class OfficeSettingError(InputError):
    """An office zone or country that deskapp cannot use."""


@dataclass(frozen=True)
class Office:
    zone: str
    country: str | None

    @property
    def site(self) -> Site:
        return Site(self.zone, self.country)


@cache
def _zone_countries() -> dict[str, str]:
    """Zone name to ISO country code, from the tz database's zone.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            found[fields[2]] = fields[0]
    return found


def country_of_zone(zone: str) -> str | None:
    country = _zone_countries().get(zone)
    return country if country and is_known_country(country) else None


def machine_office(zone: str | None = None, country: str | None = None) -> Office:
    """The office from explicit values, else the environment, else the machine's zone."""
    zone = zone or os.environ.get(ZONE_VARIABLE)
    if not zone:
        # Asked only when nothing names the zone: importing tzlocal alone costs a one-shot
        # command 25 ms of its 0.3 s.
        import tzlocal

        zone = tzlocal.get_localzone_name() or "UTC"
    if not is_known_zone(zone):
        raise OfficeSettingError(
            f"office time zone {zone!r} is unknown; expected an IANA name such as Europe/Paris"
        )
    country = country or os.environ.get(COUNTRY_VARIABLE) or country_of_zone(zone)
    if country is not None and not is_known_country(country):
        raise OfficeSettingError(
            f"office country {country!r} is unknown; expected an ISO code such as US"
        )
    return Office(zone, country)
