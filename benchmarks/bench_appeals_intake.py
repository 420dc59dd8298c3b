"""Appeals per second through the real HTTP stack, beside PostgreSQL's raw INSERT rate.

The server runs as ``bench_http`` starts it (gunicorn, the documented production
settings, ``--workers 2``) against a fresh database migrated and seeded with
``--scale small --force``. An org API key comes from
``manage.py create_api_key --org 110000 --name bench``. The load comes from a second
process on loopback: ``wrk`` (Debian's package, installed with apt-get when missing)
with a Lua script that POSTs /api/v1/appeals with varied text, a random valid mobile
(139xxxxxxxx) and the credit code of a seeded enterprise that has a grassroots union,
so routing dispatches every appeal to a street at once.

In the same run, ``pgbench`` (from the PostgreSQL server binaries) measures the rate
of single-row INSERTs into a plain table with the same number of clients: the ceiling
that any intake path on this database could approach.

BENCH_INTAKE_CLIENTS (8) concurrent connections, BENCH_INTAKE_SECONDS (10) measured
seconds, BENCH_INTAKE_WORKERS (2) gunicorn workers (2 is the documented setting).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.bench_http import (
    HOST,
    free_port,
    load,
    request,
    server_env,
    start_server,
    stop_server,
    wait_for_health,
)
from benchmarks.common import (
    children_cpu_seconds,
    fresh_database,
    log,
    manage,
    pg_bin,
    pg_connect_args,
    row,
)

CLIENTS = int(os.environ.get("BENCH_INTAKE_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_INTAKE_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_INTAKE_WORKERS", "2"))
WARMUP_SECONDS = 2
SINGLE_SECONDS = 3
TARGET_RATE = 1000  # appeals/s on 2 cores
TARGET_SHARE = 20  # % of pgbench's raw single-row INSERT rate
TARGET_HEALTHZ_SHARE = 25  # % of GET /healthz's rate on the same node, same run (issue 17)

TEXTS = [
    "公司已经拖欠我们三个月工资了，老板一直说资金周转不开，工友们生活很困难。",
    "单位要求每天加班到晚上十点，周末也不休息，没有任何加班费，想咨询怎么维权。",
    "入职半年了公司一直没有给我缴纳社会保险和住房公积金，请工会帮忙协调。",
    "上个月在车间工作时手被机器压伤，公司不给申请工伤认定，医药费也不报销。",
    "公司突然通知我明天不用来上班了，没有书面通知也没有经济补偿，这合法吗？",
    "工作一年多了公司一直不和我签劳动合同，请问能不能要求二倍工资？",
    "工地上没有安全防护措施，高空作业不给安全带，工人们很担心出事故。",
    "我怀孕后公司要给我调岗降薪，还暗示我主动辞职，请工会帮帮我。",
    "我是外卖骑手，平台扣款规则不透明，一单超时就扣一天的钱，申诉也没人管。",
    "想申请劳动仲裁但不知道需要准备什么材料，能否提供法律援助？",
    "我们单位想成立工会，但不知道需要哪些手续，请问找哪个部门办理？",
    "家里老人重病住院，医疗费用负担很重，想申请困难职工帮扶。",
]

LUA = r"""
local texts = __TEXTS__
local usccs = __USCCS__
local headers = {["Content-Type"] = "application/json", ["X-Api-Key"] = "__KEY__"}
local n = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  created = 0
  other = 0
end

