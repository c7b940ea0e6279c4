"""Due times an incident being logged would get: what the new-incident dialog previews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskapp.app.sla import SlaService
from deskapp.core.agreement import Agreement, ClockStart
from deskapp.core.sla import DueTime, due_time

WAITS_FOR_DOCUMENTATION = "starts when documentation is complete"
AGREED_PER_INCIDENT = "agreed per incident"


@dataclass(frozen=True)
class PreviewLine:
    """One target of the severity: its due time, or why it has none yet."""

    metric: str
    name: str  # the metric's name in the agreement
    target: str  # the target as the agreement states it
    due: DueTime | None
    note: str = ""  # why ``due`` is None


def preview_due_times(sla: SlaService, agreement: Agreement, severity: str, start: datetime,
                      *, site_zone: str | None = None, site_country: str | None = None,
                      documented: datetime | None = None) -> list[PreviewLine]:
    """The due time of each of ``severity``'s targets for clocks started at ``start`` (the
    reported-at time; ``documented`` for clocks that wait for the documentation), in the
    calendars of the client site (the office's where a part is left out).

    An unknown site zone or country is refused with an InputError, as logging refuses it.
    """
    site = sla.site(site_zone or None, site_country or None)
    key = agreement.severity(severity).key
    lines = []
    for target in agreement.targets_for(key):
        metric = agreement.metric(target.metric)
        begins: datetime | None = start
        if metric.clock_start is ClockStart.DOCUMENTATION_COMPLETE:
            begins = documented
        if begins is None:
            lines.append(PreviewLine(target.metric, metric.name, target.describe(), None,
                                     WAITS_FOR_DOCUMENTATION))
        elif target.amount is None:
            lines.append(PreviewLine(target.metric, metric.name, target.describe(), None,
                                     AGREED_PER_INCIDENT))
        else:
            due = due_time(agreement, target.metric, key, begins, site, sla.book)
            lines.append(PreviewLine(target.metric, metric.name, target.describe(), due))
    return lines
