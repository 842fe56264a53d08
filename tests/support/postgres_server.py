"""A real PostgreSQL server on 127.0.0.1 with a temporary data directory (Debian's ``postgresql`` package).

``initdb`` and ``pg_ctl`` come from ``PATH``, ``/usr/local/bin`` or ``/usr/lib/postgresql/*/bin``.
PostgreSQL refuses to run as root: as root, the data directory is given to the ``postgres`` user
(created by the Debian package) and the server runs as that user through ``runuser``.
``kill9`` kills the postmaster and its backends (SIGKILL, no shutdown checkpoint) and ``start``
brings the same data directory back up: crash recovery replays the WAL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from .ports import free_port, wait_for_port

SEARCH = ("/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))


def find_binary(name: str) -> str | None:
    for folder in (None, *SEARCH):
        found = shutil.which(name, path=folder)
        if found:
            return found
    return None


class PostgresServer:
    def __init__(self, port: int | None = None) -> None:
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise RuntimeError("PostgreSQL is not installed: run scripts/bootstrap.sh as root (apt: postgresql)")
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="adserve-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.dsn = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            if os.geteuid() == 0:
                shutil.chown(self.root, self.user)
            self._run(
                self.initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-instructions"
            )
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} -c max_connections=300 -c fsync=on"
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        wait_for_port(self.port)
        return self

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill9(self) -> None:
        """SIGKILL the postmaster and every backend: a crash, not a shutdown."""
        pid = self.pid()
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        for p in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # the killed backends release the shared memory

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """A fresh database; returns its DSN."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn.rsplit("/", 1)[0] + f"/{name}"
