"""Faults and figures on the loopback cluster (scripts/cluster.py): `make cluster-test`.

1. Intake and tracking under load while app node 1 is killed (SIGKILL) and restarted,
   and task worker 1 is killed mid-sweep and restarted: every 201 is in the database
   once, every request that got no 201 was retried with its Idempotency-Key, and every
   queued text message is delivered, none twice.
2. The replica stopped: stale-tolerant reads (dashboard rates, knowledge and station
   searches) answer 200 from the primary.
3. The replica paused (WAL replay stopped): once it is more than the lag bound behind,
   the three rates equal the primary's.
4. Throughput of 1 and 2 app nodes in the same run (the same intake load).
5. Backup and restore: pg_dump restored into a fresh cluster, every table's row count
   and a checksum of the appeals equal.

Exits non-zero when any check fails; prints one table of figures at the end.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster  # noqa: E402

PY = cluster.PY
ROOT = cluster.ROOT
STAFF = ("demo-district", "demo12351")  # 朝阳区 supervisor of the demo
TEXTS = [
    "朝阳区望京街道阜通东大街的快递站拖欠我们三个月工资，站长不接电话",
    "我在朝阳区望京送外卖，平台无故封了我的账号，押金也不退",
    "朝阳区望京SOHO附近的保洁公司不给我们交社保，想问怎么办",
]
failures: list[str] = []
figures: list[tuple[str, str]] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        failures.append(what)


def psql(state: dict, sql: str, *, port: int | None = None) -> str:
    out = subprocess.run(
        [
            str(cluster.pg_bin() / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port or state["primary_port"]),
            "-U",
            "postgres",
            "-d",
            "gonghui",
            "-AtXq",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def manage(state: dict, *args: str) -> str:
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=cluster.app_env(state, direct=True),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def staff_token(base: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", json={"username": STAFF[0], "password": STAFF[1]})
    r.raise_for_status()
    return r.json()["token"]


class Intake:
    """Closed-loop intake clients: each appeal has its own Idempotency-Key and is retried
    with it until the cluster answers 201."""

    def __init__(self, base: str, key: str, run_id: str):
        self.base, self.key, self.run_id = base, key, run_id
        self.acknowledged: dict[str, str] = {}
        self.attempts = collections.Counter()
        self.errors = collections.Counter()
        self.tracked = collections.Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def one(self, client: httpx.Client, n: int, tid: int) -> None:
        idem = f"{self.run_id}-{tid}-{n}"
        body = {
            "text": f"{TEXTS[n % len(TEXTS)]}（{idem}）",
            "phone": f"1390000{n % 10000:04d}",
            "channel": "hotline",
        }
        for attempt in range(30):
            self.attempts[idem] += 1
            try:
                r = client.post(
                    "/api/v1/appeals",
                    json=body,
                    headers={"X-Api-Key": self.key, "Idempotency-Key": idem},
                )
            except httpx.HTTPError as exc:
                with self.lock:
                    self.errors[type(exc).__name__] += 1
                time.sleep(0.2 * (attempt + 1))
                continue
            if r.status_code == 201:
                ticket = r.json()["ticket_no"]
                with self.lock:
                    self.acknowledged[idem] = ticket
                t = client.get(
                    "/api/v1/appeals/track",
                    params={"ticket_no": ticket, "phone_last4": body["phone"][-4:]},
                )
                with self.lock:
                    self.tracked[t.status_code] += 1
                return
            with self.lock:
                self.errors[str(r.status_code)] += 1
            time.sleep(0.2 * (attempt + 1))

    def client_loop(self, tid: int) -> None:
        n = 0
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                self.one(client, n, tid)
                n += 1

    def run(self, clients: int, seconds: float, events: list[tuple[float, callable]]):
        threads = [threading.Thread(target=self.client_loop, args=(i,)) for i in range(clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for at, action in sorted(events, key=lambda e: e[0]):
            time.sleep(max(0.0, at - (time.monotonic() - t0)))
            action()
        time.sleep(max(0.0, seconds - (time.monotonic() - t0)))
        self.stop.set()
        for t in threads:
            t.join()
        return time.monotonic() - t0


def fault_nodes_and_workers(state: dict, base: str, key: str) -> None:
    print("1. intake under load; app node 1 and task worker 1 killed and restarted", flush=True)
    run_id = "ct" + uuid.uuid4().hex[:8]
    intake = Intake(base, key, run_id)
    pids = state["pids"]

    def kill_app():
        print("     kill -9 app node 1", flush=True)
        cluster.kill(pids["app1"], signal.SIGKILL)

    def restart_app():
        cluster.start_app(state, 0)
        cluster.save(state)
        print("     app node 1 restarted", flush=True)

    def kill_worker():
        print("     kill -9 task worker 1", flush=True)
        cluster.kill(pids["worker1"], signal.SIGKILL)

    def restart_worker():
        cluster.start_worker(state, 0)
        cluster.save(state)
        print("     task worker 1 restarted", flush=True)

    took = intake.run(
        8, 45, [(8, kill_app), (12, kill_worker), (22, restart_app), (30, restart_worker)]
    )
    acked = intake.acknowledged
    rows = psql(
        state,
        "SELECT count(*), count(DISTINCT idempotency_key), count(DISTINCT ticket_no) "
        f"FROM appeals_appeal WHERE idempotency_key LIKE '%:{run_id}-%'",
    ).split("|")
    stored, distinct_keys, distinct_tickets = map(int, rows)
    retried = sum(1 for k, v in intake.attempts.items() if v > 1)
    never = [k for k in intake.attempts if k not in acked]
    figures.append(
        (
            "intake during faults",
            f"{len(acked)} appeals in {took:.0f} s "
            f"({len(acked) / took:.1f}/s), {retried} retried, errors {dict(intake.errors)}",
        )
    )
    check(
        stored == len(acked),
        f"every 201 stored: {len(acked)} acknowledged, {stored} in the database",
    )
    check(
        distinct_keys == stored and distinct_tickets == stored,
        f"no duplicate appeals: {stored} rows, {distinct_keys} keys, {distinct_tickets} tickets",
    )
    check(not never, f"every request without a 201 was retried to one ({len(never)} gave up)")
    # Tracking is throttled per address (all of this load comes from one): 429 is right.
    check(set(intake.tracked) <= {200, 429}, f"tracking answered {dict(intake.tracked)}")

    # Every text message queued by these appeals is delivered, none twice.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        left = int(
            psql(
                state,
                "SELECT count(*) FROM core_outboxmessage WHERE status IN ('pending','sending')",
            )
        )
        if not left:
            break
        time.sleep(1)
    sms_log = Path(state["dir"]) / "var" / "sms.log"
    ids = collections.Counter()
    if sms_log.exists():
        for line in sms_log.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "id" in rec:
                ids[rec["id"]] += 1
    sent = {
        int(x)
        for x in psql(state, "SELECT id FROM core_outboxmessage WHERE status = 'sent'").split()
    }
    total = int(psql(state, "SELECT count(*) FROM core_outboxmessage"))
    dup = sum(1 for c in ids.values() if c > 1)
    lost = len(sent - set(ids))
    figures.append(
        ("notifications", f"{total} queued, {len(sent)} sent, {lost} lost, {dup} sent twice")
    )
    check(left == 0, f"outbox drained after the worker restart ({left} left)")
    check(lost == 0 and len(sent) == total, f"no message lost ({lost} missing from the transport)")
    check(dup == 0, f"no message sent twice ({dup})")


def get_rates(base: str, token: str, org_id: int) -> dict:
    # contact_due counts appeals by the day they must be contacted: today and after.
    today = date.today()
    period = {
        "org": org_id,
        "from": today.isoformat(),
        "to": today.replace(year=today.year + 1).isoformat(),
    }
    r = httpx.get(
        f"{base}/api/v1/appeals/metrics",
        params=period,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()["counts"]


def replica_commits(state: dict) -> int:
    return int(
        psql(state, "SELECT sum(xact_commit) FROM pg_stat_database", port=state["replica_port"])
    )


def fault_replica(state: dict, base: str, key: str) -> None:
    token = staff_token(base)
    headers = {"Authorization": f"Bearer {token}"}
    chaoyang = int(psql(state, "SELECT id FROM orgs_org WHERE admin_code = '110105'"))
    reads = [
        ("/api/v1/appeals/metrics", {"org": chaoyang}),
        ("/api/v1/knowledge/search", {"q": "拖欠工资怎么办"}),
        ("/api/v1/stations/nearby", {"lat": 39.99, "lng": 116.47}),
    ]

    def read_all(n: int) -> collections.Counter:
        seen = collections.Counter()
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            for i in range(n):
                path, params = reads[i % len(reads)]
                seen[c.get(path, params=params).status_code] += 1
        return seen

    print("2. stale-tolerant reads use the replica; replica stopped: they fall back", flush=True)
    before = replica_commits(state)
    seen = read_all(30)
    used = replica_commits(state) - before
    check(set(seen) == {200}, f"reads with the replica up answered {dict(seen)}")
    check(used > 0, f"the replica served them ({used} transactions on the replica)")
    cluster.stop_pg(Path(state["dir"]) / "replica", "fast")
    time.sleep(1.5)
    seen = read_all(30)
    check(set(seen) == {200}, f"reads with the replica down answered {dict(seen)}")
    cluster.start_pg(Path(state["dir"]) / "replica", Path(state["dir"]) / "replica.log")

    print("3. replica paused (WAL replay stopped): the rates stay correct", flush=True)
    time.sleep(2)
    psql(state, "SELECT pg_wal_replay_pause()", port=state["replica_port"])
    start = get_rates(base, token, chaoyang)
    run_id = "lag" + uuid.uuid4().hex[:6]
    intake = Intake(base, key, run_id)
    with httpx.Client(base_url=base, timeout=30) as c:
        for n in range(10):
            intake.one(c, n, 0)
    time.sleep(7)  # beyond the 5 s lag bound
    after = get_rates(base, token, chaoyang)
    due_sql = (
        "SELECT coalesce(sum(contact_due), 0) FROM appeals_dailystat WHERE org_path LIKE "
        f"(SELECT path FROM orgs_org WHERE id = {chaoyang}) || '%' AND day >= "
        "(now() AT TIME ZONE 'Asia/Shanghai')::date"
    )
    primary = int(psql(state, due_sql))
    replica = int(psql(state, due_sql, port=state["replica_port"]))
    check(primary > replica, f"the paused replica is really behind ({replica} < {primary})")
    check(
        after["contact_due"] == primary,
        f"the dashboard reads the primary: {after['contact_due']} == {primary}",
    )
    psql(state, "SELECT pg_wal_replay_resume()", port=state["replica_port"])
    target = psql(state, "SELECT pg_current_wal_lsn()")
    for _ in range(100):
        if (
            psql(
                state, f"SELECT pg_last_wal_replay_lsn() >= '{target}'", port=state["replica_port"]
            )
            == "t"
        ):
            break
        time.sleep(0.2)
    time.sleep(1.5)
    caught_up = get_rates(base, token, chaoyang)
    figures.append(
        (
            "paused replica",
            f"contact_due from today: before {start['contact_due']}, "
            f"primary {primary}, paused replica {replica}, dashboard {after['contact_due']}, "
            f"after catch-up {caught_up['contact_due']}",
        )
    )
    check(caught_up == after, "after catch-up the replica answers the same rates")


def throughput(state: dict, base: str, key: str) -> None:
    print("4. intake throughput, 1 and 2 app nodes, same load", flush=True)
    conf = Path(state["dir"]) / "nginx" / "nginx.conf"
    full = conf.read_text()
    results = {}
    for nodes in (1, 2, 1, 2):
        ports = state["app_ports"][:nodes]
        cluster.write_nginx(Path(state["dir"]), state["nginx_port"], ports)
        subprocess.run(
            ["nginx", "-c", str(conf), "-p", str(conf.parent), "-s", "reload"], check=True
        )
        time.sleep(1.5)
        intake = Intake(base, key, f"tp{nodes}" + uuid.uuid4().hex[:6])
        took = intake.run(16, 20, [])
        results.setdefault(nodes, []).append(len(intake.acknowledged) / took)
    conf.write_text(full)
    subprocess.run(["nginx", "-c", str(conf), "-p", str(conf.parent), "-s", "reload"], check=True)
    one, two = max(results[1]), max(results[2])
    figures.append(("intake, 1 app node", f"{one:.1f} appeals/s (best of 2)"))
    figures.append(("intake, 2 app nodes", f"{two:.1f} appeals/s (best of 2), x{two / one:.2f}"))
    load = os.getloadavg()
    figures.append(("load average during the run", f"{load[0]:.1f} on {os.cpu_count()} cores"))


def backup_restore(state: dict) -> None:
    print("5. backup and restore into a fresh cluster", flush=True)
    tmp = Path(state["dir"])
    dump = tmp / "gonghui.dump"
    t0 = time.monotonic()
    subprocess.run(
        cluster.as_postgres(
            [
                str(cluster.pg_bin() / "pg_dump"),
                "-h",
                "127.0.0.1",
                "-p",
                str(state["primary_port"]),
                "-U",
                "postgres",
                "-Fc",
                "-f",
                str(dump),
                "gonghui",
            ]
        ),
        check=True,
    )
    dumped = time.monotonic() - t0
    port = cluster.free_port()
    cluster.init_primary(tmp / "restore", port)
    cluster.start_pg(tmp / "restore", tmp / "restore.log")
    subprocess.run(
        [
            str(cluster.pg_bin() / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "gonghui",
        ],
        check=True,
    )
    t0 = time.monotonic()
    subprocess.run(
        [
            str(cluster.pg_bin() / "pg_restore"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            "gonghui",
            "--no-owner",
            str(dump),
        ],
        check=True,
    )
    restored = time.monotonic() - t0
    tables = psql(
        state, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    ).split()
    count_sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    # Stop writes from mattering: compare the dump's source rows, read while idle.
    a = psql(state, count_sql)
    b = psql(state, count_sql, port=port)
    checksum = "SELECT md5(string_agg(md5(a::text), '' ORDER BY id)) FROM appeals_appeal a"
    ca, cb = psql(state, checksum), psql(state, checksum, port=port)
    rows = sum(int(line.split("|")[1]) for line in b.splitlines())
    figures.append(
        (
            "backup and restore",
            f"{len(tables)} tables, {rows} rows; dump {dumped:.1f} s, "
            f"restore {restored:.1f} s, {dump.stat().st_size / 1e6:.1f} MB",
        )
    )
    check(a == b, "every table's row count equal after restore")
    check(ca == cb, f"appeals checksum equal ({cb[:12]}…)")
    cluster.stop_pg(tmp / "restore", "immediate")


def main() -> None:
    started = False
    state = cluster.load()
    if state is None:
        state = cluster.start(apps=2, workers=2)
        started = True
    base = f"http://127.0.0.1:{state['nginx_port']}"
    try:
        key = manage(
            state, "create_api_key", "--org", "110105", "--name", f"cluster-test {date.today()}"
        )
        fault_nodes_and_workers(state, base, key)
        fault_replica(state, base, key)
        throughput(state, base, key)
        # Nothing writes now: the dump and the live database must agree.
        for name, pid in list(state["pids"].items()):
            if name.startswith("worker"):
                cluster.kill(pid)
        time.sleep(1)
        backup_restore(state)
    finally:
        print(
            "\nfigures (scripts/cluster_test.py, "
            + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            + f", {os.cpu_count()} cores)"
        )
        for name, value in figures:
            print(f"  {name:32} {value}")
        if started:
            cluster.stop()
    if failures:
        print(f"\n{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("\nall cluster checks passed")


if __name__ == "__main__":
    main()
