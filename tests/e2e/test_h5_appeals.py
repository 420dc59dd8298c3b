"""A worker on a 360 px phone signs in by code, files an appeal, keeps the receipt and
tracks it with the ticket number and the last 4 digits of the phone."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

PHONE = "13900000002"
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给，我们十几个人都没拿到钱。"
WANGJING = {"latitude": 39.9965, "longitude": 116.4700}
MIN_TAP_PX = 48
PHONE_OPTIONS = {  # as the phone_page fixture, plus what this test lets the page do
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}

# Everything a thumb has to hit on an H5 page, and what of it is narrower than the phone.
TAP_TARGETS = """() => [...document.querySelectorAll(
  "main a, main button, main select, main textarea, main label.choice, main label.check, " +
  "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
)].filter((el) => el.offsetParent !== null).map((el) => {
  const box = el.getBoundingClientRect();
  return { what: el.outerHTML.slice(0, 80), height: box.height, left: box.left, right: box.right };
})"""


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "orange").save(out, "PNG")
    return out.getvalue()


def assert_fits_a_phone(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 360, f"{page.url} scrolls sideways: {widths}"
    targets = page.evaluate(TAP_TARGETS)
    assert targets
    small = [t for t in targets if t["height"] < MIN_TAP_PX]
    assert not small, f"{page.url}: tap targets under {MIN_TAP_PX} px: {small}"
    outside = [t for t in targets if t["left"] < 0 or t["right"] > 360]
    assert not outside, f"{page.url}: outside the screen: {outside}"


@pytest.mark.browser
def test_it_files_an_appeal_and_tracks_it_on_a_360px_phone(
    new_page, sign_in_code, demo_data, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page = new_page(
        **PHONE_OPTIONS,
        geolocation=WANGJING,
        permissions=["geolocation", "clipboard-read", "clipboard-write"],
    )

    # Signed out: the tile leads through sign-in by code and back to the form.
    page.goto("/h5/")
    page.get_by_role("link", name="我要反映问题").click()
    expect(page).to_have_url(re.compile(r"/h5/sign-in/\?next=/h5/appeal/new/$"))
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(sign_in_code(PHONE))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/h5/appeal/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("我要反映问题")
    assert_fits_a_phone(page)

    counter = page.locator("#text-count")
    page.get_by_label("遇到了什么问题").fill("工资没发")
    expect(counter).to_have_text("已写 4 个字，还差 6 个字")
    page.get_by_label("遇到了什么问题").fill(TEXT)
    expect(counter).to_have_text(f"已写 {len(TEXT)} 个字（最多 4000 个字）")
    page.locator("label.choice", has_text="投诉").click()
    page.get_by_label("问题分类（选填，不清楚可以不选）").select_option(label="拖欠工资与劳动报酬")
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("#location-status")).to_have_text("已记录您的位置，工会会就近安排办理。")
    expect(page.locator("input[name=lat]")).to_have_value(re.compile(r"^39\.99"))
    page.get_by_label("单位名称").fill("北京某快递公司")
    page.get_by_label("匿名反映").check()
    page.get_by_label("照片或文件（选填）").set_input_files(
        [{"name": "工资条.png", "mimeType": "image/png", "buffer": photo()}]
    )
    expect(page.locator("#attachments-status")).to_have_text("已选 1 个：工资条.png")
    page.get_by_role("button", name="提交", exact=True).click()

    # The receipt: the ticket number, big and copyable, and what happens next.
    expect(page).to_have_url(re.compile(r"/h5/appeal/12351-\d{8}-\d{6}/receipt/$"))
    ticket = page.locator("#ticket-no").inner_text()
    assert re.fullmatch(r"12351-\d{8}-\d{6}", ticket)
    assert ticket in page.url
    lines = page.locator("#ticket-no").evaluate(
        "el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)"
    )
    assert round(lines) == 1, f"the ticket number wraps onto {lines:.1f} lines"
    expect(page.get_by_role("heading", name="接下来会怎样")).to_be_visible()
    assert_fits_a_phone(page)
    page.get_by_role("button", name="复制工单号").click()
    expect(page.locator("#copy-status")).to_have_text("已复制，可以粘贴保存")
    assert page.evaluate("navigator.clipboard.readText()") == ticket

    # Tracking: the ticket comes along; signed in, the worker is not asked for the digits.
    page.get_by_role("link", name="查询办理进度").click()
    expect(page).to_have_url(re.compile(rf"/h5/my/{re.escape(ticket)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("办理进度")
    expect(page.locator(".ticket-inline")).to_have_text(ticket)
    expect(page.get_by_test_id("status")).to_have_text("已受理")
    expect(page.locator(".timeline li")).to_have_count(1)
    expect(page.locator(".timeline")).to_contain_text("已受理")
    expect(page.locator("body")).not_to_contain_text(PHONE)
    assert_fits_a_phone(page)

    # The same appeal is in "my appeals".
    page.get_by_role("link", name="我的诉求").click()
    expect(page.locator(".my-appeals li")).to_have_count(1)
    expect(page.locator(".my-appeals")).to_contain_text(ticket)
    assert_fits_a_phone(page)


@pytest.mark.browser
def test_it_says_kindly_when_the_location_is_refused(phone_page: Page, sign_in_code) -> None:
    phone_page.goto("/h5/appeal/new/")
    phone_page.get_by_label("手机号").fill(PHONE)
    phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.get_by_label("验证码").fill(sign_in_code(PHONE))
    phone_page.get_by_role("button", name="登录", exact=True).click()
    expect(phone_page).to_have_url(re.compile(r"/h5/appeal/new/$"))

    phone_page.get_by_role("button", name="使用我的位置").click()
    expect(phone_page.locator("#location-status")).to_have_text(
        "没有获得位置权限。没关系，请在上面填写地址。"
    )
    expect(phone_page.locator("input[name=lat]")).to_have_value("")
