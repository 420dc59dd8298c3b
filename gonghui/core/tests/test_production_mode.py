"""`make run` serves the demo in production mode (DEBUG off) on plain http://127.0.0.1.

The second test starts scripts/serve itself, as `make run` does, against a fresh
database, and talks to it over real HTTP.
"""

import gzip
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"
DEBUG_PAGE_SIGNS = ("URLconf", "urlpatterns", "Django tried these URL patterns", "DEBUG = True")


def test_an_unknown_url_gets_the_generic_404_page_with_debug_off(db, settings) -> None:
    settings.DEBUG = False
    response = Client().get("/console/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    for sign in DEBUG_PAGE_SIGNS:
        assert sign not in html
    # With DEBUG on, Django's page lists the URL patterns: what a stranger must not see.
    settings.DEBUG = True
    assert "URLconf" in Client().get("/console/no-such-page/").content.decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None, method: str = "GET", body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    """Run scripts/serve on a free port with a fresh migrated database; yield the port."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        pytest.fail("needs PostgreSQL: run under scripts/with-throwaway-postgres", pytrace=False)
    name = f"make_run_{os.getpid()}"
    url = urlunsplit(urlsplit(server)._replace(path="/" + name))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    # As `make db` leaves var/: the development secrets, and the database migrated.
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50))
    (tmp_path / "pii_key").write_text(Fernet.generate_key().decode())
    drop = {"DEBUG", "SECRET_KEY", "GONGHUI_PII_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SECURE_")}
    env |= {"DATABASE_URL": url, "GONGHUI_VAR_DIR": str(tmp_path), "WEB_WORKERS": "1"}
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env | {"DEBUG": "1"},
        check=True,
        timeout=300,
    )
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["scripts/serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300  # collectstatic compresses ECharts and Swagger UI
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                if _get(port, "/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # scripts/serve stops its worker and gunicorn
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_run_serves_production_mode_on_plain_http(served: int) -> None:
    port = served
    # A stranger's unknown URL: the generic page, no URL patterns, the security headers.
    response, body = _get(port, "/no-such-page/")
    html = body.decode()
    assert response.status == 404 and "页面不存在" in html
    for sign in DEBUG_PAGE_SIGNS:
        assert sign not in html
    assert response.getheader("Content-Security-Policy").startswith("default-src 'self'")
    api, body = _get(port, "/api/v1/no-such-route")
    assert api.status == 404 and api.getheader("Content-Type") == "application/json"

    # No redirect to https, no HSTS; the page is gzipped and its static files hashed.
    response, body = _get(port, "/h5/", {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None
    assert response.getheader("Content-Encoding") == "gzip"
    html = gzip.decompress(body).decode()
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    assert css, "static files are not cache-busted"
    static, body = _get(port, css[1], {"Accept-Encoding": "gzip"})
    assert static.status == 200 and static.getheader("Content-Encoding") == "gzip"
    assert "immutable" in static.getheader("Cache-Control")
    assert _get(port, "/static/css/app.css")[0].status == 404  # only hashed names are served

    # A form POST over plain http: the CSRF cookie is not Secure, and the check passes.
    response, body = _get(port, "/console/login/")
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    assert "csrftoken" in cookies and not cookies["csrftoken"]["secure"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())[1]
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken'].value}",
        "Origin": f"http://{HOST}:{port}",
    }
    post, _ = _get(
        port,
        "/i18n/setlang/",
        headers,
        "POST",
        f"csrfmiddlewaretoken={token}&language=en&next=/h5/",
    )
    assert post.status == 302 and post.getheader("Location") == "/h5/"
    refused, _ = _get(port, "/i18n/setlang/", headers, "POST", "language=en&next=/h5/")
    assert refused.status == 403
