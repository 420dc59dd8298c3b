"""Nearest 10 open stations with two amenity filters (charging and water).

In process, at 100,000 positions (BENCH_STATIONS_COUNT): a synthetic network placed
like the demo data (70 % around the urban core, the rest over the city's bounding box),
realistic schedules (24-hour, daytime, past-midnight), built into the grid index; 2,000
queries at random points of the core at a fixed Monday 14:00, timed one by one. Beside
it, the same queries on the same snapshot by a brute-force scan: every row in Python
(``index.brute_force``, 50 queries) and every row vectorised in numpy (distance and
mask over all rows, then the hours of the nearest first), and the answers compared.

Through HTTP, at the demo city network (8,300 warm stations, about 10,790 positions):
a fresh database, ``migrate``, ``import_org_tree``, ``seed_stations --scale city``, then
gunicorn with 2 workers as in bench_http, and GET /api/v1/stations/nearby with
``amenity=charging&amenity=water&open_now=1&at=...`` from 4 clients cycling through 200
points for BENCH_HTTP_SECONDS (5) s; one client alone for the service time.
"""

from __future__ import annotations

import http.client
import os
import random
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.common import fresh_database, log, manage, percentile, row

COUNT = int(os.environ.get("BENCH_STATIONS_COUNT", "100000"))
QUERIES = 2000
BRUTE_QUERIES = 50
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "5"))
HTTP_CLIENTS = 4


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()


def synthetic_rows(n: int, rng: random.Random) -> list[tuple]:
    from gonghui.stations.choices import AMENITY_BITS, Kind

    kinds = [Kind.WARM_STATION] * 8 + Kind.values
    always = [[["00:00", "24:00"]]] * 7
    day = [[["08:00", "20:00"]]] * 7
    night = [[["18:00", "06:00"]]] * 7
    office = [[["09:00", "17:30"]]] * 5 + [[], []]
    common = ["water", "rest", "charging", "toilet", "heating", "cooling", "microwave"]
    rows = []
    for i in range(n):
        if rng.random() < 0.7:
            lat, lng = rng.gauss(39.9087, 0.085), rng.gauss(116.3975, 0.11)
        else:
            lat, lng = rng.uniform(39.44, 41.06), rng.uniform(115.42, 117.51)
        mask = sum(AMENITY_BITS[a] for a in common if rng.random() < 0.6)
        hours = rng.choices([always, day, night, office], weights=[15, 55, 10, 20])[0]
        rows.append((i + 1, lat, lng, mask, rng.choice(kinds), "open", hours, False))
    return rows


def numpy_scan(snap, lat, lng, *, mask, at, limit=10, radius_m=5000):
    """Brute force, vectorised: distance and mask over all rows, hours nearest first."""
    import numpy as np

    from gonghui.stations import hours as hours_mod
    from gonghui.stations.index import _haversine

    local = hours_mod.local(at)
    ok = (snap.mask & mask) == mask
    ok &= snap.in_service
    rows = np.nonzero(ok)[0]
    dist = _haversine(lat, lng, snap.lat[rows], snap.lng[rows])
    near = dist <= radius_m
    rows, dist = rows[near], dist[near]
    order = np.lexsort((rows, dist))
    out = []
    for j in order:
        if snap.schedules[rows[j]].open_at(local):
            out.append(int(snap.ids[rows[j]]))
            if len(out) == limit:
                break
    return out


