"""Join submissions per second through HTTP, and member search at 1 million members.

Join: the server runs as ``bench_http`` starts it (gunicorn, production settings,
``--workers 2``) against a fresh database migrated and seeded ``--scale small``.
Each request must come from its own signed-in worker with its own ID number (a second
application is a 409), so this module first creates BENCH_JOIN_WORKERS workers with
bearer tokens and as many generated ID numbers (valid check digits, nobody's). The
load comes from ``wrk`` in a second process on loopback (BENCH_JOIN_CLIENTS
connections, BENCH_JOIN_SECONDS seconds), each request a courier joining in a real
street, routed by the rules and texted through the outbox.

Search: the members table is grown to BENCH_SEARCH_MEMBERS (1,000,000) rows. The first
20,000 are made through the ORM (encrypted ID and phone, keyed hashes); the rest are
copied from them in SQL with distinct member numbers, hashes and names drawn from
Faker's zh_CN names (ciphertexts repeat; they are not searched). After ANALYZE,
``search_members`` runs for random member numbers, ID numbers, phones, full names and
surnames (one character), as the city admin (all of Beijing) and as a street handler
(望京), and the same searches go through ``GET /api/v1/members?q=`` on gunicorn.
"""

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    fresh_database,
    log,
    manage,
    measure_in_subprocess,
    percentile,
    row,
)

CLIENTS = int(os.environ.get("BENCH_JOIN_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_JOIN_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_JOIN_GUNICORN_WORKERS", "2"))
JOIN_WORKERS = int(os.environ.get("BENCH_JOIN_WORKERS", "4000"))
SEARCH_MEMBERS = int(os.environ.get("BENCH_SEARCH_MEMBERS", "1000000"))
SEARCH_REPEAT = int(os.environ.get("BENCH_SEARCH_REPEAT", "200"))
ORM_MEMBERS = 20_000
TARGET_SEARCH_P95_MS = 50

LUA = r"""
local tokens = __TOKENS__
local ids = __IDS__
local streets = __STREETS__
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  created = 0
  other = 0
  step = __THREADS__
end

function request()
  -- Thread t takes indices t, t+step, t+2*step...: each worker and ID once.
  local i = tid + n * step
  n = n + 1
  if i > #tokens then i = #tokens end
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[i]}
  local body = '{"name":"王快递","declaration":true,"privacy_consent":true,"id_number":"' .. ids[i] .. '","gig_platform":"sf",' ..
    '"job_type":"courier","street_id":' .. streets[(i % #streets) + 1] .. '}'
  return wrk.format("POST", "/api/v1/members/join", headers, body)
end

"""


def _helper(action: str, env: dict, *args: str) -> dict:
    """Run this module as a Django process (``prepare``, ``grow`` or ``search``)."""
    return measure_in_subprocess("benchmarks.bench_members", env, action, *args)


