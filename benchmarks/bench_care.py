"""The missing-items check (care/rules.py ``missing_items``): a pure function of a
programme's rules, the facts and the uploaded materials, run on every keystroke of the
H5 form, on submit and on every return. Measured in one process, no database: the
critical-illness programme as shipped, and a large made-up programme (40 materials,
half of them conditional on one of 10 facts) with random facts and uploads.
Target: < 5 ms per check at the 99th percentile.

The bulk payment job (care/jobs.py), when a PostgreSQL server is given (make bench):
a fresh database, 10,000 approved claims, the job run in chunks of 500 with a crash
inside the 10th chunk, then resumed; reports the wall time of both runs and checks that
every claim has exactly one payment line.
"""

import contextlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import BIN, ROOT, fresh_database, log, percentile, row  # noqa: E402

RUNS = 20_000
CLAIMS = 10_000


def large_programme() -> dict:
    facts = {f"f{i}": "bool" for i in range(10)}
    materials = []
    for i in range(40):
        m = {"code": f"m{i}", "name": f"材料{i}"}
        if i % 2:
            m["required_if"] = {f"f{i % 10}": True}
        materials.append(m)
    return {"facts": facts, "materials": materials}


def measure(rules: dict, rng: random.Random) -> list[float]:
    from gonghui.care.rules import missing_items

    codes = [m["code"] for m in rules["materials"]]
    facts_keys = list(rules.get("facts", {}))
    times = []
    for _ in range(RUNS):
        facts = {k: rng.random() < 0.5 for k in facts_keys}
        uploaded = set(rng.sample(codes, rng.randint(0, len(codes))))
        returned = set(rng.sample(codes, 1)) if rng.random() < 0.2 else set()
        t0 = time.perf_counter()
        missing_items(rules, facts, uploaded, returned)
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)


def run() -> list[dict]:
    from gonghui.care.programmes import CRITICAL_ILLNESS

    rng = random.Random(15)
    rows = []
    for label, rules in (
        ("critical_illness", CRITICAL_ILLNESS),
        ("40 materials", large_programme()),
    ):
        log(f"  care: missing_items on {label}, {RUNS} runs")
        t = measure(rules, rng)
        note = f"{label}; median {percentile(t, 50) * 1000:.1f} µs over {RUNS} runs"
        rows.append(
            row(
                f"care missing-items check p99 ({label})",
                round(percentile(t, 99) * 1000, 1),
                "µs",
                "< 5000",
                note,
            )
        )
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        rows.extend(run_job())
    return rows


