"""Each country of the holidays package imported alone has the same holidays as when the
package imports all of them, and only the countries asked for are imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every country's holidays of two years, as JSON: {code: [[date, name], ...]}.
EVERY_COUNTRY = """
import json, sys
from holidays.registry import COUNTRIES
{setup}
found = {{}}
for module, (_, code, *_) in COUNTRIES.items():
    days = country_holidays(code, years=(2026, 2027))
    found[code] = sorted((day.isoformat(), name) for day, name in days.items())
print(json.dumps(found))
"""


def _every_country(setup: str) -> dict[str, list[list[str]]]:
    done = subprocess.run([sys.executable, "-c", EVERY_COUNTRY.format(setup=setup)],
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    found: dict[str, list[list[str]]] = json.loads(done.stdout)
    return found


def test_each_country_alone_has_the_package_s_holidays() -> None:
    alone = _every_country("from deskapp.core.holiday_countries import country_holidays")
    package = _every_country("import holidays.countries\n"
                             "from holidays import country_holidays")
    assert len(alone) > 200
    assert alone == package
    assert alone["PH"] and alone["US"]


def test_only_the_countries_asked_for_are_imported() -> None:
    program = ("import sys\n"
               "from deskapp.core.holiday_countries import country_holidays\n"
               "country_holidays('PH', years=2026); country_holidays('US', years=2026)\n"
               "print(sorted(m for m in sys.modules if m.startswith('holidays.countries.')))")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60)
    assert done.stdout.strip() == "['holidays.countries.philippines', " \
        "'holidays.countries.united_states']"
