"""Browser: markup typed into a name shows as text in chart tooltips and runs nowhere, and
no main page breaks the Content-Security-Policy (a violation listener on every page)."""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Locator, Page, expect

from gonghui.accounts.models import Worker
from gonghui.appeals import services as appeal_services
from gonghui.core.coords import gcj02_to_wgs84
from gonghui.h5.views import SESSION_KEY
from gonghui.members.models import DriveTask
from gonghui.orgs.models import Org
from gonghui.stations import services as station_services

XSS = "<img src=x onerror=window.__xss=1>"
POINT = (39.99681, 116.48035)  # GCJ-02, 望京

# Records every policy violation from the first byte of each page on.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _station(name: str):
    return station_services.create_position(
        {
            "kind": "warm_station",
            "name": name,
            "owner": Org.objects.get(admin_code="110105026"),
            "host_kind": "shop",
            "address": "朝阳区望京街道测试路1号",
            "lat": POINT[0],
            "lng": POINT[1],
            "crs": "gcj02",
            "amenities": ["water", "rest"],
            "served_groups": ["delivery"],
            "hours": [[["00:00", "24:00"]] for _ in range(7)],
        },
        actor=get_user_model().objects.get(username="demo-admin"),
    )


def show_tooltip(page: Page, chart: str, data_index: int = 0, series_index: int = 0) -> Locator:
    """Open the tooltip of one data item of the ECharts chart in ``chart`` (a selector)."""
    page.evaluate(
        """([selector, series, index]) => echarts.getInstanceByDom(document.querySelector(selector))
             .dispatchAction({ type: "showTip", seriesIndex: series, dataIndex: index })""",
        [chart, series_index, data_index],
    )
    tooltip = page.locator(f"{chart} > div").filter(has_text=XSS)
    expect(tooltip).to_be_visible()
    return tooltip


def assert_shown_as_text(page: Page, tooltip: Locator) -> None:
    assert XSS in tooltip.inner_text()
    expect(tooltip.locator("img")).to_have_count(0)
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    assert page.evaluate("window.__xss") is None


