"""Requests per second and latency of the production server (gunicorn, DEBUG off).

The server runs exactly as documented for production, against a fresh database
migrated and seeded with ``--scale small --force``. A small load generator (threads
and http.client, keep-alive where the server allows it) sends GET requests from
BENCH_HTTP_CLIENTS (8) clients for BENCH_HTTP_SECONDS (5) seconds per endpoint after
a one-second warm-up, on the same machine as the server and PostgreSQL.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BIN, ROOT, fresh_database, log, manage, percentile, row

WORKERS = 2
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "5"))
WARMUP_SECONDS = 1.0
SINGLE_SECONDS = 2.0  # one client alone: the service time without queueing
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    p95_target_ms: float
    needs_token: bool = False


ENDPOINTS = [
    Endpoint("GET /healthz", "/healthz", 50),
    Endpoint(
        "GET /api/v1/geo/locate", "/api/v1/geo/locate?lat=39.9087&lng=116.3975&crs=wgs84", 100
    ),
    Endpoint("GET /api/v1/orgs?kind=district", "/api/v1/orgs?kind=district", 100, True),
]


@dataclass
class LoadResult:
    latencies: list[float]  # seconds, successful requests only, sorted
    errors: int
    elapsed: float
    connections: int

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(
    port: int, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_for_health(port: int, proc: subprocess.Popen, logfile: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {proc.returncode}:\n{logfile.read_text()[-4000:]}"
            )
        try:
            status, _body = request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"/healthz not ready after {timeout:.0f} s:\n{logfile.read_text()[-4000:]}")


def start_server(
    port: int, env: dict, logfile: Path, workers: int, label: str, cwd: Path = ROOT
) -> subprocess.Popen:
    """Start gunicorn (the production settings in ``env``) on ``port`` in its own
    session, its output in ``logfile``; ``wait_for_health`` tells when it answers.
    ``cwd`` is the checkout to serve."""
    gunicorn = BIN / "gunicorn"
    cmd = [str(gunicorn), "gonghui.wsgi", "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    log(f"  {label}: {os.path.relpath(gunicorn, ROOT)} {' '.join(cmd[1:])}")
    with open(logfile, "wb") as out:
        return subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of master and workers
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: master and workers only
        proc.wait(timeout=10)


def load(port: int, path: str, headers: dict, clients: int, seconds: float) -> LoadResult:
    """Send GET ``path`` from ``clients`` threads for ``seconds``; collect latencies."""
    go = threading.Event()
    window = {}
    per_client: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    connects = [0] * clients

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        done = per_client[i]
        go.wait()
        deadline = window["deadline"]
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            if conn.sock is None:
                connects[i] += 1  # http.client reconnects when the server closed the socket
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            if ok:
                done.append(time.perf_counter() - t0)
            else:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    window["deadline"] = start + seconds
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies = sorted(x for lst in per_client for x in lst)
    return LoadResult(latencies, sum(errors), elapsed, sum(connects))


def check_once(port: int, endpoint: Endpoint, headers: dict) -> str:
    """Fetch an endpoint once, make sure it answers 200 JSON; return a short note."""
    status, body = request(port, "GET", endpoint.path, headers=headers)
    if status != 200:
        raise RuntimeError(f"{endpoint.label} answered {status}: {body[:500]!r}")
    data = json.loads(body)
    if "district" in data:
        district = (data.get("district") or {}).get("name")
        street = (data.get("street") or {}).get("name")
        return f"-> {district} / {street}"
    if "count" in data:
        return f"-> count={data['count']}"
    return f"-> {data.get('status')}"


def server_env(database_url: str, var_dir: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_PII_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        # collected static files and logs go to a temporary directory, not var/
        "GONGHUI_VAR_DIR": var_dir,
    }


def run() -> list[dict]:
    rows: list[dict] = []
    with (
        fresh_database("bench_http") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log("  http: migrate, seed_demo --scale small --force, collectstatic (DEBUG=0)")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "-v", "0"], env)
        manage(["collectstatic", "--noinput", "-v", "0"], env)

        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        started = time.perf_counter()
        proc = start_server(port, env, logfile, 2, "http")
        try:
            wait_for_health(port, proc, logfile)
            boot = time.perf_counter() - started
            rows.append(
                row("http: gunicorn start to first 200 /healthz", boot, "s", "", "2 workers")
            )
            status, body = request(
                port,
                "POST",
                "/api/v1/auth/token",
                body=json.dumps({"username": "demo-admin", "password": "demo12351"}),
                headers={"Content-Type": "application/json"},
            )
            if status != 200:
                raise RuntimeError(f"token request answered {status}: {body[:500]!r}")
            token = json.loads(body)["token"]

            for ep in ENDPOINTS:
                headers = {"Authorization": f"Bearer {token}"} if ep.needs_token else {}
                answer = check_once(port, ep, headers)
                log(f"  http: {ep.label} {answer}; warm-up, then {CLIENTS} clients x {SECONDS} s")
                load(port, ep.path, headers, CLIENTS, WARMUP_SECONDS)
                single = load(port, ep.path, headers, 1, SINGLE_SECONDS)
                res = load(port, ep.path, headers, CLIENTS, SECONDS)
                for r in (single, res):
                    if r.errors or not r.latencies:
                        raise RuntimeError(
                            f"{ep.label}: {r.errors} failed requests of "
                            f"{r.errors + len(r.latencies)}:\n{logfile.read_text()[-4000:]}"
                        )
                lat = res.latencies
                p50, p95 = percentile(lat, 50) * 1000, percentile(lat, 95) * 1000
                p99 = percentile(lat, 99) * 1000
                log(f"  http: {ep.label}: {res.rps:.0f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
                rows += [
                    row(
                        f"http {ep.label}: throughput",
                        res.rps,
                        "req/s",
                        "",
                        f"{len(lat)} requests, {CLIENTS} clients, {res.elapsed:.1f} s, "
                        f"{res.connections} connections, 0 errors",
                    ),
                    row(f"http {ep.label}: p50 latency", p50, "ms", "", answer),
                    row(
                        f"http {ep.label}: p95 latency",
                        p95,
                        "ms",
                        f"< {ep.p95_target_ms:g} ms",
                        f"p99 {p99:.1f} ms, max {lat[-1] * 1000:.1f} ms",
                    ),
                    row(
                        f"http {ep.label}: p50 latency, 1 client",
                        percentile(single.latencies, 50) * 1000,
                        "ms",
                        "",
                        f"no queueing; {single.rps:.0f} req/s from one client, "
                        f"p95 {percentile(single.latencies, 95) * 1000:.1f} ms",
                    ),
                ]
        finally:
            stop_server(proc)
    return rows