def in_process(n: int) -> list[dict]:
    from gonghui.stations.choices import AMENITY_BITS
    from gonghui.stations.hours import SHANGHAI
    from gonghui.stations.index import StationIndex, brute_force, build_arrays

    rng = random.Random(12351)
    t0 = time.perf_counter()
    snap = build_arrays(1, synthetic_rows(n, rng), {})
    build_s = time.perf_counter() - t0
    idx = StationIndex()
    mask = AMENITY_BITS["charging"] | AMENITY_BITS["water"]
    at = datetime(2025, 3, 3, 14, 0, tzinfo=SHANGHAI)
    points = [(rng.gauss(39.9087, 0.06), rng.gauss(116.3975, 0.08)) for _ in range(QUERIES)]
    for lat, lng in points[:50]:  # warm-up
        idx.nearest(lat, lng, required_mask=mask, open_at=at, snapshot=snap)
    grid, results = [], []
    for lat, lng in points:
        t = time.perf_counter()
        hits = idx.nearest(lat, lng, required_mask=mask, open_at=at, snapshot=snap)
        grid.append(time.perf_counter() - t)
        results.append([h.id for h in hits])
    scan, scan_np, mismatches = [], [], 0
    for i, (lat, lng) in enumerate(points[:BRUTE_QUERIES]):
        t = time.perf_counter()
        want = [h.id for h in brute_force(snap, lat, lng, required_mask=mask, open_at=at)]
        scan.append(time.perf_counter() - t)
        t = time.perf_counter()
        want_np = numpy_scan(snap, lat, lng, mask=mask, at=at)
        scan_np.append(time.perf_counter() - t)
        mismatches += (want != results[i]) + (want_np != results[i])
    for lst in (grid, scan, scan_np):
        lst.sort()
    found = sum(len(r) for r in results) / len(results)
    label = f"{n:,}"
    rows = [
        row(
            f"stations in-process ({label}): index build",
            build_s,
            "s",
            "",
            "numpy arrays + grid cells",
        ),
        row(
            f"stations in-process ({label}): nearest 10 open, 2 amenities, p95",
            percentile(grid, 95) * 1000,
            "ms",
            "< 5 ms",
            f"p50 {percentile(grid, 50) * 1000:.2f} ms, max {grid[-1] * 1000:.2f} ms, "
            f"{QUERIES} queries, {found:.1f} results on average",
        ),
        row(
            f"stations in-process ({label}): brute-force Python scan, p95",
            percentile(scan, 95) * 1000,
            "ms",
            "",
            f"p50 {percentile(scan, 50) * 1000:.1f} ms, {BRUTE_QUERIES} queries",
        ),
        row(
            f"stations in-process ({label}): brute-force numpy scan, p95",
            percentile(scan_np, 95) * 1000,
            "ms",
            "",
            f"p50 {percentile(scan_np, 50) * 1000:.2f} ms; answers differing from the index: "
            f"{mismatches} of {2 * BRUTE_QUERIES}",
        ),
    ]
    if mismatches:
        raise RuntimeError(f"index and brute force disagree on {mismatches} answers")
    rows += app_path(n, snap, points, mask, at, grid)
    return rows


def app_path(n: int, snap, points, mask, at, alone: list[float]) -> list[dict]:
    """The app's path (the index checking its version row, as the API calls it) beside
    the index alone, in the same run: checked at most every 0.25 s, and on every query
    (how it was before 2026-12-02)."""
    from dataclasses import replace

    from django.core.management import call_command

    from gonghui.stations.index import CHECK_SECONDS, StationIndex, current_version

    call_command("migrate", "core", verbosity=0)  # the version row's table, nothing else
    version_snap = replace(snap, version=current_version())
    out = []
    for label, every in ((f"every {CHECK_SECONDS} s", CHECK_SECONDS), ("every query", 0.0)):
        idx = StationIndex(check_every=every, local=False)
        idx._snapshot = version_snap
        times = []
        for lat, lng in points:
            t = time.perf_counter()
            idx.nearest(lat, lng, required_mask=mask, open_at=at)
            times.append(time.perf_counter() - t)
        times.sort()
        ratio = percentile(times, 50) / percentile(alone, 50)
        out.append(
            row(
                f"stations in-process ({n:,}): app path, version checked {label}, p50 / index alone",
                ratio,
                "x",
                "<= 1.5" if every else "",
                f"p50 {percentile(times, 50) * 1000:.3f} ms vs {percentile(alone, 50) * 1000:.3f} ms "
                f"alone; p95 {percentile(times, 95) * 1000:.3f} ms",
            )
        )
    return out


def _http_load(
    port: int, paths: list[str], clients: int, seconds: float
) -> tuple[list[float], int, float]:
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    go = threading.Event()
    window = {}

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        go.wait()
        k = i
        while time.perf_counter() < window["deadline"]:
            path = paths[k % len(paths)]
            k += clients
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            if ok:
                lat[i].append(time.perf_counter() - t)
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
    return sorted(x for lst in lat for x in lst), sum(errors), time.perf_counter() - start


