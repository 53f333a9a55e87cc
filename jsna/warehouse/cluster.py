"""The project's own local PostgreSQL + PostGIS cluster: the embedded default warehouse.

Used whenever JSNA_DATABASE_URL is unset. Its data, socket and log live under data/pg (git-ignored).
PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from jsna.config import Settings
from jsna.errors import DatabaseError

# Settings for a single-user analytical warehouse on a laptop (durability of the last
# transactions after an OS crash is traded for load speed; a crash never corrupts the data).
SERVER_OPTIONS = {
    "listen_addresses": "'127.0.0.1'",
    "shared_buffers": "'512MB'",
    "work_mem": "'64MB'",
    "maintenance_work_mem": "'512MB'",
    "wal_level": "'minimal'",
    "max_wal_senders": "0",
    "synchronous_commit": "'off'",
    "max_wal_size": "'4GB'",
    "jit": "'off'",
    "max_connections": "200",
}


def find_pg_bin() -> Path:
    """The bin directory of the newest installed PostgreSQL that has PostGIS available."""
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*") if p.name.isdigit()), key=lambda p: int(p.name), reverse=True)
    for v in versions:
        control = Path("/usr/share/postgresql") / v.name / "extension" / "postgis.control"
        if control.exists() and any((v / "lib").glob("postgis-3*.so")):  # scripts and library
            return v / "bin"
    if versions:
        raise DatabaseError(
            f"PostgreSQL {versions[0].name} is installed without PostGIS; "
            f"install it with `apt-get install postgresql-{versions[0].name}-postgis-3` (make demo does this)."
        )
    raise DatabaseError("PostgreSQL is not installed; run `make demo` or `apt-get install postgresql postgis`.")


@dataclass(frozen=True)
class LocalCluster:
    """Paths and commands of the local cluster."""

    pg_dir: Path
    port: int
    database: str

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalCluster:
        return cls(settings.pg_dir.resolve(), settings.pg_port, settings.database_name)

    @property
    def data_dir(self) -> Path:
        return self.pg_dir / "cluster"

    @property
    def log_file(self) -> Path:
        return self.pg_dir / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        """Unix sockets have a ~107-byte path limit: fall back to /tmp for deep checkouts."""
        own = self.pg_dir / "run"
        if len(str(own)) < 80:
            return own
        digest = hashlib.sha1(str(self.pg_dir).encode()).hexdigest()[:10]
        return Path("/tmp") / f"jsna-pg-{digest}"

    def url(self, user: str = "postgres", database: str | None = None) -> str:
        return (
            f"postgresql+psycopg://{user}@/{database or self.database}"
            f"?host={self.socket_dir}&port={self.port}"
        )

    # -- commands ---------------------------------------------------------------------------
    def _as_owner(self, args: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self._as_owner(args), capture_output=True, text=True)
        if check and proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise DatabaseError(f"`{Path(args[0]).name}` failed: {' '.join(tail) or 'no output'}.")
        return proc

    def _prepare_dirs(self) -> None:
        for d in (self.pg_dir, self.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            self._check_traversable(self.pg_dir)

    @staticmethod
    def _check_traversable(path: Path) -> None:
        for parent in list(path.parents)[:-1]:
            if not os.stat(parent).st_mode & 0o001:
                raise DatabaseError(
                    f"The postgres user cannot reach {path} because {parent} is not searchable by others; "
                    f"run `chmod o+x {parent}` or set JSNA_DATA_DIR elsewhere."
                )

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        proc = self._run([str(find_pg_bin() / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return proc.returncode == 0

    def init(self) -> None:
        self._prepare_dirs()
        bin_dir = find_pg_bin()
        self._run([str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8"])
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as fh:
            fh.write("\n# jsna local warehouse\n")
            for key, value in SERVER_OPTIONS.items():
                fh.write(f"{key} = {value}\n")

    def start(self) -> None:
        self._prepare_dirs()
        bin_dir = find_pg_bin()
        opts = f"-p {self.port} -k {self.socket_dir}"
        self._run([str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-o", opts, "-l", str(self.log_file),
                   "-w", "-t", "60", "start"])

    def stop(self) -> None:
        if self.is_running():
            self._run([str(find_pg_bin() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])

    def ensure_database(self, name: str | None = None) -> None:
        """Create the database (with PostGIS) when it does not exist yet."""
        import psycopg

        name = name or self.database
        conninfo = f"host={self.socket_dir} port={self.port} user=postgres dbname=postgres"
        for attempt in range(50):
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{name}"')
                break
            except psycopg.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        with psycopg.connect(conninfo.replace("dbname=postgres", f"dbname={name}"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def up(self) -> None:
        if not self.is_initialised():
            self.init()
        if not self.is_running():
            self.start()
        self.ensure_database()