def run() -> list[dict]:
    from benchmarks.bench_appeals_intake import COUNT_201_LUA, ensure_wrk, lua_list, run_wrk
    from benchmarks.bench_http import (
        free_port,
        load,
        request,
        server_env,
        start_server,
        stop_server,
        wait_for_health,
    )

    wrk = ensure_wrk()
    rows: list[dict] = []
    with (
        fresh_database("bench_members") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log("  members: migrate, seed_demo --scale small --force, collectstatic (DEBUG=0)")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "-v", "0"], env)
        manage(["collectstatic", "--noinput", "-v", "0"], env)
        log(f"  members: {JOIN_WORKERS} workers with tokens and ID numbers")
        prep = _helper("prepare", env, str(JOIN_WORKERS), tmp)
        fixture = json.loads(Path(prep["file"]).read_text())
        threads = max(1, min(CLIENTS, 2))
        script = Path(tmp) / "join.lua"
        script.write_text(
            (LUA + COUNT_201_LUA)
            .replace("__TOKENS__", lua_list([str(t) for t in fixture["tokens"]]))
            .replace("__IDS__", lua_list([str(i) for i in fixture["ids"]]))
            .replace("__STREETS__", "{" + ",".join(str(s) for s in fixture["streets"]) + "}")
            .replace("__THREADS__", str(threads))
        )

        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        proc = start_server(port, env, logfile, WORKERS, "members")
        try:
            wait_for_health(port, proc, logfile)
            # One by hand first: 201, pending, routed.
            status, body = request(
                port,
                "POST",
                "/api/v1/members/join",
                body=json.dumps(
                    {
                        "name": "王快递",
                        "declaration": True,
                        "privacy_consent": True,
                        "id_number": fixture["spare_id"],
                        "job_type": "courier",
                        "street_id": fixture["streets"][0],
                    }
                ),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {fixture['spare_token']}",
                },
            )
            if status != 201:
                raise RuntimeError(f"POST /api/v1/members/join answered {status}: {body[:400]!r}")
            first = json.loads(body)
            answer = f"-> {first['status']} at {first['union']['name']}"
            log(f"  members: {answer}; {CLIENTS} connections x {SECONDS:g} s")
            before = _helper("count", env)["pending_bench"]
            res, wrk_cpu = run_wrk(wrk, port, "/api/v1/members/join", script, CLIENTS, SECONDS)
            if res["requests"] > JOIN_WORKERS:
                raise RuntimeError(
                    f"{res['requests']} requests but only {JOIN_WORKERS} workers: raise "
                    "BENCH_JOIN_WORKERS"
                )
            if res["errors"] or res["other"]:
                raise RuntimeError(f"join load: {res}\n{logfile.read_text()[-3000:]}")
            stored = _helper("count", env)["pending_bench"] - before
            # Requests still in flight when wrk stops are stored but not counted by wrk.
            if not res["created"] <= stored <= res["created"] + CLIENTS:
                raise RuntimeError(f"{res['created']} created, {stored} stored")

            log(f"  members: growing the roster to {SEARCH_MEMBERS:,} members")
            grown = _helper("grow", env, str(SEARCH_MEMBERS))
            log(f"  members: {grown['members']:,} members in {grown['seconds']:.0f} s; searching")
            searched = _helper("search", env, str(SEARCH_REPEAT))
            http_rows = []
            for persona, token in (
                ("city admin", grown["admin_token"]),
                ("street handler", grown["street_token"]),
            ):
                headers = {"Authorization": f"Bearer {token}"}
                for kind, qs in grown["queries"].items():
                    lat = []
                    for q in qs[: min(len(qs), 100)]:
                        t0 = time.perf_counter()
                        st, _b = request(
                            port, "GET", f"/api/v1/members?q={quote(q)}", headers=headers
                        )
                        lat.append(time.perf_counter() - t0)
                        if st != 200:
                            raise RuntimeError(f"search {q!r} answered {st}")
                    lat.sort()
                    http_rows.append((persona, kind, lat))
            # Search under load: 8 clients hitting one surname query for 5 s.
            under = load(
                port,
                "/api/v1/members?q=" + quote("张"),
                {"Authorization": f"Bearer {grown['admin_token']}"},
                CLIENTS,
                5,
            )
        finally:
            stop_server(proc)

    rows.append(
        row(
            "join POST /api/v1/members/join: throughput",
            res["rps"],
            "joins/s",
            "",
            f"{res['requests']} applications from {res['requests']} workers, {CLIENTS} "
            f"connections, {WORKERS} gunicorn workers, 0 errors; each stored pending with "
            f"its SMS in the outbox {answer}; {stored} stored (>= counted by wrk)",
        )
    )
    rows.append(row("join: p50 latency", res["p50"] / 1000, "ms", "", ""))
    rows.append(
        row(
            "join: p95 latency",
            res["p95"] / 1000,
            "ms",
            "",
            f"p99 {res['p99'] / 1000:.1f} ms; wrk used {wrk_cpu:.1f} s CPU",
        )
    )
    for item in searched["timings"]:
        rows.append(
            row(
                f"search {item['persona']}, {item['kind']}: p95 (ORM)",
                item["p95_ms"],
                "ms",
                f"< {TARGET_SEARCH_P95_MS}",
                f"{item['n']} searches at {grown['members']:,} members; p50 "
                f"{item['p50_ms']:.2f} ms; {item['hits']:.1f} hits on average",
            )
        )
    for persona, kind, lat in http_rows:
        rows.append(
            row(
                f"search {persona}, {kind}: p95 (HTTP)",
                percentile(lat, 95) * 1000,
                "ms",
                f"< {TARGET_SEARCH_P95_MS}",
                f"GET /api/v1/members?q=, one client, {len(lat)} requests; p50 "
                f"{percentile(lat, 50) * 1000:.1f} ms",
            )
        )
    rows.append(
        row(
            "search HTTP under load, surname 张, city admin: p95",
            percentile(under.latencies, 95) * 1000,
            "ms",
            "",
            f"{CLIENTS} clients x 5 s: {under.rps:.0f} searches/s, {under.errors} errors",
        )
    )
    rows.append(
        row(
            "search: EXPLAIN ANALYZE of a surname search (city admin)",
            searched["plan_ms"],
            "ms",
            "",
            searched["plan"][:300],
        )
    )
    return rows


