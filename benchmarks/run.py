"""Run every benchmarks/bench_*.py module and print one table of results.

Usage: ``make bench`` (a throwaway PostgreSQL; see docs/benchmarks.md), or with a
PostgreSQL DATABASE_URL set: ``.venv/bin/python benchmarks/run.py [--only NAME]``.

Each module exposes ``run() -> list[dict]`` with rows of name, value, unit, target
("< 60 s" or "") and note. Progress goes to stderr, the table to stdout. The exit
status is 1 when any benchmark crashed.
"""

import argparse
import importlib
import os
import platform
import re
import signal
import sys
import time
import traceback
from datetime import datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KEYS = ("name", "value", "unit", "target", "note")
TARGET = re.compile(r"^\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)")


def discover() -> list[str]:
    return [p.stem for p in sorted(HERE.glob("bench_*.py"))]


def select(available: list[str], wanted: list[str] | None) -> list[str]:
    if not wanted:
        return available
    chosen = []
    for name in wanted:
        stem = name.removesuffix(".py")
        stem = stem if stem.startswith("bench_") else f"bench_{stem}"
        if stem not in available:
            sys.exit(f"no benchmark {name!r}; available: {', '.join(available)}")
        chosen.append(stem)
    return chosen


# --- the header: machine, Python, database, date ------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> str:
    cpuinfo = _read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    model = models[0].strip() if models else (platform.processor() or platform.machine())
    logical = len(re.findall(r"^processor\s*:", cpuinfo, re.M)) or os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    ram = f"{int(mem[1]) / 1024 / 1024:.1f} GiB RAM" if mem else "RAM unknown"
    cores = f"{logical} cores" + (f" ({usable} usable)" if usable != logical else "")
    return f"{model}, {cores}, {ram}"


def database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"not PostgreSQL (DATABASE_URL={url or 'unset'})"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
            }
    except Exception as exc:  # the header must not hide the benchmarks
        return f"PostgreSQL, unreachable ({exc.__class__.__name__}: {exc})"
    version = settings.pop("server_version").split()[0]
    return f"PostgreSQL {version} ({', '.join(f'{k}={v}' for k, v in settings.items())})"


def loadavg() -> str:
    """The 1/5/15-minute load averages: other work on the machine skews every number."""
    fields = _read("/proc/loadavg").split()
    return " ".join(fields[:3]) if len(fields) >= 3 else "unknown"


def header(started_at: datetime) -> list[str]:
    try:
        django = metadata.version("Django")
    except metadata.PackageNotFoundError:
        django = "?"
    return [
        f"date:     {started_at.strftime('%Y-%m-%d %H:%M %Z (UTC%z)')} (start of the run)",
        f"machine:  {machine()}",
        f"kernel:   {platform.system()} {platform.release()}",
        f"python:   {platform.python_implementation()} {platform.python_version()}, "
        f"Django {django}",
        f"database: {database()}",
    ]


# --- the table -----------------------------------------------------------------


def fmt_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def met(value: object, target: str) -> str:
    """'yes' or 'NO' when target is a comparison such as '< 60 s', else ''."""
    m = TARGET.match(target or "")
    if not m or not isinstance(value, int | float):
        return ""
    limit = float(m[2])
    ok = {
        "<": value < limit,
        "<=": value <= limit,
        ">": value > limit,
        ">=": value >= limit,
    }[m[1]]
    return "yes" if ok else "NO"


def table(results: list[tuple[str, dict]]) -> str:
    titles = ["benchmark", "name", "value", "unit", "target", "met", "note"]
    body = [
        [
            bench.removeprefix("bench_"),
            str(r["name"]),
            fmt_value(r["value"]),
            str(r["unit"]),
            str(r["target"] or ""),
            met(r["value"], r["target"]),
            str(r["note"] or ""),
        ]
        for bench, r in results
    ]
    widths = [max(len(c) for c in col) for col in zip(titles, *body, strict=False)]
    right = {2}  # numbers line up on the right

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(titles), rule, *(line(cells) for cells in body)])


def check_rows(rows: object) -> list[dict]:
    if not isinstance(rows, list):
        raise TypeError(f"run() returned {type(rows).__name__}, not a list of rows")
    for r in rows:
        missing = [k for k in KEYS if k not in r]
        if missing:
            raise ValueError(f"row {r!r} lacks {', '.join(missing)}")
    return rows


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (seed, bench_seed or bench_seed.py); repeatable",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    # A SIGTERM unwinds like Ctrl-C so that servers and databases are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    names = select(discover(), args.only)
    results: list[tuple[str, dict]] = []
    crashed: list[str] = []
    started_at = datetime.now().astimezone()
    started = time.perf_counter()
    load_before = loadavg()
    for i, name in enumerate(names, 1):
        log(f"[{i}/{len(names)}] {name} ...")
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows = check_rows(module.run())
        except Exception as exc:
            traceback.print_exc()
            first = (str(exc).splitlines() or [""])[0]
            crashed.append(f"{name} ({exc.__class__.__name__}: {first})")
            log(f"[{i}/{len(names)}] {name} CRASHED after {time.perf_counter() - t0:.1f} s")
            continue
        results += [(name, r) for r in rows]
        log(f"[{i}/{len(names)}] {name} done in {time.perf_counter() - t0:.1f} s")

    print("gonghui benchmarks")
    print("\n".join(header(started_at)))
    print(f"load:     {load_before} before, {loadavg()} after (1/5/15-min load averages)")
    print(f"total:    {time.perf_counter() - started:.0f} s for {', '.join(names)}")
    print()
    if results:
        print(table(results))
    if crashed:
        print()
        for c in crashed:
            print(f"CRASHED: {c}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
