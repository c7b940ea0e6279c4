"""The command line's --db: a URL it cannot use is one message, without its password."""

from __future__ import annotations

import pytest

from tests.cli.support import run


def test_a_port_that_is_not_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "incident", "list", "--db", "postgresql://u:s3cret@h:abc/db")
    assert code == 2
    assert out == ""
    assert err == ("deskapp: error: the port in 'postgresql://u:***@h:abc/db' is not a "
                   "number; expected a URL such as postgresql://user@host:5432/database\n")


def test_a_url_that_cannot_be_read_hides_its_password(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "incident", "list", "--db", "postgres ql://u:s3cret@h/db")
    assert code == 2
    assert err == "deskapp: error: not a database URL or file path: 'postgres ql://u:***@h/db'\n"
    assert "s3cret" not in err
    assert "Traceback" not in err
