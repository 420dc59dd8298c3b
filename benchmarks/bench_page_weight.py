"""Bytes on the wire of each worker page's first load, as production serves it.

The server runs as in bench_http (gunicorn, DEBUG off, collected static files) on a
fresh database seeded with ``--scale small``. Chromium (Debian's, through Playwright)
signs a worker in by text-message code and files one appeal, then opens every worker
page in a fresh context (empty cache, the worker's cookies) and records every request
that first load makes: the page and the scripts, styles and JSON it fetches, including
those its scripts fetch before the network goes idle. Each of those URLs is then fetched
again with ``Accept-Encoding: gzip`` (what every phone browser accepts) and counted as
it crosses the wire: status line, headers and body.

``python benchmarks/bench_page_weight.py --root DIR`` measures another checkout (for
a before/after comparison; DIR needs its own static/vendor).
"""

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_http import (
    HOST,
    free_port,
    server_env,
    start_server,
    stop_server,
    wait_for_health,
)
from benchmarks.common import PYTHON, ROOT, fresh_database, log, row

CHROMIUM = "/usr/bin/chromium"
LIMIT_KB = 100
PHONE = "13911112222"
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给，我该怎么办？"


@dataclass
class Weight:
    label: str
    path: str
    requests: int = 0
    wire: int = 0  # bytes: status line, headers and body as sent
    plain: int = 0  # the same bodies uncompressed
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def kb(self) -> float:
        return self.wire / 1024

    def note(self) -> str:
        kinds = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(self.by_kind.items()))
        return (
            f"{self.path}: {self.requests} requests ({kinds} KB); "
            f"{self.plain / 1024:.0f} KB uncompressed"
        )


def _kind(content_type: str) -> str:
    if "html" in content_type:
        return "html"
    if "javascript" in content_type:
        return "js"
    if "css" in content_type:
        return "css"
    if "json" in content_type:
        return "json"
    return content_type.split(";")[0] or "other"


def wire_size(port: int, path: str, cookie: str) -> tuple[int, int, str]:
    """GET ``path`` with gzip accepted; return (bytes on the wire, body bytes decoded, kind)."""
    import gzip

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Accept-Encoding": "gzip", "Cookie": cookie, "User-Agent": "bench"}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        head = len(f"HTTP/1.1 {resp.status} {resp.reason}\r\n") + 2
        head += sum(len(f"{k}: {v}\r\n".encode()) for k, v in resp.getheaders())
        if resp.status != 200:
            raise RuntimeError(f"{path} answered {resp.status} on a second fetch")
        plain = gzip.decompress(body) if resp.getheader("Content-Encoding") == "gzip" else body
        return head + len(body), len(plain), _kind(resp.getheader("Content-Type", ""))
    finally:
        conn.close()


def first_load(browser, base: str, state: dict, path: str, then=None) -> list[str]:
    """Open ``path`` in a fresh context; return the same-origin URLs its first load fetched
    (and those of ``then(page)``, when given)."""
    context = browser.new_context(
        base_url=base,
        storage_state=state,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        urls: list[str] = []
        page.on("requestfinished", lambda r: urls.append(r.url))
        response = page.goto(path)
        if response is None or response.status != 200:
            raise RuntimeError(f"{path} answered {response and response.status}")
        page.wait_for_load_state("networkidle")
        final = urlsplit(page.url)
        if final.path != urlsplit(base + path).path:
            raise RuntimeError(f"{path} ended at {page.url}, not the page itself")
        if then is not None:
            then(page)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    origin = urlsplit(base).netloc
    seen: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc == origin and url not in seen:
            seen.append(url)
    return [urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "") for u in seen]


def search_by_place(page) -> None:
    """Type a district on the find page and wait for the map of the results."""
    page.get_by_label("或输入所在的区、街道（乡镇）").fill("朝阳区")
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_selector("#station-map[data-ready='1']")


