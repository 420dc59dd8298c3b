"""The three rates and rankings at 1 M (and, on request, 10 M) appeals.

For each size: a fresh database, ``migrate``, ``seed_demo --scale small --force`` (the
real tree: 1 city, 17 district and 339 street federations), then
``load_bulk_appeals --count N`` (COPY; its own recount fills DailyStat). A second
Python process with Django set up (this module run as ``__main__``) then times:

- ``metrics.for_org(city, last full month)``
- ``metrics.ranking(all 339 streets, last full month)``
- ``metrics.ranking(all 17 districts, last full quarter)``
- the same city month counted straight from the appeals table (no roll-up), for scale

and checks the roll-up: it runs real transitions through ``services`` on a sample of
the loaded appeals (contact, resolve, evaluate "solved" and "not solved", which
reopens), so that ``metrics.refresh`` updates the rows they touch, takes a snapshot of
DailyStat, runs ``manage.py rebuild_appeal_stats`` (``metrics.rebuild()``: a recount
from scratch) and compares every row.

BENCH_APPEALS_COUNT (1000000) sets the default size; BENCH_APPEALS_10M=1 adds 10 M
(about half an hour on the 2-core machines); BENCH_METRICS_REPEAT (50) timed calls per
query after 3 untimed ones.
"""

import json
import os
import re
import sys
import tempfile

from benchmarks import common
from benchmarks.common import (
    ROOT,
    fresh_database,
    log,
    manage,
    percentile,
    row,
    time_calls,
)

REPEAT = int(os.environ.get("BENCH_METRICS_REPEAT", "50"))
TARGET_MS = 100
LOADED = re.compile(r"loaded (\d+) appeals in ([\d.]+)s \(([\d]+) rows/s")
REBUILT = re.compile(r"rebuilt (\d+) DailyStat rows from (\d+) appeals in ([\d.]+)s")


def counts() -> list[int]:
    sizes = [int(os.environ.get("BENCH_APPEALS_COUNT", "1000000"))]
    if os.environ.get("BENCH_APPEALS_10M") == "1" and 10_000_000 not in sizes:
        sizes.append(10_000_000)
    return sizes


def label(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n:,}"


def run_size(n: int) -> list[dict]:
    from benchmarks.bench_http import server_env

    tag = label(n)
    with (
        fresh_database(f"bench_metrics_{n}") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log(f"  metrics {tag}: migrate, seed_demo --scale small --force --no-appeals")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "--no-appeals", "-v", "0"], env)
        log(f"  metrics {tag}: load_bulk_appeals --count {n}")
        load_s, loaded = manage(["load_bulk_appeals", "--count", str(n), "-v", "0"], env)
        m = LOADED.search(loaded)
        if m is None:
            raise RuntimeError(f"load_bulk_appeals printed no 'loaded N appeals' line:\n{loaded}")
        log(f"  metrics {tag}: {loaded.strip()}")
        size = database_size(url)

        log(f"  metrics {tag}: timing for_org and ranking ({REPEAT} calls each), transitions")
        data = measure_in_subprocess(env, "measure")
        log(f"  metrics {tag}: rebuild_appeal_stats")
        rebuild_s, out = manage(["rebuild_appeal_stats", "-v", "0"], env)
        r = REBUILT.search(out)
        if r is None:
            raise RuntimeError(f"rebuild_appeal_stats printed no 'rebuilt' line:\n{out}")
        check = measure_in_subprocess(env, "compare", data["snapshot_file"])
        os.unlink(data["snapshot_file"])

    rows = [
        row(
            f"metrics {tag}: load_bulk_appeals",
            load_s,
            "s",
            "",
            f"{out_note(loaded)}; database {size / 2**30:.2f} GiB",
        ),
        row(
            f"metrics {tag}: load rate",
            n / load_s,
            "rows/s",
            "",
            "appeals / wall time of the command, including the DailyStat recount and ANALYZE",
        ),
    ]
    for key, title in (
        ("for_org", "for_org(city, month)"),
        ("streets", "ranking(339 streets, month)"),
        ("districts", "ranking(17 districts, quarter)"),
    ):
        t = data["timings"][key]
        rows += [
            row(f"metrics {tag}: {title} p50", t["p50"], "ms", "", t["note"]),
            row(
                f"metrics {tag}: {title} p95",
                t["p95"],
                "ms",
                f"< {TARGET_MS} ms",
                f"max {t['max']:.1f} ms, {REPEAT} calls",
            ),
        ]
    direct = data["direct"]
    rows += [
        row(
            f"metrics {tag}: city month counted from appeals",
            direct["ms"],
            "ms",
            "",
            f"no roll-up: two aggregates over the appeals table (median of 5); counts "
            f"{'equal' if direct['equal'] else 'DIFFER from'} for_org",
        ),
        row(
            f"metrics {tag}: rebuild_appeal_stats",
            rebuild_s,
            "s",
            "",
            f"metrics.rebuild(): {r[1]} rows in {float(r[3]):.1f} s by its own timer",
        ),
        row(
            f"metrics {tag}: roll-up equals a recount",
            "yes" if check["equal"] else "NO",
            "",
            "",
            f"{check['rows']} DailyStat rows compared after {data['transitions']}; "
            f"{check['differences']}",
        ),
    ]
    if not check["equal"] or not direct["equal"]:
        raise RuntimeError(f"metrics {tag}: the roll-up differs from a recount: {check} {direct}")
    return rows


def out_note(out: str) -> str:
    inner = re.search(r"\((.*)\)\s*$", out.strip())
    return inner[1] if inner else out.strip()


def database_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def measure_in_subprocess(env: dict, *args: str) -> dict:
    return common.measure_in_subprocess("benchmarks.bench_appeals_metrics", env, *args)


