"""How the window words times of day; core.wording has the rest (time left included)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.wording import zone_label


def time_of_day_label(moment: datetime, zone: ZoneInfo, *, weekday: bool = False) -> str:
    """``20:00 EST`` or ``Mon 07:00 +08``."""
    local = moment.astimezone(zone)
    return f"{local:%a %H:%M} {zone_label(moment, zone)}" if weekday \
        else f"{local:%H:%M} {zone_label(moment, zone)}"
