"""Helpers shared by the benchmark modules: throwaway databases and manage.py runs."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def log(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the results table."""
    print(message, file=sys.stderr, flush=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError(
            "benchmarks need a PostgreSQL server: run them with `make bench` "
            "(scripts/with-throwaway-postgres exports DATABASE_URL)"
        )
    return url


def with_database(url: str, name: str) -> str:
    """Return ``url`` pointing at database ``name`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Create an empty database on the benchmark server, yield its URL, drop it afterwards."""
    import psycopg

    server = database_url()
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``python manage.py ARGS``; return (wall seconds, stdout). Raise on failure."""
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} exited with {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return elapsed, proc.stdout


def measure_in_subprocess(module: str, env: dict[str, str], *args: str) -> dict:
    """Run ``python -m <module> <args>`` as its own Django process and return the JSON it
    prints on its ``RESULT `` line; raise with the tail of its output when it fails."""
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(
            f"{module} {' '.join(args)} failed ({proc.returncode}) after "
            f"{time.perf_counter() - started:.0f} s\n"
            f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return json.loads(line.removeprefix("RESULT "))


def row(name: str, value: float, unit: str, target: str = "", note: str = "") -> dict:
    return {"name": name, "value": value, "unit": unit, "target": target, "note": note}


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[int(rank) - 1]


def children_cpu_seconds() -> float:
    """User plus system CPU seconds of the waited-for child processes so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pg_bin(name: str) -> Path:
    """A PostgreSQL server binary (pgbench, psql, ...) of the newest installed version."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()],
    )
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def pg_connect_args(url: str) -> list[str]:
    """libpq command-line options (-h -p -U and the database name) for a postgres:// URL."""
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", parts.username]
    return [*args, parts.path.lstrip("/")]


def time_calls(fn, repeat: int, warmup: int = 3) -> list[float]:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times; sorted seconds per call."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)