def run() -> list[dict]:
    rows: list[dict] = []
    for n in counts():
        rows += run_size(n)
    return rows


# --- inside the Django process ---------------------------------------------------------


def periods(today):
    from datetime import date, timedelta

    month_end = today.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    q = (today.month - 1) // 3  # this quarter's index; the last full one is q - 1
    year, q = (today.year, q - 1) if q else (today.year - 1, 3)
    quarter_start = date(year, 3 * q + 1, 1)
    quarter_end = (quarter_start.replace(day=28) + timedelta(days=70)).replace(day=1) - timedelta(
        days=1
    )
    return (month_start, month_end), (quarter_start, quarter_end)


def snapshot() -> dict:
    from gonghui.appeals import metrics
    from gonghui.appeals.models import DailyStat

    return {
        f"{r['org_id']} {r['day']}": [r["org_path"], *(r[f] for f in metrics.FIELDS)]
        for r in DailyStat.objects.values("org_id", "day", "org_path", *metrics.FIELDS)
    }


def transitions() -> str:
    """Real transitions on loaded appeals, so that metrics.refresh updates their rows."""
    from django.contrib.auth import get_user_model

    from gonghui.appeals import services
    from gonghui.appeals.choices import Satisfaction, Status
    from gonghui.appeals.models import Appeal

    admin = get_user_model().objects.get(username="demo-admin")  # admin at the city
    done: dict[str, int] = {}

    def count(name):
        done[name] = done.get(name, 0) + 1

    for appeal in Appeal.objects.filter(status=Status.ACCEPTED).order_by("pk")[:40]:
        services.act(appeal, "contact", actor=admin, note="已电话联系职工")
        count("contact")
        services.act(appeal, "resolve", actor=admin, reply="已协调用人单位处理")
        count("resolve")
        solved = appeal.pk % 2 == 0
        services.evaluate(appeal, resolved=solved, satisfaction=Satisfaction.BASICALLY)
        count("evaluate solved" if solved else "evaluate not solved (reopen)")
    for appeal in Appeal.objects.filter(status=Status.RESOLVED).exclude(assigned_org=None)[:40]:
        solved = appeal.pk % 3 != 0
        services.evaluate(appeal, resolved=solved, satisfaction=Satisfaction.SATISFIED)
        count("evaluate solved" if solved else "evaluate not solved (reopen)")
    for appeal in Appeal.objects.filter(status=Status.IN_PROGRESS).order_by("pk")[:40]:
        services.act(appeal, "resolve", actor=admin, reply="已办结")
        count("resolve")
    return ", ".join(f"{v} {k}" for k, v in done.items())


def direct_count(start, end) -> dict:
    """The city's counts for a period straight from the appeals table (no roll-up)."""
    from gonghui.appeals import metrics
    from gonghui.appeals.models import Appeal

    return metrics.count_appeals(Appeal.objects.exclude(assigned_org=None), start, end)


def measure() -> dict:
    from django.utils import timezone

    from gonghui.appeals import metrics
    from gonghui.orgs.choices import OrgKind
    from gonghui.orgs.models import Org

    orgs = Org.objects.defer("boundary")
    city = orgs.get(kind=OrgKind.CITY)
    streets = list(orgs.filter(kind=OrgKind.STREET))
    districts = list(orgs.filter(kind=OrgKind.DISTRICT))
    (m0, m1), (q0, q1) = periods(timezone.localdate())
    timings = {}

    def timed(key, fn, note_of):
        times = time_calls(fn, REPEAT)
        timings[key] = {
            "p50": percentile(times, 50) * 1000,
            "p95": percentile(times, 95) * 1000,
            "max": times[-1] * 1000,
            "note": note_of(fn()),
        }

    def ranking_note(rows):
        ranked = [r for r in rows if r["rank"]]
        top = ranked[0] if ranked else None
        head = f"top {top['org'].name} {top['rates'].score:.3f}; " if top else ""
        return f"{head}{len(ranked)} ranked, {len(rows) - len(ranked)} below the minimum volume"

    timed(
        "for_org",
        lambda: metrics.for_org(city, m0, m1),
        lambda r: (
            f"{m0:%Y-%m}: score {r.score}, {r.counts['contact_due']} contacts due, "
            f"{r.counts['evaluations']} evaluations"
        ),
    )
    timed("streets", lambda: metrics.ranking(streets, m0, m1), ranking_note)
    timed(
        "districts",
        lambda: metrics.ranking(districts, q0, q1),
        lambda rows: f"{q0:%Y-%m}..{q1:%Y-%m}; " + ranking_note(rows),
    )
    direct_times = time_calls(lambda: direct_count(m0, m1), 5, warmup=1)
    direct = {
        "ms": percentile(direct_times, 50) * 1000,
        "equal": direct_count(m0, m1) == metrics.for_org(city, m0, m1).counts,
    }
    done = transitions()
    snap = snapshot()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(snap, f)
    return {"timings": timings, "direct": direct, "transitions": done, "snapshot_file": f.name}


def compare(path: str) -> dict:
    with open(path) as f:
        before = json.load(f)
    after = snapshot()
    keys = set(before) | set(after)
    diff = sorted(k for k in keys if before.get(k) != after.get(k))
    sample = "; ".join(f"{k}: {before.get(k)} vs {after.get(k)}" for k in diff[:3])
    return {
        "equal": not diff,
        "rows": len(after),
        "differences": f"{len(diff)} rows differ" + (f" ({sample})" if sample else ""),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    action = sys.argv[1]
    result = measure() if action == "measure" else compare(sys.argv[2])
    print("RESULT " + json.dumps(result))
