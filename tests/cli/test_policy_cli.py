"""`deskapp policy`: the shipped agreements as readable tables."""

from __future__ import annotations

import pytest

from tests.cli.support import run


def test_list_shows_the_four_vendors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "policy", "list")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["VENDOR", "NAME", "VERSION", "SEVERITIES", "METRICS", "CALENDARS"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[0] for line in lines[2:]] == ["acelynk", "catapult", "magaya", "maqsu"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert "critical, major, minor" in rows["acelynk"]
    assert "response, workaround, resolution" in rows["catapult"]
    assert "catapult-site, catapult-tier3" in rows["catapult"]
    assert "1, 2, 3, 4" in rows["magaya"]
    assert "critical, high, medium, low" in rows["maqsu"]


def test_list_columns_line_up(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "policy", "list")
    lines = out.splitlines()
    column = lines[0].index("METRICS")
    for line in lines[2:]:
        assert line[column - 2:column] == "  "
        assert line[column] != " "


def test_show_magaya_gives_hours_and_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "policy", "show", "magaya")

    assert (code, err) == (0, "")
    assert out.startswith("Magaya (magaya), agreement version ")
    calendar = next(line for line in out.splitlines() if line.startswith("magaya "))
    assert calendar.split("  ")[0] == "magaya"
    assert "America/New_York" in calendar
    assert "Mon-Fri 07:00-20:00; Sat 08:00-12:00" in calendar
    assert "US public holidays, limited" in calendar
    targets = out.split("\nTargets\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert targets[0].split() == ["METRIC", "SEVERITY", "TARGET", "CALENDAR", "PAUSABLE",
                                  "WARNING", "AFTER"]
    body = [" ".join(line.split()) for line in targets[2:]]
    # In plain English: one hour, one day.
    assert "Response 1 1 business hour magaya no 0.75 business hours" in body
    assert "Response 3 1 business day magaya no 0.75 business days" in body
    assert "Resolution 1 2 business days magaya yes 1 business day" in body
    assert "Resolution 3 60 business days magaya yes 45 business days" in body
    assert "Resolution 4 due date agreed per incident magaya yes -" in body
    assert len(body) == 8


def test_show_catapult_site_calendar_follows_the_site(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "policy", "show", "catapult")

    assert (code, err) == (0, "")
    assert "client site's public holidays, closed" in out
    assert "America/Chicago" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["policy", "show", "nope"], "unknown vendor 'nope'"),
        (["policy", "show"], "required: V"),
        (["policy"], "required: ACTION"),
        (["policy", "delete"], "invalid choice: 'delete'"),
        (["policy", "list", "--all"], "unrecognized arguments: --all"),
    ],
)
def test_policy_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("deskapp: error: ")
    assert fragment in lines[0]