function request()
  n = n + 1
  local text = texts[math.random(#texts)] .. " 工号" .. math.random(100000, 999999)
    .. "，第" .. n .. "次反映。"
  local phone = string.format("139%08d", math.random(0, 99999999))
  local uscc = usccs[math.random(#usccs)]
  local body = '{"text":"' .. text .. '","phone":"' .. phone ..
    '","employer_uscc":"' .. uscc .. '","channel":"hotline"}'
  return wrk.format("POST", "/api/v1/appeals", headers, body)
end

"""

# Counts 201s per thread and prints wrk's summary as one JSON line; appended to every
# POST script (bench_members uses it too) after the script's own request().
COUNT_201_LUA = r"""
function response(status, hdrs, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    o = o + (t:get("other") or 0)
  end
  io.write("WRKJSON ", string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"created":%d,"other":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, c, o,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max), "\n")
end
"""

GET_LUA = r"""
function done(summary, latency, requests)
  io.write("WRKJSON ", string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"created":0,"other":0,"p50":%d,"p95":%d,"p99":%d,"max":%d}',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max), "\n")
end
"""


def lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "}"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("wrk is missing: install Debian's wrk package (apt-get install wrk)")
    log("  intake: installing wrk with apt-get")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True, capture_output=True
    )
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get install wrk did not provide a wrk binary")
    return found


def run_wrk(
    wrk: str, port: int, path: str, script: Path, clients: int, seconds: float
) -> tuple[dict, float]:
    """Run wrk; return its JSON summary and the CPU seconds wrk itself used."""
    threads = max(1, min(clients, 2))
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{clients}",
        f"-d{seconds:g}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://{HOST}:{port}{path}",
    ]
    cpu0 = children_cpu_seconds()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    cpu = children_cpu_seconds() - cpu0
    line = next((x for x in proc.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    result = json.loads(line.removeprefix("WRKJSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result, cpu


def pgbench_inserts(url: str, clients: int, seconds: float, tmp: str) -> tuple[float, str]:
    """Single-row INSERTs into a plain table with pgbench; return (tps, note)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, body text NOT NULL, "
            "phone varchar(11) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    script = Path(tmp) / "insert.sql"
    script.write_text(
        "INSERT INTO bench_raw_insert (body, phone) VALUES "
        "('公司已经拖欠我们三个月工资了，老板一直说资金周转不开。', "
        "'139' || lpad((random() * 99999999)::int::text, 8, '0'));\n"
    )
    args = pg_connect_args(url)
    cmd = [
        str(pg_bin("pgbench")),
        "-n",
        "-c",
        str(clients),
        "-j",
        str(min(clients, 2)),
        "-T",
        str(max(1, round(seconds))),
        "-f",
        str(script),
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    tps = [float(x.split("=")[1].split()[0]) for x in out.splitlines() if x.startswith("tps =")]
    if proc.returncode != 0 or not tps:
        raise RuntimeError(f"pgbench failed ({proc.returncode}):\n{out}")
    with psycopg.connect(url, autocommit=True) as conn:
        n = conn.execute("SELECT count(*) FROM bench_raw_insert").fetchone()[0]
        conn.execute("DROP TABLE bench_raw_insert")
    return tps[
        -1
    ], f"pgbench -c {clients} -j {min(clients, 2)}, one INSERT per transaction, {n} rows"


def union_usccs(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT e.uscc FROM orgs_enterprise e JOIN orgs_org u ON u.id = e.union_id "
            "WHERE u.kind = 'grassroots' ORDER BY e.id LIMIT 100"
        ).fetchall()
    if not rows:
        raise RuntimeError("the seeded database has no enterprise with a grassroots union")
    return [r[0] for r in rows]


def check_stored(url: str, counted: int) -> str:
    """Every appeal stored was dispatched at once, and today's ticket numbers have no gap."""
    import psycopg

    with psycopg.connect(url) as conn:
        total, dispatched, unassigned = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'dispatched'), "
            "count(*) FILTER (WHERE assigned_org_id IS NULL) FROM appeals_appeal"
        ).fetchone()
        gaps = conn.execute(
            "SELECT coalesce(sum(c.last - n.n), 0) FROM appeals_ticketcounter c JOIN "
            "(SELECT substr(ticket_no, 7, 8) AS d, count(*) AS n FROM appeals_appeal "
            "GROUP BY 1) n ON n.d = to_char(c.day, 'YYYYMMDD')"
        ).fetchone()[0]
    if total < counted or dispatched != total or unassigned or gaps:
        raise RuntimeError(
            f"stored {total} appeals for {counted} answered 201, {dispatched} dispatched, "
            f"{unassigned} unassigned, ticket gaps {gaps}"
        )
    return f"{total} stored (>= {counted} counted by wrk), all dispatched, no ticket gaps"


def db_activity(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        r = conn.execute(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned, "
            "tup_fetched FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return dict(zip(["commit", "ins", "upd", "del", "returned", "fetched"], r, strict=True))


QUERY_COUNT = """
import json
from django.db import connection
from django.test.utils import CaptureQueriesContext
from gonghui.appeals import services
intake = services.Intake(text="公司已经拖欠我们三个月工资了，老板一直说资金周转不开。",
                         phone="13912345678", employer_uscc=USCC)
services.create_appeal(intake, actor_label="count")
with CaptureQueriesContext(connection) as ctx:
    appeal, _ = services.create_appeal(intake, actor_label="count")
kinds = {}
for q in ctx.captured_queries:
    verb = q["sql"].split()[0].upper()
    kinds[verb] = kinds.get(verb, 0) + 1
print("QUERIES", json.dumps({"n": len(ctx.captured_queries), "kinds": kinds,
      "status": appeal.status}))
"""


ROLLUP_CHECK = """
from gonghui.appeals import metrics
from gonghui.appeals.models import DailyStat
def rows():
    return set(DailyStat.objects.values_list("org_id", "org_path", "day", *metrics.FIELDS))
kept = rows()
metrics.rebuild()
print("ROLLUP", len(kept), len(kept ^ rows()))
"""


def rollup_matches(env: dict) -> tuple[int, int]:
    """(DailyStat rows, rows that differ from a recount) after the concurrent intake."""
    _s, out = manage(["shell", "-c", ROLLUP_CHECK], env)
    line = next(x for x in out.splitlines() if x.startswith("ROLLUP "))
    n, differ = line.split()[1:]
    return int(n), int(differ)


def count_queries(env: dict, uscc: str) -> tuple[int, str]:
    """SQL statements of one create_appeal (service layer only, no HTTP or API key)."""
    _s, out = manage(["shell", "-c", QUERY_COUNT.replace("USCC", repr(uscc))], env)
    line = next(x for x in out.splitlines() if x.startswith("QUERIES "))
    data = json.loads(line.removeprefix("QUERIES "))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(data["kinds"].items(), key=lambda x: -x[1]))
    return data["n"], kinds


def run() -> list[dict]:
    wrk = ensure_wrk()
    rows: list[dict] = []
    with (
        fresh_database("bench_intake") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log(
            "  intake: migrate, seed_demo --scale small --force --no-appeals, train_triage,"
            " collectstatic (DEBUG=0)"
        )
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "--no-appeals", "-v", "0"], env)
        # As `make run` does at install: the workers load the model instead of training it.
        manage(["train_triage", "--if-missing"], env)
        manage(["collectstatic", "--noinput", "-v", "0"], env)
        _s, out = manage(["create_api_key", "--org", "110000", "--name", "bench"], env)
        key = out.strip()
        if not key.startswith("gh_"):
            raise RuntimeError(f"create_api_key printed {out!r}, not a key")
        usccs = union_usccs(url)

        script = Path(tmp) / "intake.lua"
        script.write_text(
            (LUA + COUNT_201_LUA)
            .replace("__TEXTS__", lua_list(TEXTS))
            .replace("__USCCS__", lua_list(usccs))
            .replace("__KEY__", key)
        )
        get_script = Path(tmp) / "get.lua"
        get_script.write_text(GET_LUA)

        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        proc = start_server(port, env, logfile, WORKERS, "intake")
        try:
            wait_for_health(port, proc, logfile)
            # One appeal by hand: 201, dispatched to a street.
            status, body = request(
                port,
                "POST",
                "/api/v1/appeals",
                body=json.dumps(
                    {"text": TEXTS[0], "phone": "13900000001", "employer_uscc": usccs[0]}
                ),
                headers={"Content-Type": "application/json", "X-Api-Key": key},
            )
            if status != 201:
                raise RuntimeError(f"POST /api/v1/appeals answered {status}: {body[:500]!r}")
            first = json.loads(body)
            if first["status"] != "dispatched" or not first["assigned_org"]:
                raise RuntimeError(f"the appeal was not dispatched: {first}")
            answer = f"-> {first['ticket_no']} {first['status']} to {first['assigned_org']['name']}"
            log(f"  intake: {answer}")

            # The load generators' own ceilings, against the cheapest endpoint.
            log(f"  intake: load generators on /healthz ({CLIENTS} clients, 5 s each)")
            run_wrk(wrk, port, "/healthz", get_script, CLIENTS, 1)
            hz, hz_cpu = run_wrk(wrk, port, "/healthz", get_script, CLIENTS, 5)
            cpu0 = time.process_time()
            th = load(port, "/healthz", {}, CLIENTS, 5)
            th_cpu = time.process_time() - cpu0
            rows += [
                row(
                    "intake: load generator wrk on /healthz",
                    hz["rps"],
                    "req/s",
                    "",
                    f"{CLIENTS} connections, 2 threads; wrk used {hz_cpu / hz['requests'] * 1e6:.0f} "
                    f"us CPU per request: ceiling ~{hz['requests'] / max(hz_cpu, 1e-9):,.0f} req/s "
                    f"per core; {hz['errors']} errors",
                ),
                row(
                    "intake: load generator bench_http threads on /healthz",
                    th.rps,
                    "req/s",
                    "",
                    f"{CLIENTS} threads, one process; {th_cpu / max(len(th.latencies), 1) * 1e6:.0f} "
                    f"us CPU per request: ceiling ~{len(th.latencies) / max(th_cpu, 1e-9):,.0f} "
                    f"req/s (GIL: one core at most)",
                ),
            ]

            log(f"  intake: warm-up, 1 client x {SINGLE_SECONDS} s, {CLIENTS} x {SECONDS:g} s")
            run_wrk(wrk, port, "/api/v1/appeals", script, CLIENTS, WARMUP_SECONDS)
            single, _c = run_wrk(wrk, port, "/api/v1/appeals", script, 1, SINGLE_SECONDS)
            time.sleep(2)  # idle backends flush their statistics within about a second
            before = db_activity(url)
            res, wrk_cpu = run_wrk(wrk, port, "/api/v1/appeals", script, CLIENTS, SECONDS)
            time.sleep(2)
            after = db_activity(url)
            for r in (single, res):
                if r["errors"] or r["other"] or not r["created"]:
                    raise RuntimeError(
                        f"intake load: {r}\n{logfile.read_text(errors='replace')[-4000:]}"
                    )
        finally:
            stop_server(proc)
        stored = check_stored(url, res["created"])
        log(f"  intake: {res['rps']:.0f} appeals/s; {stored}")

        log(f"  intake: pgbench, {CLIENTS} clients x {SECONDS:g} s")
        raw_tps, raw_note = pgbench_inserts(url, CLIENTS, SECONDS, tmp)
        stat_rows, differ = rollup_matches(env)
        if differ:
            raise RuntimeError(f"after intake, {differ} DailyStat rows differ from a recount")
        queries, kinds = count_queries(env, usccs[0])

    delta = {k: after[k] - before[k] for k in after}
    n = res["requests"]
    share = res["rps"] / raw_tps * 100
    rows += [
        row(
            "intake POST /api/v1/appeals: throughput",
            res["rps"],
            "appeals/s",
            f">= {TARGET_RATE}",
            f"{n} appeals, {CLIENTS} connections, {WORKERS} gunicorn workers, "
            f"{res['duration_us'] / 1e6:.1f} s, 0 errors; {stored}; the roll-up "
            f"({stat_rows} DailyStat rows) equals a recount",
        ),
        row(
            "intake: PostgreSQL raw single-row INSERT rate",
            raw_tps,
            "rows/s",
            "",
            raw_note,
        ),
        row(
            "intake: throughput / raw INSERT rate",
            share,
            "%",
            f">= {TARGET_SHARE}",
            f"{res['rps']:.0f} / {raw_tps:.0f}",
        ),
        row(
            "intake: throughput / GET /healthz (wrk), same run",
            res["rps"] / hz["rps"] * 100,
            "%",
            f">= {TARGET_HEALTHZ_SHARE}",
            f"{res['rps']:.0f} / {hz['rps']:.0f} req/s, same node, same connections",
        ),
        row("intake: p50 latency", res["p50"] / 1000, "ms", "", answer),
        row(
            "intake: p95 latency",
            res["p95"] / 1000,
            "ms",
            "",
            f"p99 {res['p99'] / 1000:.1f} ms, max {res['max'] / 1000:.1f} ms",
        ),
        row(
            "intake: p50 latency, 1 client",
            single["p50"] / 1000,
            "ms",
            "",
            f"no queueing; {single['rps']:.0f} appeals/s from one connection, "
            f"p95 {single['p95'] / 1000:.1f} ms",
        ),
        row(
            "intake: SQL statements per appeal",
            queries,
            "queries",
            "",
            f"create_appeal alone ({kinds}); over HTTP also the API key lookup and its "
            f"last_used_at UPDATE",
        ),
        row(
            "intake: database work per appeal",
            delta["commit"] / n,
            "commits",
            "",
            f"per appeal: {delta['ins'] / n:.1f} rows inserted, {delta['upd'] / n:.1f} updated, "
            f"{delta['del'] / n:.1f} deleted, {delta['fetched'] / n:.0f} fetched "
            f"(pg_stat_database); wrk used {wrk_cpu:.1f} s CPU",
        ),
    ]
    return rows