@pytest.mark.browser
def test_a_station_named_with_markup_shows_as_text_on_the_public_map(demo_data, new_page) -> None:
    station = _station(name=XSS)
    lat, lng = gcj02_to_wgs84(*POINT)
    page: Page = new_page(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": lat, "longitude": lng},
        permissions=["geolocation"],
    )
    page.goto("/h5/stations/")
    page.get_by_role("button", name="用我的位置查找").click()
    expect(page.get_by_test_id("station-item").first).to_contain_text(XSS)
    expect(page.locator("#station-map")).to_have_attribute("data-ready", "1")
    # Series 0 is the streets (silent), 1 the stations, nearest first.
    assert_shown_as_text(page, show_tooltip(page, "#station-map", series_index=1))

    page.goto(f"/h5/stations/{station.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS)
    assert page.evaluate("window.__xss") is None


@pytest.mark.browser
def test_a_drive_task_named_with_markup_shows_as_text_in_its_chart(
    demo_data, page: Page, log_in
) -> None:
    task = DriveTask.objects.filter(plan__org__admin_code="110105").order_by("number").first()
    DriveTask.objects.filter(pk=task.pk).update(title=XSS)
    log_in(page, "demo-district")
    page.goto("/console/members/drives/")
    chart = f"[data-testid=plan-{task.plan_id}] .drive-chart"
    expect(page.locator(chart)).to_have_attribute("data-ready", "1")
    assert_shown_as_text(page, show_tooltip(page, chart))


def _worker_session(page: Page, live_server, worker: Worker) -> None:
    """Sign ``worker`` in on ``page`` as the text-message code would (its session cookie)."""
    session = SessionStore()
    session[SESSION_KEY] = worker.pk
    session.create()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


@pytest.fixture
def csp_page(new_page: Callable[..., Page]) -> Callable[..., Page]:
    """Return a factory of pages that record policy violations, and fail on any at the end."""
    pages: list[Page] = []
    console: list[str] = []

    def make(**options) -> Page:
        page = new_page(**options)
        page.add_init_script(CSP_LISTENER)
        page.on(
            "console",
            lambda m: (
                console.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        pages.append(page)
        return page

    yield make
    assert not console, "\n".join(console)


def visit(page: Page, path: str, ready: str | None = None) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path}: {response and response.status}"
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    if ready:
        expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert _violations(page) == [], f"{path}: {_violations(page)}"


@pytest.mark.browser
def test_worker_pages_keep_the_content_security_policy(demo_data, csp_page, live_server) -> None:
    worker = Worker.objects.create(phone="13900000077")
    appeal, _created = appeal_services.create_appeal(
        appeal_services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。", phone=worker.phone, channel="h5"
        ),
        worker=worker,
        actor_label=f"worker:{worker.pk}",
    )
    station = _station("安全策略测试驿站")
    page = csp_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    visit(page, "/h5/sign-in/")
    _worker_session(page, live_server, worker)
    for path in [
        "/h5/",
        "/h5/appeal/new/",
        f"/h5/appeal/{appeal.ticket_no}/receipt/",
        "/h5/track/",
        "/h5/my/",
        f"/h5/my/{appeal.ticket_no}/",
        f"/h5/stations/{station.pk}/",
        f"/h5/stations/{station.pk}/report/",
        "/h5/members/join/",
        "/h5/members/me/",
        "/h5/members/card/",
        "/h5/members/transfer/",
        "/h5/no-such-page/",
    ]:
        visit(page, path)
    # The find page loads ECharts and the outlines when it first maps a result.
    visit(page, "/h5/stations/")
    page.get_by_label("或输入所在的街道（乡镇）、地名或区").fill("朝阳区")
    page.get_by_role("button", name="查找", exact=True).click()
    expect(page.locator("#station-map")).to_have_attribute("data-ready", "1")
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []


@pytest.mark.browser
def test_console_pages_and_api_docs_keep_the_content_security_policy(
    demo_data, csp_page, log_in
) -> None:
    page = csp_page(viewport={"width": 1280, "height": 900})
    visit(page, "/console/login/")
    visit(page, "/api/v1/docs", ready=".swagger-ui .info .title")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    visit(page, "/django-admin/login/")
    log_in(page, "demo-admin")
    charts = {
        "/console/orgs/": "#district-map[data-ready='1']",
        "/console/orgs/coverage/": "#coverage-chart canvas",
        "/console/appeals/dashboard/": "#score-map[data-ready='1']",
        "/console/members/stats/": "#monthly-chart[data-ready='1']",
        "/console/members/drives/": ".drive-chart[data-ready='1']",
        "/console/stations/coverage/": "#gap-map[data-ready='1']",
        "/console/warnings/hot-topics/": "h1",
    }
    for path in [
        "/console/",
        "/console/audit/",
        "/console/appeals/",
        "/console/appeals/new/",
        "/console/appeals/callbacks/",
        "/console/members/",
        "/console/members/search/",
        "/console/members/organising/",
        "/console/stations/",
        "/console/knowledge/",
        "/console/warnings/",
        "/console/no-such-page/",
    ]:
        visit(page, path)
    for path, ready in charts.items():
        visit(page, path, ready=ready)
    # The org tree opens over htmx through the delegated handler, not an inline onclick.
    page.goto("/console/orgs/")
    toggle = page.get_by_test_id("org-tree").locator("button.toggle").first
    toggle.click()
    expect(toggle).to_have_class(re.compile(r"\bopen\b"))
    expect(
        page.get_by_test_id("org-tree").locator("ul.nodes:not([hidden]) li").first
    ).to_be_visible()
    assert _violations(page) == []


@pytest.mark.browser
def test_the_listener_sees_what_the_policy_blocks(new_page: Callable[..., Page]) -> None:
    """The tests above prove nothing unless a blocked inline script is both stopped and seen."""
    page = new_page()
    page.add_init_script(CSP_LISTENER)
    page.goto("/h5/")
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__ran = 1";
            document.head.append(s);
        }"""
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in _violations(page)[0]
