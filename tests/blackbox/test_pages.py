"""The pages people open render with production settings (DEBUG off, hashed static files).

The unit tests render pages with DEBUG on, where a template naming a static file that
collectstatic did not collect still works; with the manifest storage it is a 500.
"""

import re

import pytest

STATIC = re.compile(r'(?:src|href)="(/static/[^"]+)"')

CONSOLE_PAGES = [
    "/console/",
    "/console/audit/",
    "/console/orgs/",
    "/console/orgs/coverage/",
    "/console/appeals/",
    "/console/appeals/new/",
    "/console/appeals/callbacks/",
    "/console/appeals/dashboard/",
    "/console/stations/",
    "/console/stations/new/",
    "/console/stations/round/",
    "/console/stations/coverage/",
    "/console/members/",
    "/console/members/search/",
    "/console/members/transfers/",
    "/console/members/organising/",
    "/console/members/meetings/",
    "/console/members/drives/",
    "/console/members/stats/",
    "/console/knowledge/",
    "/console/warnings/",
    "/console/warnings/hot-topics/",
]
PUBLIC_PAGES = [
    "/h5/",
    "/h5/sign-in/",
    "/h5/track/",
    "/h5/stations/",
    "/console/login/",
    "/api/v1/docs",
]


def static_files_answer(client, html: str) -> None:
    for path in set(STATIC.findall(html)):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_renders_the_public_pages(anonymous, path):
    page = anonymous.get(path)

    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    static_files_answer(anonymous, page.text)


def test_it_renders_every_console_page_for_the_city_admin(browser_session):
    console = browser_session("city_admin")

    failed = {}
    for path in CONSOLE_PAGES:
        page = console.client.get(path)
        if page.status_code != 200:
            failed[path] = page.status_code
    assert failed == {}
    home = console.client.get("/console/")
    static_files_answer(console.client, home.text)
    assert "bb-city_admin" in home.text or "管理员" in home.text