def sign_in_and_file(browser, base: str, sms_log: Path) -> tuple[dict, str]:
    """Sign a worker in by code and file one appeal; return (storage state, ticket number)."""
    context = browser.new_context(base_url=base, locale="zh-CN")
    page = context.new_page()
    page.goto("/h5/sign-in/?next=/h5/appeal/new/")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").wait_for()
    texts = [json.loads(line)["text"] for line in sms_log.read_text("utf-8").splitlines()]
    code = re.search(r"(?<!\d)\d{6}(?!\d)", texts[-1]).group()
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/h5/appeal/new/$"))
    page.get_by_label("遇到了什么问题").fill(TEXT)
    choice = page.locator("label.choice", has_text="投诉")
    if choice.count():
        choice.first.click()
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/receipt/$"))
    ticket = page.url.rstrip("/").split("/")[-2]
    state = context.storage_state()
    context.close()
    return state, ticket


def measure(port: int, var_dir: Path) -> list[Weight]:
    from playwright.sync_api import sync_playwright

    base = f"http://{HOST}:{port}"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/api/v1/stations/nearby?lat=39.9087&lng=116.3975&crs=gcj02&radius_m=30000")
    stations = json.loads(conn.getresponse().read())["results"]
    conn.close()
    if not stations:
        raise RuntimeError("no station near the city centre in the demo data")
    station = stations[0]["id"]

    weights: list[Weight] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            state, ticket = sign_in_and_file(browser, base, var_dir / "sms.log")
            signed_out = {"cookies": [], "origins": []}
            pages = [
                ("home, signed out", "/h5/", signed_out),
                ("sign in", "/h5/sign-in/", signed_out),
                ("home", "/h5/", state),
                ("raise a problem", "/h5/appeal/new/", state),
                ("receipt", f"/h5/appeal/{ticket}/receipt/", state),
                ("track", "/h5/track/", state),
                ("my appeals", "/h5/my/", state),
                ("my appeal", f"/h5/my/{ticket}/", state),
                ("find a station", "/h5/stations/", state),
                ("station", f"/h5/stations/{station}/", state),
                ("report at a station", f"/h5/stations/{station}/report/", state),
                ("join", "/h5/members/join/", state),
                ("my membership", "/h5/members/me/", state),
            ]
            # Not first loads: what the find page fetches once it maps a search (no target).
            after = ("find a station, then a search with its map", "/h5/stations/", state)
            for label, path, cookies in [*pages, after]:
                cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies["cookies"])
                weight = Weight(label, path)
                then = search_by_place if (label, path, cookies) == after else None
                for url in first_load(browser, base, cookies, path, then):
                    wire, plain, kind = wire_size(port, url, cookie)
                    weight.requests += 1
                    weight.wire += wire
                    weight.plain += plain
                    weight.by_kind[kind] = weight.by_kind.get(kind, 0) + wire
                log(f"  page weight: {label} {weight.kb:.1f} KB ({weight.note()})")
                weights.append(weight)
        finally:
            browser.close()
    return weights


def run(root: Path = ROOT) -> list[dict]:
    from benchmarks.common import manage

    with (
        fresh_database("bench_page_weight") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        # Plain http on loopback, as `make run` serves it: cookies not marked Secure.
        env = server_env(url, tmp) | {"SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}
        log(f"  page weight: migrate, seed_demo --scale small, collectstatic in {root}")
        if root == ROOT:
            manage(["migrate", "--noinput", "-v", "0"], env)
            manage(["seed_demo", "--scale", "small", "--force", "-v", "0"], env)
            manage(["collectstatic", "--noinput", "-v", "0"], env)
        else:
            import subprocess

            for args in (
                ["migrate", "--noinput", "-v", "0"],
                ["seed_demo", "--scale", "small", "--force", "-v", "0"],
                ["collectstatic", "--noinput", "-v", "0"],
            ):
                subprocess.run([PYTHON, "manage.py", *args], cwd=root, env=env, check=True)
        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        proc = start_server(port, env, logfile, 1, "page weight", cwd=root)
        try:
            wait_for_health(port, proc, logfile)
            started = time.perf_counter()
            weights = measure(port, Path(tmp))
            log(f"  page weight: {len(weights)} pages in {time.perf_counter() - started:.0f} s")
        finally:
            stop_server(proc)
    return [
        row(
            f"page weight: {w.label}",
            round(w.kb, 1),
            "KB",
            "" if "then" in w.label else f"<= {LIMIT_KB} KB",
            w.note(),
        )
        for w in weights
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    os.chdir(ROOT)
    for r in run(args.root.resolve()):
        print(f"{r['value']:8.1f} KB  {r['name']}  ({r['note']})")
