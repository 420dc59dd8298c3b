"""Browser: a courier joins from a 360 px phone, a street handler approves in the
console, and the courier sees the electronic member card; a staff scan verifies it."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org

PHONE = "13900000066"
MIN_TAP_PX = 44


def _fits_360(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[1] == 360 and widths[0] <= 360, f"page scrolls sideways: {widths}"


@pytest.mark.browser
def test_a_courier_joins_a_handler_approves_and_the_courier_sees_the_card(
    demo_data, new_page, phone_page: Page, log_in, sign_in_code
) -> None:
    wangjing = Org.objects.get(admin_code="110105026")
    id_number = make_id_number(77)

    # The courier opens 我要入会 from the home page and signs in by text-message code.
    phone_page.goto("/h5/")
    phone_page.get_by_role("link", name=re.compile("我要入会")).click()
    phone_page.get_by_label("手机号").fill(PHONE)
    phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.get_by_label("验证码").fill(sign_in_code(PHONE))
    phone_page.get_by_role("button", name="登录", exact=True).click()
    expect(phone_page).to_have_url(re.compile(r"/h5/members/join/$"))

    # One short form: name, ID number, gig work as a courier, the street.
    phone_page.get_by_label("姓名").fill("王快递")
    phone_page.get_by_label("身份证号").fill(
        id_number[:-1] + "0" if id_number[-1] != "0" else id_number[:-1] + "1"
    )
    phone_page.get_by_label("新就业形态（平台灵活就业）").check()
    expect(phone_page.get_by_label("单位名称")).to_be_hidden()
    phone_page.get_by_label("在哪个平台接单（选填）").select_option("sf")
    phone_page.get_by_label("快递员").check()
    phone_page.get_by_label("您居住的区").select_option("朝阳区")
    phone_page.get_by_label("您居住的街道（乡镇）").select_option(str(wangjing.pk))
    phone_page.get_by_test_id("declaration").check()
    phone_page.get_by_test_id("privacy-consent").check()
    _fits_360(phone_page)
    submit = phone_page.get_by_role("button", name="提交入会申请")
    assert submit.bounding_box()["height"] >= MIN_TAP_PX
    submit.click()
    # A mistyped ID number is refused in plain words, and nothing typed is lost.
    expect(phone_page.get_by_role("alert")).to_contain_text("身份证号码无效")
    expect(phone_page.get_by_label("姓名")).to_have_value("王快递")
    expect(phone_page.get_by_label("快递员")).to_be_checked()
    phone_page.get_by_label("身份证号").fill(id_number)
    phone_page.get_by_role("button", name="提交入会申请").click()

    expect(phone_page).to_have_url(re.compile(r"/h5/members/me/$"))
    state = phone_page.get_by_test_id("member-state")
    expect(state).to_have_attribute("data-status", "pending")
    expect(state).to_contain_text("望京街道总工会")
    _fits_360(phone_page)

    # The street handler approves it in the console queue.
    console = new_page(viewport={"width": 1280, "height": 900})
    log_in(console, "demo-street")
    console.get_by_role("navigation", name="功能菜单").get_by_role(
        "link", name="会员与建会"
    ).click()
    row = console.get_by_test_id("applications").locator("tr", has_text="王快递")
    expect(row).to_contain_text("快递员")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(console.get_by_role("status")).to_contain_text("已批准 王快递 入会")
    expect(console.get_by_test_id("applications")).not_to_contain_text("王快递")

    # The courier sees the membership and the card with its QR code.
    phone_page.reload()
    expect(state).to_have_attribute("data-status", "active")
    phone_page.get_by_role("link", name="电子会员卡").click()
    card = phone_page.get_by_test_id("member-card")
    expect(card).to_contain_text("王快递")
    number = phone_page.get_by_test_id("member-number").inner_text()
    assert re.fullmatch(r"110105\d{11}", number), number
    qr = phone_page.locator(".member-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    _fits_360(phone_page)
    expect(phone_page.locator("body")).not_to_contain_text(id_number)

    # A staff member scans it: the verify page says valid, with masked data only.
    verify = phone_page.locator(".member-qr").get_attribute("data-verify-url")
    console.goto(verify)
    result = console.get_by_test_id("verify-result")
    expect(result).to_have_attribute("data-valid", "true")
    expect(result).to_contain_text(number)
    expect(result).to_contain_text("王*递")
    expect(console.locator("body")).not_to_contain_text(id_number)
