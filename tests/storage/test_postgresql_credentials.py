"""A PostgreSQL password that is missing or wrong: the message says where deskapp expects
it (never in the URL it would show), and never shows one given."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from deskapp.app.desk import Desk
from deskapp.storage.engine import database_url
from deskapp.storage.errors import Problem, translate


@pytest.mark.parametrize("said", [
    "fe_sendauth: no password supplied",
    'FATAL:  password authentication failed for user "desk"',
])
def test_a_missing_or_wrong_password_says_where_it_goes(said: str) -> None:
    import psycopg

    failure = psycopg.OperationalError(
        f'connection failed: connection to server at "10.0.0.9", port 5432 failed: {said}')
    error = translate(failure, "postgresql+psycopg://desk:s3cret@10.0.0.9/desk")
    assert error is not None
    assert error.problem is Problem.CANNOT_CONNECT
    message = str(error)
    assert message.startswith("cannot connect to the PostgreSQL database desk on "
                              "10.0.0.9:5432 as desk: ")
    assert said in message
    assert message.endswith("; give the password in ~/.pgpass (on Windows "
                            "%APPDATA%\\postgresql\\pgpass.conf), a service file "
                            "(postgresql:///?service=NAME) or PGPASSWORD; "
                            "see docs/postgresql.md")
    assert "s3cret" not in message


@pytest.mark.slow
def test_a_service_file_names_the_server(pg_url: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = make_url(pg_url)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[office]\nhost={server.host}\nport={server.port}\n"
                        f"user={server.username}\ndbname={server.database}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    desk = Desk.open(database_url("postgresql:///?service=office"))
    try:
        assert "service=office" in desk.database_name
        assert desk.database.describe() == "the PostgreSQL service office"
        assert desk.agreements()
    finally:
        desk.shutdown()
