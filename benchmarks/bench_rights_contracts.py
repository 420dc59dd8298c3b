"""Collective-contract coverage at city scale: 220,000 enterprises (issue 14's target:
the city's coverage < 50 ms p95).

A fresh database gets the real union tree (``seed_demo --scale small --no-appeals``);
then BENCH_CONTRACT_ENTERPRISES (220,000) enterprises are bulk-inserted across the
streets, with an enterprise contract in force for a fifth of them, a regional contract
for a third of the streets and an industry contract per district; ``stats.coverage`` is
timed for the city, a district and a street.
"""

import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    ROOT,
    fresh_database,
    log,
    manage,
    measure_in_subprocess,
    percentile,
    row,
    time_calls,
)

ENTERPRISES = int(os.environ.get("BENCH_CONTRACT_ENTERPRISES", "220000"))
REPEAT = int(os.environ.get("BENCH_CONTRACT_REPEAT", "20"))
TARGET_MS = 50


def measure() -> dict:
    from datetime import date

    from tqdm import tqdm

    from gonghui.orgs.choices import Industry, OrgKind, SizeBand
    from gonghui.orgs.models import Enterprise, Org
    from gonghui.rights.contracts import stats
    from gonghui.rights.contracts.models import CollectiveContract

    rng = random.Random(14)
    city = Org.objects.get(kind=OrgKind.CITY)
    streets = list(Org.objects.filter(kind=OrgKind.STREET).defer("boundary"))
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary"))
    # The demo's few thousand enterprises stay; the rest are added up to ENTERPRISES.
    batch = []
    for i in tqdm(
        range(max(0, ENTERPRISES - Enterprise.objects.count())),
        desc="enterprises",
        file=sys.stderr,
        mininterval=5,
    ):
        batch.append(
            Enterprise(
                name=f"基准企业{i}",
                uscc=f"BENCH{i:013d}",
                street=rng.choice(streets),
                industry=rng.choice(Industry.values),
                size_band=rng.choice(SizeBand.values),
            )
        )
        if len(batch) == 10000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)
    live = {"status": "effective", "starts_on": date(2025, 1, 1), "ends_on": date(2027, 12, 31)}
    ents = list(Enterprise.objects.values_list("pk", "street_id", "street__path"))
    contracts = [
        CollectiveContract(
            scope="enterprise", enterprise_id=pk, org_id=sid, org_path=path, title="基准", **live
        )
        for pk, sid, path in rng.sample(ents, len(ents) // 5)
    ]
    contracts += [
        CollectiveContract(scope="regional", org=s, org_path=s.path, title="基准区域", **live)
        for s in rng.sample(streets, len(streets) // 3)
    ]
    contracts += [
        CollectiveContract(
            scope="industry", org=d, org_path=d.path, industry="logistics", title="基准行业", **live
        )
        for d in districts
    ]
    CollectiveContract.objects.bulk_create(contracts, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    today = date(2026, 6, 1)
    out = {"contracts": len(contracts)}
    for key, org in (("city", city), ("district", districts[0]), ("street", streets[0])):
        times = sorted(time_calls(lambda o=org: stats.coverage(o, today), REPEAT))
        ms = [t * 1000 for t in times]
        out[key] = {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": ms[-1]}
    out["covered"] = stats.coverage(city, today)["covered_enterprises"]
    return out


def run() -> list[dict]:
    from benchmarks.bench_http import server_env

    with (
        fresh_database("bench_contracts") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log("  contracts: migrate, seed_demo --scale small --no-appeals")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "--no-appeals", "-v", "0"], env)
        log(f"  contracts: {ENTERPRISES:,} enterprises")
        data = measure_in_subprocess("benchmarks.bench_rights_contracts", env, "measure")
    rows = []
    for key in ("city", "district", "street"):
        t = data[key]
        rows.append(
            row(
                f"contracts: coverage({key}) at {ENTERPRISES:,} enterprises p95",
                t["p95"],
                "ms",
                f"< {TARGET_MS} ms",
                f"p50 {t['p50']:.1f} ms, max {t['max']:.1f} ms; {data['contracts']:,} contracts",
            )
        )
    return rows


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print("RESULT " + json.dumps(measure()))