# --- the Django side (run as a subprocess with the benchmark's environment) --------------------


def prepare(n: int, tmp: str) -> dict:
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.accounts.models import AccessToken, Worker
    from gonghui.accounts.services import _hash
    from gonghui.members.demo import demo_id_number
    from gonghui.orgs.models import Org

    base = 5_000_000  # far above the demo's numbers
    workers = Worker.objects.bulk_create(
        [Worker(phone=f"17{(base + i) % 10**9:09d}") for i in range(n + 1)], batch_size=2000
    )
    raws, tokens = [], []
    expires = timezone.now() + timedelta(days=30)
    for w in workers:
        raw = "wk_" + secrets.token_urlsafe(32)
        raws.append(raw)
        tokens.append(AccessToken(kind="worker", key_hash=_hash(raw), worker=w, expires_at=expires))
    AccessToken.objects.bulk_create(tokens, batch_size=2000)
    ids = [demo_id_number(base + i, "110105", True) for i in range(n + 1)]
    streets = list(
        Org.objects.filter(kind="street", parent__admin_code="110105").values_list("pk", flat=True)
    )
    path = Path(tmp) / "join-fixture.json"
    path.write_text(
        json.dumps(
            {
                "tokens": raws[1:],
                "ids": ids[1:],
                "streets": streets,
                "spare_token": raws[0],
                "spare_id": ids[0],
            }
        )
    )
    return {"file": str(path)}


def count() -> dict:
    from gonghui.members.models import JoinApplication

    return {
        "pending_bench": JoinApplication.objects.filter(name="王快递", status="pending").count()
    }