def run_job() -> list[dict]:
    with fresh_database("bench_care") as url:
        env = os.environ | {"DATABASE_URL": url}
        log(f"  care: migrate, {CLAIMS} approved claims, payment job with a crash and a resume")
        out = subprocess.run(
            [str(BIN / "python"), "-m", "benchmarks.bench_care", "job"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    note = (
        f"{CLAIMS} claims, chunks of 500, crash in chunk 10 then resume; "
        f"paid {r['paid']}, lines {r['lines']}, paid twice {r['twice']}"
    )
    return [
        row(
            "care payment job, 10,000 claims (crash + resume)",
            round(r["seconds"], 2),
            "s",
            "< 60",
            note,
        ),
        row("care claims paid twice after the crash", r["twice"], "claims", "<= 0", ""),
        row(
            "care bulk approval, 1,000 applications in one transaction",
            round(r["bulk_seconds"], 2),
            "s",
            "< 60",
            f"{r['bulk_n']} approved at the grassroots stage, each through decide()",
        ),
        row(
            "care bulk approval refused whole (999 good + 1 bad)",
            round(r["refused_seconds"], 2),
            "s",
            "< 60",
            "all rolled back, failures listed",
        ),
    ]


def job() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    django.setup()
    from datetime import date
    from decimal import Decimal

    from django.core.management import call_command
    from django.db.models import Count

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from gonghui.care import jobs
    from gonghui.care.models import Claim, PaymentLine
    from gonghui.members.models import Member
    from gonghui.members.testing import make_id_number
    from gonghui.orgs.models import StaffRole
    from gonghui.orgs.services import create_org

    city = create_org(name="北京市总工会", kind="city", parent=None)
    # The payment job is started by a reviewer of the org (services.require_staff_role).
    admin = get_user_model().objects.create_user("bench-admin", password="bench-pass-1")
    StaffRole.objects.create(user=admin, org=city, role="admin")
    member = Member.objects.create(
        name="基准",
        id_number=make_id_number(1),
        gender="male",
        birth_date=date(1990, 5, 17),
        org=city,
        member_number="BENCH1",
        joined_on=date(2020, 1, 1),
    )
    Claim.objects.bulk_create(
        [
            Claim(
                member=member,
                org=city,
                status="approved",
                claimed=Decimal("900"),
                payout=Decimal("200"),
            )
            for _ in range(CLAIMS)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    job = jobs.start_payment_job(admin, city)
    with contextlib.suppress(RuntimeError):  # the simulated crash
        jobs.run_payment_job(job.pk, chunk=500, crash_after=10)
    jobs.run_payment_job(job.pk, chunk=500)
    seconds = time.perf_counter() - started
    twice = PaymentLine.objects.values("claim").annotate(n=Count("id")).filter(n__gt=1).count()
    bulk_seconds, bulk_n, refused_seconds = bulk(city, admin)
    print(
        json.dumps(
            {
                "bulk_seconds": bulk_seconds,
                "bulk_n": bulk_n,
                "refused_seconds": refused_seconds,
                "seconds": seconds,
                "paid": Claim.objects.filter(status="paid").count(),
                "lines": PaymentLine.objects.count(),
                "twice": twice,
            }
        )
    )


BULK = 1000


def bulk(city, admin) -> tuple[float, int, float]:
    """Bulk approval (services.bulk_approve) of BULK submitted relief applications at the
    grassroots stage in one transaction; then a batch of the same size with one bad id,
    refused whole (the time to find that out and roll everything back)."""
    from datetime import date

    from gonghui.care import services
    from gonghui.care.models import Application, Document, Programme
    from gonghui.members.models import Member
    from gonghui.members.testing import make_id_number
    from gonghui.orgs.services import create_org

    district = create_org(name="基准区", kind="district", parent=city)
    street = create_org(name="基准街道", kind="street", parent=district)
    union = create_org(name="基准工会", kind="grassroots", parent=street)
    programme = Programme.objects.get(code="critical_illness")
    member = Member.objects.create(
        name="基准二",
        id_number=make_id_number(2),
        gender="male",
        birth_date=date(1990, 5, 17),
        org=union,
        member_number="BENCH2",
        joined_on=date(2020, 1, 1),
    )
    facts = {"employed": True, "hospitalised": True, "out_of_pocket": "23000"}
    apps = Application.objects.bulk_create(
        [
            Application(
                programme=programme,
                member=member,
                name=member.name,
                id_number=member.id_number,
                org=union,
                street=street,
                district=district,
                facts=facts,
                status="submitted",
            )
            for _ in range(2 * BULK)
        ],
        batch_size=1000,
    )
    Document.objects.bulk_create(
        [
            Document(
                application=a,
                material=code,
                file="bench.png",
                name="bench.png",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
            )
            for a in apps
            for code in ("id_card", "diagnosis", "invoices", "employer_letter", "bank_card")
        ],
        batch_size=5000,
    )
    ids = [a.pk for a in apps]
    t0 = time.perf_counter()
    done = services.bulk_approve(admin, ids[:BULK])
    bulk_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    with contextlib.suppress(services.Conflict):
        services.bulk_approve(admin, ids[BULK + 1 :] + [ids[0]])  # ids[0] is past grassroots
    refused_seconds = time.perf_counter() - t0
    assert Application.objects.filter(status="street_review").count() == BULK
    return bulk_seconds, len(done), refused_seconds


if __name__ == "__main__":
    if sys.argv[1:] == ["job"]:
        job()
    else:
        for r in run():
            print(r)
