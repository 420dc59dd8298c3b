"""A real multi-node gonghui on this machine's loopback: nginx, N app nodes, M task
workers, a PostgreSQL primary with a streaming replica, and pgbouncer.

    python scripts/cluster.py start [--apps 2] [--workers 2] [--port 0]
    python scripts/cluster.py status
    python scripts/cluster.py stop

Everything lives under one temporary directory (recorded in var/cluster.json) on free
ports; ``stop`` kills every process and removes the directory. Nothing touches the
development database. The fault and load tests are in scripts/cluster_test.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "cluster.json"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL server binaries not found (make cluster installs them)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL and pgbouncer refuse to run as root: run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.getuid() == 0 else cmd


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def step(msg: str) -> None:
    print(f"  · {msg}", flush=True)


# --- the parts -------------------------------------------------------------------------


def init_primary(d: Path, port: int) -> None:
    run(
        as_postgres(
            [
                str(pg_bin() / "initdb"),
                "-D",
                str(d),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        stdout=subprocess.DEVNULL,
    )
    with open(d / "postgresql.conf", "a") as fh:
        fh.write(
            "\n# gonghui cluster\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {port}\n"
            f"unix_socket_directories = '{d.parent}'\n"
            "wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\n"
            "max_connections = 200\nshared_buffers = 256MB\n"
            # Durable like production: the backup/restore and fault checks mean it.
            "fsync = on\nsynchronous_commit = on\n"
        )


def start_pg(d: Path, log: Path) -> None:
    run(
        as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(d), "-l", str(log), "-w", "start"]),
        stdout=subprocess.DEVNULL,
    )


def stop_pg(d: Path, mode: str = "fast") -> None:
    subprocess.run(
        as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(d), "-m", mode, "-w", "stop"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def make_replica(primary_port: int, d: Path, port: int) -> None:
    run(
        as_postgres(
            [
                str(pg_bin() / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary_port),
                "-U",
                "postgres",
                "-D",
                str(d),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
    )
    with open(d / "postgresql.conf", "a") as fh:
        fh.write(f"\n# replica\nport = {port}\n")


def write_pgbouncer(tmp: Path, port: int, primary_port: int) -> Path:
    (tmp / "userlist.txt").write_text('"postgres" ""\n')
    ini = tmp / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"gonghui = host=127.0.0.1 port={primary_port} dbname=gonghui\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {tmp / 'userlist.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 2000\ndefault_pool_size = 40\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {tmp / 'pgbouncer.log'}\npidfile = {tmp / 'pgbouncer.pid'}\n"
        "admin_users = postgres\n"
    )
    return ini


def write_nginx(tmp: Path, port: int, app_ports: list[int]) -> Path:
    ngx = tmp / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (ngx / sub).mkdir(parents=True, exist_ok=True)
        (ngx / sub).chmod(0o777)
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in app_ports)
    conf = ngx / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {ngx}/nginx.pid;
error_log {ngx}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {ngx}/access.log;
  client_body_temp_path {ngx}/body;
  proxy_temp_path {ngx}/proxy;
  fastcgi_temp_path {ngx}/fastcgi;
  uwsgi_temp_path {ngx}/uwsgi;
  scgi_temp_path {ngx}/scgi;
  client_max_body_size 13m;
  upstream gonghui {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://gonghui;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # A refused or failed connection goes to the next node; a POST that reached a
      # node is never re-sent (nginx retries non-idempotent requests only before they
      # were sent), so the client retries it with its Idempotency-Key.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }}
  }}
}}
""")
    return conf


