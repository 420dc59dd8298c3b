"""Content-Security-Policy and the other hardening headers on every kind of page, no inline
script anywhere in the templates, gzip for worker pages, and inline data as UTF-8."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client

from gonghui.h5.views import SESSION_KEY
from gonghui.settings import content_security_policy

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / "gonghui").glob("*/templates")]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "connect-src": "'self'",
}

PAGES = [
    ("/console/login/", 200),  # console
    ("/h5/", 200),  # worker H5
    ("/h5/stations/", 200),
    ("/api/v1/docs", 200),  # API docs
    ("/api/v1/", 200),  # API JSON
    ("/h5/no-such-page/", 404),  # error pages
    ("/api/v1/no-such-route", 404),
]


def csp_directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_it_sends_the_security_headers_on_every_kind_of_page(db, path: str, status: int) -> None:
    response = Client().get(path)
    assert response.status_code == status
    csp = csp_directives(response["Content-Security-Policy"])
    for directive, value in EXPECTED_CSP.items():
        assert csp[directive] == value, directive
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=()" in policy


def test_it_sends_the_policy_on_a_signed_in_console_page(client, city_admin) -> None:
    client.force_login(city_admin.user)
    response = client.get("/console/")
    assert response.status_code == 200
    assert csp_directives(response["Content-Security-Policy"])["script-src"] == "'self'"


def _templates() -> list[Path]:
    found = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(found) > 50
    return found


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """The policy blocks inline code, so any left here would silently stop working."""
    problems = []
    for path in _templates():
        text = path.read_text("utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                problems.append(f"{path.relative_to(ROOT)}: inline {tag}")
        for handler in re.findall(r"<[a-z][^>]*\s(on[a-z]+)\s*=", text, re.I):
            problems.append(f"{path.relative_to(ROOT)}: {handler}=")
        if re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", text, re.I):
            problems.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not problems, "\n".join(problems)


def test_no_template_loads_a_script_or_style_from_another_host() -> None:
    problems = []
    for path in _templates():
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", path.read_text("utf-8"), re.I):
            if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag):
                problems.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not problems, "\n".join(problems)


def test_the_api_docs_page_runs_swagger_ui_from_our_static_files(db) -> None:
    html = Client().get("/api/v1/docs").content.decode()
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    assert scripts == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api_docs.js"]
    assert '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">' in html
    config = json.loads(
        re.search(r'<script id="swagger-settings" type="application/json">(.*?)</script>', html)[1]
    )
    assert config["url"] == "/api/v1/openapi.json"
    assert config["validatorUrl"] is None  # no schema sent to a validator host
    for name in ["swagger-ui-bundle.js", "swagger-ui.css"]:
        assert (ROOT / "static" / "vendor" / "swagger-ui" / name).stat().st_size > 100_000


def test_it_gzips_worker_pages_and_json(db) -> None:
    client = Client()
    page = client.get("/h5/stations/", headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    html = gzip.decompress(page.content).decode()
    assert "找驿站" in html
    plain = client.get("/h5/stations/")
    assert not plain.has_header("Content-Encoding")  # a client that asks for nothing
    outlines = client.get("/h5/stations/map.json", headers={"accept-encoding": "gzip"})
    assert outlines["Content-Encoding"] == "gzip"
    assert len(outlines.content) * 3 < len(gzip.decompress(outlines.content))


def test_it_does_not_gzip_answers_to_a_staff_session(client, city_admin) -> None:
    """BREACH: staff pages show personal data next to echoed input (docs/decisions.md)."""
    client.force_login(city_admin.user)
    console = client.get("/console/", headers={"accept-encoding": "gzip"})
    assert console.status_code == 200 and not console.has_header("Content-Encoding")
    assert "智慧工会" in console.content.decode()


def test_a_signed_in_worker_still_gets_gzip(courier) -> None:
    client = Client()
    session = client.session
    session[SESSION_KEY] = courier.worker.pk
    session.save()
    response = client.get("/h5/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "退出登录" in gzip.decompress(response.content).decode()


def test_page_data_writes_utf8_and_cannot_close_its_script() -> None:
    value = {"name": "望京街道", "evil": "</script><script>alert(1)</script>&<!--"}
    html = Template('{% load page_data %}{{ value|page_data:"d" }}').render(
        Context({"value": value})
    )
    assert html.startswith('<script id="d" type="application/json">')
    body = html.removeprefix('<script id="d" type="application/json">').removesuffix("</script>")
    assert "望京街道" in body and "\\u671b" not in body
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == value


def test_page_data_falls_back_to_escapes_for_a_lone_surrogate() -> None:
    html = Template('{% load page_data %}{{ value|page_data:"d" }}').render(
        Context({"value": {"text": "a\ud800b"}})
    )
    html.encode()  # would raise if the surrogate were written raw
    assert "\\ud800" in html


def test_api_json_is_utf8(db) -> None:
    response = Client().get("/api/v1/stations/nearby")  # no position: a 422 in Chinese
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.content.decode()
    assert "位置" in body and "\\u" not in body


def test_the_policy_lets_map_tiles_come_from_their_configured_host() -> None:
    assert csp_directives(content_security_policy(""))["img-src"] == "'self' data:"
    csp = csp_directives(content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png"))
    assert csp["img-src"] == "'self' data: https://tiles.example.org"
    assert csp["script-src"] == "'self'"
    assert (
        content_security_policy(settings.GONGHUI_MAP_TILE_URL) == settings.CONTENT_SECURITY_POLICY
    )
