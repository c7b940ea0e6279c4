"""PostgreSQL for tests: $DESKAPP_TEST_PG_URL, or a throwaway cluster started for the session.

Fixtures (register this module as a plugin: ``pytest_plugins = ["tests.pg"]``):

- ``pg_server_url`` (session): URL of a database ``deskapp_test`` on a running server.
- ``pg_url``: URL of a fresh, empty database for one test, dropped afterwards.
- ``any_database_url`` (parametrized ``sqlite``/``postgresql``): an empty SQLite file or
  ``pg_url``; PostgreSQL is only started when a test actually uses it, and its cases are
  marked ``slow`` (``-m "not slow"`` leaves them out).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

PG_URL_ENV = "DESKAPP_TEST_PG_URL"
TEST_DATABASE = "deskapp_test"
MISSING_BINARIES = (
    "PostgreSQL server programs (initdb, pg_ctl) were not found on PATH or in "
    "/usr/lib/postgresql/*/bin. Install them with scripts/system-deps.sh (Debian package "
    f"'postgresql'), or point {PG_URL_ENV} at a server where the user may create databases."
)


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, else the newest Debian install."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent

    def major(folder: str) -> float:
        name = Path(folder).parent.name
        return float(name) if name.replace(".", "", 1).isdigit() else 0.0

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A PostgreSQL cluster in a temporary folder, trusting local connections."""

    bin_dir: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str) -> str:
        return URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1",
                          port=self.port, database=database).render_as_string()

    def _run(self, program: str, *args: str) -> None:
        command = [*self.run_as, str(self.bin_dir / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                cwd=self.root, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{log}",
                        pytrace=False)

    @classmethod
    def start(cls) -> Cluster:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            pytest.fail(MISSING_BINARIES, pytrace=False)
        root = Path(tempfile.mkdtemp(prefix="deskapp-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root; Debian's postgresql package creates this user.
            if shutil.which("runuser") is None or _uid("postgres") is None:
                shutil.rmtree(root, ignore_errors=True)
                pytest.fail("running as root, the test cluster needs the 'postgres' system user "
                            "and runuser (install Debian's 'postgresql' package)", pytrace=False)
            shutil.chown(root, user="postgres", group=None)
            run_as = ["runuser", "-u", "postgres", "--"]
        cluster = cls(bin_dir, root, free_port(), run_as)
        try:
            cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
            options = (f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {root} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=50 -c shared_buffers=32MB")
            cluster._run("pg_ctl", "-D", str(cluster.data), "-l", str(cluster.log),
                         "-o", options, "-w", "-t", "60", "start")
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
                            "-m", "immediate", "-w", "stop"],
                           capture_output=True, check=False, cwd=self.root, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def _uid(user: str) -> int | None:
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


def _admin(url: str):  # type: ignore[no-untyped-def]
    """A psycopg connection in autocommit mode, for CREATE/DROP DATABASE."""
    import psycopg

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1", port=parsed.port or 5432, user=parsed.username,
        password=parsed.password, dbname=parsed.database or "postgres", autocommit=True,
        connect_timeout=10)


def create_database(server_url: str, name: str) -> str:
    from psycopg import sql

    with _admin(server_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    from psycopg import sql

    with _admin(server_url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database on a PostgreSQL server for this session (FAILS if none can be had)."""
    given = os.environ.get(PG_URL_ENV, "").strip()
    if given:
        from deskapp.storage.engine import normalize_url

        yield normalize_url(given)
        return
    cluster = Cluster.start()
    try:
        yield create_database(cluster.url("postgres"), TEST_DATABASE)
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A new empty database for one test; dropped (connections and all) afterwards."""
    name = f"deskapp_t_{uuid.uuid4().hex[:12]}"
    url = create_database(pg_server_url, name)
    try:
        yield url
    finally:
        drop_database(pg_server_url, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test runs twice: on an empty SQLite file and on an empty PostgreSQL database."""
    if request.param == "sqlite":
        from deskapp.storage.engine import sqlite_url

        return sqlite_url(tmp_path / "deskapp.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    return url
