"""The 中文 / English switch re-renders console and H5 pages in the chosen language."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect


def english(text: str) -> str:
    """Return the English translation of ``text``, failing when it has none yet."""
    with translation.override("en"):
        translated = translation.gettext(text)
    assert translated != text, (
        f"no English for {text!r} in locale/en/LC_MESSAGES/django.mo (run `make messages`)"
    )
    return translated


@pytest.mark.browser
def test_it_switches_a_console_page_to_english_and_back(page: Page, demo_data, log_in) -> None:
    log_in(page, "demo-district")
    menu = page.locator("nav.modules")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(menu.get_by_role("link", name="工作台", exact=True)).to_be_visible()

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(menu.get_by_role("link", name=english("工作台"), exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name=english("组织架构"), exact=True)).to_be_visible()
    expect(menu).not_to_contain_text("工作台")

    # The choice sticks: the next page is in English too.
    menu.get_by_role("link", name=english("组织架构"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(english("组织架构"))

    page.get_by_test_id("lang-zh-hans").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/console/orgs/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("组织架构")
    expect(page.get_by_test_id("lang-en")).to_have_text("English")


@pytest.mark.browser
def test_it_switches_the_h5_home_to_english_and_back(phone_page: Page) -> None:
    phone_page.goto("/h5/")
    expect(phone_page.get_by_role("link", name="手机号登录")).to_be_visible()

    phone_page.get_by_test_id("lang-en").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page).to_have_url(re.compile(r"/h5/$"))
    expect(phone_page.get_by_test_id("sign-in")).to_have_text(english("手机号登录"))
    expect(phone_page.locator(".entries")).to_contain_text(english("我要反映问题"))
    expect(phone_page.locator("body")).not_to_contain_text("手机号登录")

    phone_page.get_by_test_id("lang-zh-hans").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone_page.get_by_test_id("sign-in")).to_have_text("手机号登录")
    expect(phone_page.locator(".entries")).to_contain_text("我要反映问题")


@pytest.mark.browser
def test_the_console_menu_stays_on_one_line_at_1280px_in_english(
    new_page, demo_data, log_in
) -> None:
    page: Page = new_page(viewport={"width": 1280, "height": 800})
    log_in(page, "demo-admin")  # the city admin sees every module
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    links = page.locator("nav.modules a")
    assert links.count() >= 8
    tops = page.evaluate("[...document.querySelectorAll('nav.modules a')].map((a) => a.offsetTop)")
    assert len(set(tops)) == 1, f"the menu wraps onto {len(set(tops))} lines"
    # Nothing pushes the page wider than the window; the menu scrolls within itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    topbar_height = page.locator("header.topbar").bounding_box()["height"]
    assert topbar_height < 80, f"the top bar is {topbar_height:.0f} px high"
