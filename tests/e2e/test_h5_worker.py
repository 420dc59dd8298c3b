"""Worker H5 pages on a 360 px phone: the home tiles and sign-in by text-message code."""

import re

import pytest
from playwright.sync_api import Page, expect

ENTRY_TILES = ["我要反映问题", "查询办理进度", "找驿站", "我要入会", "我的会员"]
MIN_TAP_PX = 44
PHONE = "13900000001"


@pytest.mark.browser
def test_it_fits_the_home_page_on_a_360px_phone(phone_page: Page) -> None:
    phone_page.goto("/h5/")

    sign_in = phone_page.get_by_role("link", name="手机号登录")
    expect(sign_in).to_be_visible()
    tiles = phone_page.get_by_role("navigation", name="服务入口").locator(".entry")
    expect(tiles).to_have_count(len(ENTRY_TILES))
    for tile, label in zip(tiles.all(), ENTRY_TILES, strict=True):
        expect(tile).to_be_visible()
        expect(tile).to_contain_text(label)

    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[1] == 360, f"layout viewport is {widths[1]} px, not the phone's 360 px"
    assert widths[0] <= 360, f"page scrolls sideways: {widths[0]} px wide"

    for target in [sign_in, *tiles.all()]:
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= MIN_TAP_PX, f"{target.inner_text()!r} is {box['height']} px tall"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360


@pytest.mark.browser
def test_it_signs_a_worker_in_with_a_text_message_code(phone_page: Page, sign_in_code) -> None:
    phone_page.goto("/h5/")
    phone_page.get_by_role("link", name="手机号登录").click()
    expect(phone_page).to_have_url(re.compile(r"/h5/sign-in/$"))

    phone_page.get_by_label("手机号").fill(PHONE)
    phone_page.get_by_role("button", name="获取验证码").click()
    expect(phone_page.get_by_text(f"验证码已发送到 {PHONE}")).to_be_visible()

    phone_page.get_by_label("验证码").fill(sign_in_code(PHONE))
    phone_page.get_by_role("button", name="登录", exact=True).click()

    expect(phone_page).to_have_url(re.compile(r"/h5/$"))
    expect(phone_page.locator(".hello")).to_contain_text("您好，139****0001")
    expect(phone_page.locator("body")).not_to_contain_text(PHONE)
    expect(phone_page.get_by_role("link", name="手机号登录")).to_have_count(0)
    expect(phone_page.get_by_role("button", name="退出登录")).to_be_visible()


@pytest.mark.browser
def test_it_rejects_an_invalid_phone_number_in_chinese(phone_page: Page, _sms_log) -> None:
    phone_page.goto("/h5/sign-in/")
    phone_page.get_by_label("手机号").fill("1234567")
    phone_page.get_by_role("button", name="获取验证码").click()

    expect(phone_page.get_by_role("alert")).to_have_text(
        "请输入有效的中国大陆手机号码（11位，以1开头）。"
    )
    expect(phone_page.get_by_label("手机号")).to_have_value("1234567")
    expect(phone_page.get_by_label("验证码")).to_have_count(0)
    assert not _sms_log.exists()