def _stale_after_write(port: int, path: str, env: dict) -> int:
    """Suspend the first station of ``path`` from another process; count stale answers."""
    import json

    from benchmarks.bench_http import request

    for _ in range(4):  # make sure both workers have built their index
        request(port, "GET", path)
    status, body = request(port, "GET", path)
    first = json.loads(body)["results"][0]["id"]
    code = (
        "from django.db import transaction\n"
        "from gonghui.stations.index import bump_version\n"
        "from gonghui.stations.models import Position\n"
        "with transaction.atomic():\n"
        f"    Position.objects.filter(pk={first}).update(status='suspended')\n"
        "    bump_version()\n"
    )
    manage(["shell", "-c", code], env)
    # Another process may answer from the old index for CHECK_SECONDS after a change.
    time.sleep(0.3)
    stale = 0
    for _ in range(40):
        status, body = request(port, "GET", path)  # a new connection each time
        ids = [r["id"] for r in json.loads(body)["results"]]
        stale += first in ids
    return stale


def through_http() -> list[dict]:
    from benchmarks.bench_http import (
        free_port,
        request,
        server_env,
        start_server,
        stop_server,
        wait_for_health,
    )

    rows: list[dict] = []
    with (
        fresh_database("bench_stations") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp) | {"GONGHUI_NEARBY_PER_MINUTE": "100000000"}
        log("  stations: migrate, import_org_tree, seed_stations --scale city --force")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["import_org_tree", "-v", "0"], env)
        seconds, out = manage(["seed_stations", "--scale", "city", "--force", "-v", "0"], env)
        rows.append(
            row("stations: seed_stations --scale city", seconds, "s", "", out.strip()[-120:])
        )
        manage(["collectstatic", "--noinput", "-v", "0"], env)
        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        proc = start_server(port, env, logfile, 2, "stations")
        try:
            wait_for_health(port, proc, logfile)
            rng = random.Random(5)
            paths = []
            for _ in range(200):
                q = {
                    "lat": f"{rng.gauss(39.9087, 0.06):.6f}",
                    "lng": f"{rng.gauss(116.3975, 0.08):.6f}",
                    "crs": "wgs84",
                    "open_now": "1",
                    "at": "2025-03-03T14:00:00+08:00",
                    "limit": "10",
                }
                paths.append(
                    "/api/v1/stations/nearby?" + urlencode(q) + "&amenity=charging&amenity=water"
                )
            status, body = request(port, "GET", paths[0])
            if status != 200:
                raise RuntimeError(f"nearby answered {status}: {body[:300]!r}")
            _http_load(port, paths, HTTP_CLIENTS, 1.5)  # warm-up: both workers build their index
            single, err1, el1 = _http_load(port, paths, 1, 3)
            many, err, elapsed = _http_load(port, paths, HTTP_CLIENTS, HTTP_SECONDS)
            if err or err1:
                raise RuntimeError(f"{err + err1} failed requests:\n{logfile.read_text()[-3000:]}")
            import json

            n_results = len(json.loads(body)["results"])
            stale = _stale_after_write(port, paths[0], env)
            rows += [
                row(
                    "stations http (city demo network, 8,300 warm): nearby p95, 1 client",
                    percentile(single, 95) * 1000,
                    "ms",
                    "< 20 ms",
                    f"p50 {percentile(single, 50) * 1000:.1f} ms, {len(single) / el1:.0f} req/s; "
                    f"first answer had {n_results} results",
                ),
                row(
                    f"stations http: nearby p95, {HTTP_CLIENTS} clients",
                    percentile(many, 95) * 1000,
                    "ms",
                    "",
                    f"p50 {percentile(many, 50) * 1000:.1f} ms, {len(many) / elapsed:.0f} req/s, "
                    "2 gunicorn workers on the shared 2-core machine",
                ),
                row(
                    "stations http: answers still showing a station suspended by another process",
                    stale,
                    "of 40",
                    "<= 0",
                    "manage.py shell suspends the nearest station and changes the version row; "
                    "40 new connections then spread over both gunicorn workers",
                ),
            ]
            if stale:
                raise RuntimeError(f"{stale} of 40 answers came from a stale index")
        finally:
            stop_server(proc)
    return rows


def run() -> list[dict]:
    _setup_django()
    rows = in_process(COUNT)
    rows += in_process(8300)
    rows += through_http()
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
