"""docs/agreements.md: its example agreement validates, and each shipped agreement's
readings are listed under its own heading."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from deskapp.app.sla import shipped_agreements
from deskapp.core.agreement_check import check_agreement
from deskapp.core.agreement_file import parse_agreement
from deskapp.core.agreement_toml import write_agreement

DOC = Path(__file__).resolve().parents[2] / "docs" / "agreements.md"


def example() -> str:
    [text] = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return text


def test_the_example_in_the_documentation_validates_without_findings() -> None:
    checked = check_agreement(example(), "acme.toml", date(2026, 12, 3))
    assert checked.ok and checked.findings == (), [str(f) for f in checked.findings]
    agreement = checked.agreement
    assert agreement is not None and agreement.vendor == "acme"
    assert parse_agreement(write_agreement(agreement), "exported.toml") == agreement


def test_each_shipped_agreement_has_its_readings_marked() -> None:
    text = DOC.read_text(encoding="utf-8")
    for vendor, agreement in shipped_agreements().items():
        heading = f"### {agreement.name} (`{vendor}`)"
        assert heading in text
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        assert "**Reading:**" in section
