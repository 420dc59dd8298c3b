"""Time ``migrate`` + ``seed_demo`` against a fresh PostgreSQL database.

Each scale runs in subprocesses exactly as a person would run it, against a database
created for the run and dropped afterwards. BENCH_SEED_SCALES (comma-separated,
default "small,city") picks the scales.
"""

import os
import re

from benchmarks.common import fresh_database, log, manage, row

SEEDED = re.compile(r"seeded (\d+) rows in ([\d.]+)s \((.*)\)")
TARGETS = {"small": "< 60 s"}  # small is what `make run` and the tests load


def run_scale(scale: str) -> list[dict]:
    with fresh_database(f"bench_seed_{scale}") as url:
        env = os.environ | {"DATABASE_URL": url}
        log(f"  seed {scale}: migrate")
        migrate_s, _out = manage(["migrate", "--noinput", "-v", "0"], env)
        log(f"  seed {scale}: seed_demo --scale {scale} (migrate took {migrate_s:.1f} s)")
        # --force only matters when the caller's environment has DEBUG off.
        seed_s, out = manage(["seed_demo", "--scale", scale, "--force", "-v", "0"], env)
    match = SEEDED.search(out)
    if match is None:
        raise RuntimeError(f"seed_demo printed no 'seeded N rows in Xs' line:\n{out}")
    rows, inner_s, counts = int(match[1]), float(match[2]), match[3]
    total = migrate_s + seed_s
    log(f"  seed {scale}: {rows} rows in {seed_s:.1f} s")
    return [
        row(f"seed {scale}: migrate", migrate_s, "s", "", "manage.py migrate, empty database"),
        row(
            f"seed {scale}: seed_demo",
            seed_s,
            "s",
            "",
            f"subprocess wall time; the command's own timer says {inner_s:.1f} s",
        ),
        row(f"seed {scale}: migrate + seed_demo", total, "s", TARGETS.get(scale, ""), ""),
        row(f"seed {scale}: rows created", rows, "rows", "", counts),
        row(f"seed {scale}: rows per second", rows / seed_s, "rows/s", "", "rows / seed_demo wall"),
    ]


def run() -> list[dict]:
    scales = [s.strip() for s in os.environ.get("BENCH_SEED_SCALES", "small,city").split(",")]
    rows: list[dict] = []
    for scale in filter(None, scales):
        rows += run_scale(scale)
    return rows
