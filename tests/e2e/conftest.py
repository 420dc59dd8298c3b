"""Browser tests: Playwright (sync API) driving Debian's Chromium against live_server.

live_server forces a transactional database that is flushed after every test, so
tests that need the demo logins ask for ``demo_data``, which seeds it when missing.
"""

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from playwright.sync_api import Browser, Page, expect, sync_playwright

from gonghui.core.testing import copy_tables_in, copy_tables_out
from gonghui.demo.services import DEMO_PASSWORD, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A shared machine can be slow; a real failure still shows within seconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

PHONE_VIEWPORT = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, so the browser outlives no other test (see below)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps`", pytrace=False)
    # Playwright's sync API keeps an event loop running in the test thread, and Django
    # refuses ORM calls from a thread with a running loop unless this is set. It is set
    # only while the browser runs: subprocesses that other tests start (manage.py check
    # --deploy) must not inherit it.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Return a factory of pages, each in its own context (own cookies), in Chinese.

    Uncaught JavaScript errors on any page fail the test.
    """
    contexts = []
    errors: list[str] = []

    def make(**options) -> Page:
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop page."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(new_page: Callable[..., Page]) -> Page:
    """A page on a 360 px wide touch phone, the workers' usual device."""
    return new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2)


# The demo rows as PostgreSQL binary COPY data per table, taken after the first seed.
_demo_rows: dict[str, bytes] = {}


@pytest.fixture
def demo_data(transactional_db) -> None:
    """Load the small demo data set (real tree, demo logins) unless it is already there.

    live_server flushes the database after every test and seeding takes seconds, so the
    first seed is copied out table by table and copied back in for later tests.
    """
    if get_user_model().objects.filter(username="demo-admin").exists():
        return
    if connection.vendor != "postgresql":
        seed("small")
    elif _demo_rows:
        copy_tables_in(_demo_rows)
    else:
        seed("small")
        _demo_rows.update(copy_tables_out())


@pytest.fixture
def log_in() -> Callable[..., None]:
    """Return a function that signs a page in to the staff console through the login form."""

    def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/console/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).to_have_url(re.compile(r"/console/$"))

    return log_in


@pytest.fixture
def sign_in_code(_sms_log: Path) -> Callable[[str], str]:
    """Return a function that reads the 6-digit code in the latest text to a phone.

    The code is texted before the page that asks for it is sent, so it is there to read.
    """

    def sign_in_code(phone: str) -> str:
        lines = [json.loads(line) for line in _sms_log.read_text("utf-8").splitlines()]
        texts = [line["text"] for line in lines if line["to"] == phone]
        assert texts, f"no text message to {phone} in {_sms_log}"
        match = re.search(r"(?<!\d)\d{6}(?!\d)", texts[-1])
        assert match, f"no 6-digit code in {texts[-1]!r}"
        return match.group()

    return sign_in_code
