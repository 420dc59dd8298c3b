"""The legal-aid conflict check at 100,000 past parties, and the rights figures at city
scale (five years of Beijing's disputes: 115,000 cases, 13,000 legal-aid cases).

A fresh database gets the real union tree (``seed_demo --scale small --no-appeals``).
Then, in a subprocess with Django set up:

- BENCH_RIGHTS_PARTIES (100,000) parties acted for are bulk-inserted: company names
  from Faker's zh_CN generator with random place prefixes and legal-form suffixes, a
  credit code on a third of them, a person's name on a tenth, spread over 400 lawyers;
  normalised names and pinyin computed as ``conflicts.add_party`` does.
- ``conflicts.check`` is timed for a lawyer with names that are in the register with
  other suffixes, names that are not, 2–3-character personal names, and credit codes;
  the in-process fuzzy index is built once before timing (as in a running server).
- BENCH_RIGHTS_DISPUTES (115,000) disputes and 13,000 legal-aid cases are bulk-inserted
  across the streets over five years, the daily roll-up recounted once
  (``rollups.rebuild``); ``stats.figures`` (which reads the roll-up) is timed for the
  city over a year, for a district over a quarter and for a street over a month.
"""

import json
import os
import random
import sys
import tempfile
from pathlib import Path
from time import perf_counter as clock

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

PARTIES = int(os.environ.get("BENCH_RIGHTS_PARTIES", "100000"))
DISPUTES = int(os.environ.get("BENCH_RIGHTS_DISPUTES", "115000"))
AID_CASES = int(os.environ.get("BENCH_RIGHTS_AID", "13000"))
REPEAT = int(os.environ.get("BENCH_RIGHTS_REPEAT", "200"))
TARGET_CHECK_MS = 50
TARGET_STATS_MS = 20
PREFIXES = ["北京", "北京市", "", "", "中国"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "（北京）有限公司", "集团有限公司", ""]


def _ms(times: list[float]) -> dict:
    ms = [t * 1000 for t in times]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": ms[-1]}


