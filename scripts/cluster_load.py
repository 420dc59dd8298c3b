"""`make cluster-load`: a bounded locust load on the loopback cluster, p95 per endpoint.

USERS (default 100) users for DURATION (default 10m), spawned at 10 per second, mixing
worker and staff journeys (scripts/locustfile.py). Starts a cluster when none runs and
stops it afterwards. Prints requests, failures and p50/p95/p99 per endpoint and writes
locust's CSV files to var/cluster-load/.
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster  # noqa: E402
import cluster_test  # noqa: E402


def main() -> None:
    users = os.environ.get("USERS", "100")
    duration = os.environ.get("DURATION", "10m")
    started = False
    state = cluster.load()
    if state is None:
        state = cluster.start(apps=2, workers=2)
        started = True
    base = f"http://127.0.0.1:{state['nginx_port']}"
    out = cluster.ROOT / "var" / "cluster-load"
    out.mkdir(parents=True, exist_ok=True)
    try:
        env = dict(os.environ)
        env["CLUSTER_API_KEY"] = cluster_test.manage(
            state, "create_api_key", "--org", "110105", "--name", "cluster-load"
        )
        env["CLUSTER_STAFF_TOKEN"] = cluster_test.staff_token(base)
        print(f"locust: {users} users for {duration} against {base}", flush=True)
        subprocess.run(
            [
                str(cluster.ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(cluster.ROOT / "scripts" / "locustfile.py"),
                "--headless",
                "-u",
                users,
                "-r",
                "10",
                "-t",
                duration,
                "--host",
                base,
                "--csv",
                str(out / "load"),
                "--only-summary",
            ],
            env=env,
            check=False,
        )
        with open(out / "load_stats.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        print(
            f"\n{'endpoint':40} {'requests':>9} {'failures':>9} {'req/s':>7} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        failures = 0
        for r in rows:
            name = r["Name"]
            print(
                f"{name[:40]:40} {r['Request Count']:>9} {r['Failure Count']:>9} "
                f"{float(r['Requests/s']):7.1f} {r['50%']:>7} {r['95%']:>7} {r['99%']:>7}"
            )
            if r["Name"] != "Aggregated":
                failures += int(r["Failure Count"])
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if failures:
            print(f"{failures} failed requests", file=sys.stderr)
            sys.exit(1)
    finally:
        if started:
            cluster.stop()


if __name__ == "__main__":
    main()