def app_env(state: dict, *, direct: bool = False) -> dict:
    """The environment every app node, worker and command of the cluster runs with."""
    env = dict(os.environ)
    db = state["primary_port"] if direct else state["pgbouncer_port"]
    env.update(
        DEBUG="0",
        SECRET_KEY=state["secret_key"],
        GONGHUI_PII_KEY=state["pii_key"],
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        GONGHUI_VAR_DIR=str(Path(state["dir"]) / "var"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{db}/gonghui",
        LOG_LEVEL="WARNING",
        # A claim a killed worker left behind is taken over after 10 s (120 s default).
        GONGHUI_OUTBOX_CLAIM_SECONDS="10",
        # All load comes from one loopback address: the per-address limit of the public
        # station search would measure the throttle, not the cluster.
        GONGHUI_NEARBY_PER_MINUTE="1000000",
    )
    if not direct:
        env["DATABASE_POOLER"] = "1"
        env["DATABASE_REPLICA_URL"] = (
            f"postgres://postgres@127.0.0.1:{state['replica_port']}/gonghui"
        )
    return env


def spawn(state: dict, name: str, cmd: list[str], *, direct: bool = False) -> int:
    with open(Path(state["dir"]) / f"{name}.log", "ab") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=app_env(state, direct=direct),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    state["pids"][name] = proc.pid
    return proc.pid


def start_app(state: dict, i: int) -> int:
    port = state["app_ports"][i]
    return spawn(
        state,
        f"app{i + 1}",
        [
            GUNICORN,
            "gonghui.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(state["gunicorn_workers"]),
            "--graceful-timeout",
            "5",
            "--access-logfile",
            "-",
        ],
    )


def start_worker(state: dict, i: int) -> int:
    return spawn(state, f"worker{i + 1}", [PY, "manage.py", "worker", "--sweep-interval", "2"])


def wait_http(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urlopen(url, timeout=2) as r:  # noqa: S310 - loopback URL we built
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def kill(pid: int, sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def save(state: dict) -> None:
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state, indent=2))


def load() -> dict | None:
    return json.loads(STATE.read_text()) if STATE.exists() else None


# --- commands --------------------------------------------------------------------------


def start(
    apps: int = 2, workers: int = 2, port: int = 0, gunicorn_workers: int = 2, seed: bool = True
) -> dict:
    if load():
        sys.exit("a cluster is already running (make cluster-stop first)")
    for tool in ("nginx", "pgbouncer"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} not found (make cluster installs it)")
    tmp = Path(tempfile.mkdtemp(prefix="gonghui-cluster."))
    tmp.chmod(0o755)
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres")
    (tmp / "var").mkdir()
    (tmp / "var").chmod(0o777)
    state = {
        "dir": str(tmp),
        "primary_port": free_port(),
        "replica_port": free_port(),
        "pgbouncer_port": free_port(),
        "nginx_port": port or free_port(),
        "app_ports": [free_port() for _ in range(apps)],
        "workers": workers,
        "gunicorn_workers": gunicorn_workers,
        "secret_key": secrets.token_urlsafe(40),
        "pii_key": subprocess.check_output(
            [
                PY,
                "-c",
                "from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())",
            ],
            text=True,
        ).strip(),
        "pids": {},
    }
    save(state)
    t0 = time.monotonic()
    print(f"gonghui cluster in {tmp}")
    step(f"PostgreSQL primary on 127.0.0.1:{state['primary_port']}")
    init_primary(tmp / "primary", state["primary_port"])
    start_pg(tmp / "primary", tmp / "primary.log")
    run(
        [
            str(pg_bin().parent / "bin" / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(state["primary_port"]),
            "-U",
            "postgres",
            "gonghui",
        ]
    )
    step("schema and demo data (migrate, seed_demo small, laws, triage model)")
    env = app_env(state, direct=True)
    for cmd in (
        ["migrate", "--noinput", "-v", "0"],
        *(
            [["seed_demo", "--scale", "small", "--force"], ["import_laws"], ["train_triage"]]
            if seed
            else []
        ),
    ):
        run(
            [PY, "manage.py", *cmd],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    step(f"streaming replica (pg_basebackup, hot standby) on 127.0.0.1:{state['replica_port']}")
    make_replica(state["primary_port"], tmp / "replica", state["replica_port"])
    start_pg(tmp / "replica", tmp / "replica.log")
    step(f"pgbouncer (transaction pooling) on 127.0.0.1:{state['pgbouncer_port']}")
    ini = write_pgbouncer(tmp, state["pgbouncer_port"], state["primary_port"])
    run(as_postgres(["pgbouncer", "-d", str(ini)]))
    run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=app_env(state, direct=True),
    )
    for i in range(apps):
        start_app(state, i)
    for i in range(workers):
        start_worker(state, i)
    save(state)
    for i, p in enumerate(state["app_ports"]):
        wait_http(f"http://127.0.0.1:{p}/healthz")
        step(f"app node {i + 1}: gunicorn ({gunicorn_workers} workers) on 127.0.0.1:{p}")
    step(f"{workers} task workers (manage.py worker)")
    conf = write_nginx(tmp, state["nginx_port"], state["app_ports"])
    run(["nginx", "-c", str(conf), "-p", str(tmp / "nginx")])
    url = f"http://127.0.0.1:{state['nginx_port']}/"
    wait_http(url + "healthz")
    step(f"nginx balancing {apps} app nodes on {url}")
    print(f"ready in {time.monotonic() - t0:.0f} s: {url}  (make cluster-stop removes it)")
    return state


def status() -> None:
    state = load()
    if not state:
        print("no cluster running")
        return
    print(f"cluster in {state['dir']}, URL http://127.0.0.1:{state['nginx_port']}/")
    for name, pid in state["pids"].items():
        print(f"  {name:10} pid {pid:7} {'up' if alive(pid) else 'DOWN'}")


def stop() -> None:
    state = load()
    if not state:
        print("no cluster running")
        return
    tmp = Path(state["dir"])
    subprocess.run(
        ["nginx", "-c", str(tmp / "nginx" / "nginx.conf"), "-p", str(tmp / "nginx"), "-s", "stop"],
        stderr=subprocess.DEVNULL,
    )
    for pid in state["pids"].values():
        kill(pid)
    pidfile = tmp / "pgbouncer.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
    for d in ("replica", "primary", "restore"):
        if (tmp / d).exists():
            stop_pg(tmp / d, "immediate")
    time.sleep(0.5)
    for pid in state["pids"].values():
        kill(pid, signal.SIGKILL)
    shutil.rmtree(tmp, ignore_errors=True)
    STATE.unlink(missing_ok=True)
    print(f"cluster stopped and {tmp} removed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--apps", type=int, default=int(os.environ.get("APPS", 2)))
    s.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", 0)))
    sub.add_parser("status")
    sub.add_parser("stop")
    args = parser.parse_args()
    if args.cmd == "start":
        try:
            start(args.apps, args.workers, args.port)
        except BaseException:
            stop()
            raise
    elif args.cmd == "status":
        status()
    else:
        stop()


if __name__ == "__main__":
    main()