def measure() -> dict:
    from datetime import date, datetime, time, timedelta
    from decimal import Decimal

    from django.db import connection
    from faker import Faker
    from stdnum.cn import uscc as uscc_std

    from gonghui.core.workdays import SHANGHAI
    from gonghui.orgs.choices import OrgKind
    from gonghui.orgs.models import Org
    from gonghui.rights import conflicts, rollups, stats
    from gonghui.rights.models import AidCase, Dispute, Lawyer, Party

    rng = random.Random(13)
    fake = Faker("zh_CN")
    fake.seed_instance(13)
    city = Org.objects.get(kind=OrgKind.CITY)
    streets = list(Org.objects.filter(kind=OrgKind.STREET).defer("boundary"))
    districts = {d.pk: d for d in Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary")}
    lawyers = Lawyer.objects.bulk_create(
        [
            Lawyer(
                name=fake.name(),
                firm="某律所",
                phone=f"147{i:08d}",
                owner=city,
                owner_path=city.path,
            )
            for i in range(400)
        ]
    )

    def code(i: int) -> str:
        base = f"911101{i:011d}"[:17]
        return base + uscc_std.calc_check_digit(base)

    t0 = clock()
    cores, rows = [], []
    for i in range(PARTIES):
        if i % 10 == 0:
            name = fake.name()
        else:
            core = (
                fake.company_prefix()
                + fake.company_prefix()[:1]
                + rng.choice(
                    ["科技", "物流", "餐饮管理", "建筑劳务", "商贸", "家政服务", "信息技术"]
                )
            )
            cores.append(core)
            name = rng.choice(PREFIXES) + core + rng.choice(SUFFIXES)
        norm = conflicts.normalise(name)
        rows.append(
            Party(
                source=Party.Source.ENGAGEMENT,
                lawyer=lawyers[i % len(lawyers)],
                name=name[:150],
                uscc=code(i) if i % 3 == 0 else "",
                norm=norm[:150],
                pinyin=conflicts.pinyin_of(norm),
            )
        )
        if len(rows) == 10_000:
            Party.objects.bulk_create(rows)
            rows = []
    if rows:
        Party.objects.bulk_create(rows)
    parties_s = clock() - t0

    # Disputes over five years across the streets, bulk-inserted (not through services).
    t0 = clock()
    today = date.today()
    batch = []
    for i in range(DISPUTES):
        street = streets[rng.randrange(len(streets))]
        received = today - timedelta(days=rng.randint(0, 5 * 365))
        at = datetime.combine(received, time(10), tzinfo=SHANGHAI)
        agreed = rng.random() < 0.6
        claimed = Decimal(rng.randint(20, 600) * 100)
        batch.append(
            Dispute(
                case_no=f"TJ-B-{i:07d}",
                channel="written",
                status="closed" if agreed else "referred",
                org=street,
                org_path=street.path,
                district=districts.get(street.parent_id),
                employer_name="某公司",
                received_at=at,
                received_on=received,
                arbitration_right_from=received + timedelta(days=16),
                collective=rng.random() < 0.03,
                agreed_at=at + timedelta(days=rng.randint(2, 14)) if agreed else None,
                referred_to="" if agreed else "arbitration",
                claimed_total=claimed,
                agreed_total=claimed if agreed else 0,
                recovered_total=claimed * Decimal("0.8") if agreed else 0,
            )
        )
        if len(batch) == 10_000:
            Dispute.objects.bulk_create(batch)
            batch = []
    if batch:
        Dispute.objects.bulk_create(batch)
    aid = []
    for i in range(AID_CASES):
        street = streets[rng.randrange(len(streets))]
        received = today - timedelta(days=rng.randint(0, 5 * 365))
        aid.append(
            AidCase(
                case_no=f"YZ-B-{i:07d}",
                org=street,
                org_path=street.path,
                applicant_name="某",
                applicant_phone=f"147{i:08d}",
                employer_name="某公司",
                matter="拖欠工资",
                received_at=datetime.combine(received, time(10), tzinfo=SHANGHAI),
                recovered_total=Decimal(rng.randint(0, 300) * 100),
            )
        )
    AidCase.objects.bulk_create(aid, batch_size=5000)
    cases_s = clock() - t0
    # Bulk-inserted past the services: the daily roll-up is recounted once.
    t0 = clock()
    rollups.rebuild()
    rebuild_s = clock() - t0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE rights_dailyfigures")
        cursor.execute("VACUUM ANALYZE rights_party")
        cursor.execute("VACUUM ANALYZE rights_dispute")
        cursor.execute("VACUUM ANALYZE rights_aidcase")

    lawyer_id = lawyers[7].pk
    conflicts._index.get()  # built once, as a running server holds it
    known = [rng.choice(PREFIXES) + c + rng.choice(SUFFIXES) for c in rng.sample(cores, 60)]
    novel = [fake.company() for _ in range(60)]
    people = [fake.name() for _ in range(60)]
    codes = [code(rng.randrange(PARTIES // 3) * 3) for _ in range(60)]
    queries = [("name", n, "") for n in known + novel + people] + [
        ("uscc", "某公司", c) for c in codes
    ]
    rng.shuffle(queries)
    it = iter(queries * (REPEAT // len(queries) + 2))
    hits = {"known": sum(bool(conflicts.check(name=n)) for n in known[:20])}

    def one_check():
        _kind, name, uscc = next(it)
        conflicts.check(name=name, uscc=uscc, lawyer_id=lawyer_id)

    check_times = time_calls(one_check, REPEAT)

    def one_check_everyone():
        _kind, name, uscc = next(it)
        conflicts.check(name=name, uscc=uscc)

    # With no lawyer named (the case page's "check everyone"): every party is in scope.
    everyone_times = time_calls(one_check_everyone, REPEAT)
    district = next(iter(districts.values()))
    street = streets[0]
    end = today
    figure_times = {
        "city_year": _ms(
            time_calls(lambda: stats.figures(city, end - timedelta(days=365), end), REPEAT)
        ),
        "district_quarter": _ms(
            time_calls(lambda: stats.figures(district, end - timedelta(days=91), end), REPEAT)
        ),
        "street_month": _ms(
            time_calls(lambda: stats.figures(street, end - timedelta(days=30), end), REPEAT)
        ),
    }
    year = (end - timedelta(days=365), end)
    same = stats.figures(city, *year) == stats.figures_from_cases(city, *year)
    return {
        "parties_s": parties_s,
        "cases_s": cases_s,
        "rebuild_s": rebuild_s,
        "rollup_matches_cases": same,
        "check": _ms(check_times),
        "check_everyone": _ms(everyone_times),
        "known_found": hits["known"],
        "figures": figure_times,
    }


def run() -> list[dict]:
    from benchmarks.bench_http import server_env

    with (
        fresh_database("bench_rights") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log("  rights: migrate, seed_demo --scale small --no-appeals")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "--no-appeals", "-v", "0"], env)
        log(f"  rights: {PARTIES:,} parties, {DISPUTES:,} disputes, {AID_CASES:,} aid cases")
        data = measure_in_subprocess("benchmarks.bench_rights", env, "measure")
    c = data["check"]
    rows = [
        row(
            f"rights: load {PARTIES:,} parties",
            data["parties_s"],
            "s",
            "",
            "normalised names and pinyin computed per party",
        ),
        row(
            f"rights: conflict check at {PARTIES:,} parties p50",
            c["p50"],
            "ms",
            "",
            f"{REPEAT} checks: names with other suffixes, unknown names, personal names, credit codes",
        ),
        row(
            f"rights: conflict check at {PARTIES:,} parties p95",
            c["p95"],
            "ms",
            f"< {TARGET_CHECK_MS} ms",
            f"max {c['max']:.1f} ms; {data['known_found']}/20 re-suffixed names found",
        ),
    ]
    rows.append(
        row(
            f"rights: rebuild_rights_figures from {DISPUTES + AID_CASES:,} cases",
            data["rebuild_s"],
            "s",
            "",
            "roll-up equals the count from the cases (city, year): "
            + ("yes" if data["rollup_matches_cases"] else "NO"),
        )
    )
    e = data["check_everyone"]
    rows.append(
        row(
            f"rights: conflict check, every lawyer, at {PARTIES:,} parties p95",
            e["p95"],
            "ms",
            "",
            f"p50 {e['p50']:.1f} ms, max {e['max']:.1f} ms",
        )
    )
    for key, title in (
        ("city_year", "stats(city, year)"),
        ("district_quarter", "stats(district, quarter)"),
        ("street_month", "stats(street, month)"),
    ):
        t = data["figures"][key]
        rows.append(
            row(
                f"rights: {title} at {DISPUTES:,} disputes p95",
                t["p95"],
                "ms",
                f"< {TARGET_STATS_MS} ms",
                f"p50 {t['p50']:.1f} ms, max {t['max']:.1f} ms",
            )
        )
    return rows


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print("RESULT " + json.dumps(measure()))