def grow(target: int) -> dict:
    """Grow the members table to ``target`` rows (ORM rows first, then SQL copies)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from faker import Faker

    from gonghui.accounts.services import issue_staff_token
    from gonghui.members.demo import demo_id_number, demo_phone
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org

    started = time.perf_counter()
    rng = random.Random(12351)
    fake = Faker("zh_CN")
    fake.seed_instance(12351)
    holders = list(
        Org.objects.filter(kind__in=["grassroots", "area_joint", "mobile_joint", "street"])
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    have = Member.objects.count()
    base = 6_000_000
    orm_rows = min(ORM_MEMBERS, max(target - have, 0))
    batch = []
    for i in range(orm_rows):
        male = rng.random() < 0.55
        batch.append(
            Member(
                name=fake.name_male() if male else fake.name_female(),
                id_number=demo_id_number(base + i, "110105", male),
                phone=demo_phone(base + i),
                gender="male" if male else "female",
                birth_date="1990-01-01",
                org_id=holders[rng.randrange(len(holders))],
                member_number=f"9{i:016d}",
                joined_on="2024-01-01",
                source="bench",
            )
        )
    Member.objects.bulk_create(batch, batch_size=5000)
    names = [fake.name() for _ in range(20_000)]
    remaining = max(target - Member.objects.count(), 0)
    cols = [
        f.column
        for f in Member._meta.local_fields
        if f.column not in ("id", "name", "member_number", "id_hash", "phone_hash", "org_id")
    ]
    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE bench_names (i int primary key, name text)")
        c.executemany("INSERT INTO bench_names VALUES (%s, %s)", list(enumerate(names)))
        c.execute(
            "CREATE TEMP TABLE bench_orgs AS SELECT row_number() OVER () - 1 AS i, id FROM "
            "orgs_org WHERE kind IN ('grassroots','area_joint','mobile_joint','street')"
        )
        c.execute("SELECT count(*) FROM bench_orgs")
        n_orgs = c.fetchone()[0]
        c.execute("SELECT id FROM members_member WHERE source = 'bench' ORDER BY id LIMIT 1")
        template = c.fetchone()[0]
        select_cols = ", ".join(f"m.{col}" for col in cols)
        step = 200_000
        for lo in range(0, remaining, step):
            hi = min(remaining, lo + step)
            c.execute(
                f"""
                INSERT INTO members_member (name, member_number, id_hash, phone_hash, org_id, {", ".join(cols)})
                SELECT n.name, '8' || lpad(g::text, 16, '0'),
                       encode(sha256(('id' || g)::bytea), 'hex'),
                       encode(sha256(('ph' || g)::bytea), 'hex'),
                       o.id, {select_cols}
                FROM generate_series(%s, %s) g
                JOIN bench_names n ON n.i = g %% %s
                JOIN bench_orgs o ON o.i = (g::bigint * 7919) %% %s
                CROSS JOIN (SELECT * FROM members_member WHERE id = %s) m
                """,
                [lo + 1, hi, len(names), n_orgs, template],
            )
        c.execute("ANALYZE members_member")
        c.execute("ANALYZE orgs_org")
    members = Member.objects.count()
    # Queries: numbers, ID numbers and phones of ORM rows; names; surnames.
    sample = list(
        Member.objects.filter(source="bench").order_by("?").values_list("pk", flat=True)[:200]
    )
    picked = list(Member.objects.filter(pk__in=sample))
    numbers = [m.member_number for m in picked] + [
        f"8{rng.randrange(1, max(remaining, 2)):016d}" for _ in range(100)
    ]
    User = get_user_model()
    admin = User.objects.get(username="demo-admin")
    street = User.objects.get(username="demo-street")
    queries = {
        "member number": numbers[:200],
        "ID number": [m.id_number for m in picked],
        "phone": [m.phone for m in picked],
        "full name": [rng.choice(names) for _ in range(200)],
        "surname": [rng.choice(names)[0] for _ in range(200)],
    }
    return {
        "members": members,
        "seconds": time.perf_counter() - started,
        "queries": queries,
        "admin_token": issue_staff_token(admin)[0],
        "street_token": issue_staff_token(street)[0],
    }


def search(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gonghui.members.search import search_members

    User = get_user_model()
    personas = {
        "city admin": User.objects.get(username="demo-admin"),
        "street handler": User.objects.get(username="demo-street"),
    }
    from gonghui.members.models import Member

    rng = random.Random(7)
    picked = list(Member.objects.filter(source="bench").order_by("?")[:repeat])
    names = list(Member.objects.filter(source="bench").values_list("name", flat=True)[:5000])
    queries = {
        "member number": [m.member_number for m in picked],
        "ID number": [m.id_number for m in picked],
        "phone": [m.phone for m in picked],
        "full name": [rng.choice(names) for _ in range(repeat)],
        "surname": [rng.choice(names)[0] for _ in range(repeat)],
    }
    timings = []
    for persona, user in personas.items():
        for kind, qs in queries.items():
            for q in qs[:5]:
                search_members(user, q)  # warm the caches
            lat, hits = [], 0
            for q in qs:
                t0 = time.perf_counter()
                found = search_members(user, q)
                lat.append(time.perf_counter() - t0)
                hits += len(found)
            lat.sort()
            timings.append(
                {
                    "persona": persona,
                    "kind": kind,
                    "n": len(lat),
                    "p50_ms": percentile(lat, 50) * 1000,
                    "p95_ms": percentile(lat, 95) * 1000,
                    "hits": hits / len(lat),
                }
            )
    from gonghui.orgs import access

    # The same query search_members runs for a surname (no ORDER BY, see search.py).
    qs = (
        access.scoped(Member.objects.all(), personas["city admin"], "org__path")
        .filter(name__startswith="张")
        .order_by()[:20]
    )
    with connection.cursor() as c:
        sql, params = qs.query.sql_with_params()
        c.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan_lines = [r[0] for r in c.fetchall()]
    exec_ms = next(
        (float(x.split(":")[1].split()[0]) for x in plan_lines if x.startswith("Execution Time")),
        0.0,
    )
    return {"timings": timings, "plan": " / ".join(plan_lines[:4]), "plan_ms": exec_ms}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    action = sys.argv[1]
    if action == "prepare":
        result = prepare(int(sys.argv[2]), sys.argv[3])
    elif action == "count":
        result = count()
    elif action == "grow":
        result = grow(int(sys.argv[2]))
    else:
        result = search(int(sys.argv[2]))
    print("RESULT " + json.dumps(result, ensure_ascii=False))
