"""A throw-away PostgreSQL server for the tests (a pytest plugin: see tests/conftest.py).

The session starts one server from the installed binaries (initdb + postgres, PostgreSQL 15 on
the CI machine) in a temporary directory, listening on 127.0.0.1 on a free port, and stops it
at the end. initdb refuses to run as root, so as root the server runs as the `postgres` system
user (runuser). Without binaries (or as root without a postgres user) the PostgreSQL tests skip
with the reason, unless RECALL_BOT_REQUIRE_POSTGRES=1 (set by .ci/run): then they fail.

Usable without pytest too (bench/store_bench.py): `with PostgresServer.start() as server: ...`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_ENV = "RECALL_BOT_REQUIRE_POSTGRES"

# Server settings for tests and benchmarks. Never a parameter in the log: no statement
# logging, no parameters on errors, terse errors (no "Failing row contains ...").
LOG_SETTINGS = {
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
    "log_error_verbosity": "terse",
}


def find_bindir() -> Path | None:
    """The directory holding initdb and postgres: $PG_BINDIR, PATH, or /usr/lib/postgresql/*."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:  # often a symlink into the versioned folder, which also has pg_isready
        candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    return None


def unavailable_reason() -> str | None:
    """Why a server cannot be started here, or None."""
    if find_bindir() is None:
        return "PostgreSQL binaries (initdb, postgres) not found; set PG_BINDIR or install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and `runuser` is missing"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; `url(db)` is a postgresql:// URL for one of its databases."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    bindir: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql_admin(self, sql: str) -> None:
        """Run one SQL command as the superuser (CREATE/DROP DATABASE)."""
        import asyncio

        import asyncpg

        async def run() -> None:
            conn = await asyncpg.connect(self.url())
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        asyncio.run(run())

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.psql_admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.psql_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    @classmethod
    @contextmanager
    def start(cls, **settings: str) -> Iterator[PostgresServer]:
        """initdb, start, wait until it accepts connections; stop and delete at the end."""
        reason = unavailable_reason()
        if reason is not None:
            raise RuntimeError(reason)
        bindir = find_bindir()
        assert bindir is not None
        root = Path(tempfile.mkdtemp(prefix="recall-bot-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
        data = root / "data"
        subprocess.run(
            [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--no-sync", "--locale=C"],
            check=True, capture_output=True,
        )
        port = free_port()
        options = {"listen_addresses": "127.0.0.1", "port": str(port),
                   "unix_socket_directories": str(root), "max_connections": "200",
                   "logging_collector": "off", **LOG_SETTINGS, **settings}
        args = [arg for name, value in options.items() for arg in ("-c", f"{name}={value}")]
        log = open(root / "server.log", "ab")  # noqa: SIM115 (closed below)
        if as_user:
            shutil.chown(root / "server.log", "postgres", "postgres")
        process = subprocess.Popen([*as_user, str(bindir / "postgres"), "-D", str(data), *args],
                                   stdout=log, stderr=log)
        server = cls(root, port, process, bindir, as_user)
        try:
            server._wait_ready()
            yield server
        finally:
            server._stop()
            log.close()
            shutil.rmtree(root, ignore_errors=True)

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log_file.read_text()[-2000:]}")
            if self._accepts_connections():
                return
            time.sleep(0.1)
        raise RuntimeError("postgres did not accept connections in time")

    def _accepts_connections(self) -> bool:
        import asyncio

        import asyncpg

        async def probe() -> bool:
            try:
                conn = await asyncpg.connect(self.url(), timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                return False
            await conn.close()
            return True

        return asyncio.run(probe())

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: "smart" shutdown would wait; postgres -> fast
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _skip_or_fail(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but PostgreSQL cannot run: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One server for the whole test session (fsync off: the tests kill processes, not disks)."""
    reason = unavailable_reason()
    if reason is not None:
        _skip_or_fail(reason)
    with PostgresServer.start(fsync="off", full_page_writes="off") as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database for one test; dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
