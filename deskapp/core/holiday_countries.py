"""The holidays package's countries, each imported alone when first asked for.

Asking the package for one country runs ``holidays/countries/__init__.py``, which imports
all 250 of its countries: for the Philippines and the United States that is 589 million
instructions, against 327 million when only those two are imported (valgrind, a new
process each); a quarter of an ``incident show``, which has 0.3 s. Each country's module
imports what it needs by its full name (its siblings included), so the countries package
can be an empty package over the same folder: the package's own loader (what
``country_holidays`` calls) then imports just the country asked for.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import holidays

_COUNTRIES = "holidays.countries"


def _one_at_a_time() -> None:
    """Give the countries package without its imports, unless it is already imported."""
    if _COUNTRIES in sys.modules:
        return
    package = ModuleType(_COUNTRIES, "The holidays package's countries, imported one by one.")
    package.__path__ = [str(Path(holidays.__file__).parent / "countries")]
    sys.modules.setdefault(_COUNTRIES, package)


_one_at_a_time()


def country_holidays(country: str, **options: Any) -> Any:
    """The holidays package's ``country_holidays`` (NotImplementedError for a country it
    does not know), importing only that country."""
    return holidays.country_holidays(country, **options)
