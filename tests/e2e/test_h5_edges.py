"""The rough edges of the worker pages (issue 11, section 2), each seen on a 360 px phone
by a worker who is really new: phone numbers outside every range the demo generates
(its workers use 137/138/139/147/158/186 and the bulk appeals 135-188; these use 166/199)."""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from gonghui.accounts.models import Worker
from gonghui.appeals import services as appeals
from gonghui.core import pii
from gonghui.members import services as members
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from tests.e2e.test_stations import _station

WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _fits_360(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, f"page scrolls sideways: {widths}"


@pytest.fixture
def sign_in(sign_in_code) -> Callable[[Page, str], None]:
    """Sign a phone page in as ``phone``, typed in full-width digits as a Chinese keyboard
    does, with the code typed the same way."""

    def run(page: Page, phone: str, next_url: str = "/h5/") -> None:
        page.goto(f"/h5/sign-in/?next={next_url}")
        page.get_by_label("手机号").fill(phone.translate(WIDE))
        page.get_by_role("button", name="获取验证码").click()
        page.get_by_label("验证码").fill(sign_in_code(phone).translate(WIDE))
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))

    return run


@pytest.mark.browser
def test_full_width_digits_sign_in_and_the_resend_button_counts_down(
    demo_data, phone_page: Page, sign_in_code
) -> None:
    phone = "16612340001"
    phone_page.goto("/h5/sign-in/")
    phone_page.get_by_label("手机号").fill(phone.translate(WIDE))
    phone_page.get_by_role("button", name="获取验证码").click()
    resend = phone_page.get_by_test_id("resend")
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(re.compile(r"^\d{1,2}秒后可重新获取$"))
    seconds = int(re.match(r"\d+", resend.inner_text()).group())
    assert 50 <= seconds <= 60
    expect(resend).not_to_have_text(f"{seconds}秒后可重新获取")  # it really counts down
    phone_page.get_by_label("验证码").fill(sign_in_code(phone).translate(WIDE))
    phone_page.get_by_role("button", name="登录", exact=True).click()
    expect(phone_page).to_have_url(re.compile(r"/h5/$"))
    assert Worker.objects.filter(phone_hash=pii.digest(pii.PHONE, phone)).exists()
    _fits_360(phone_page)


@pytest.mark.browser
def test_a_signed_in_worker_sees_hotline_appeals_and_tracks_without_the_digits(
    demo_data, phone_page: Page, sign_in
) -> None:
    phone = "16612340002"
    appeal, _created = appeals.create_appeal(
        appeals.Intake(
            text="打热线反映：站点扣了我两个月的派件费，一直不给结算。",
            phone=phone,
            channel="hotline",
        ),
        actor_label="hotline",
    )
    sign_in(phone_page, phone, "/h5/my/")
    item = phone_page.get_by_role("link", name=re.compile(re.escape(appeal.ticket_no)))
    expect(item).to_be_visible()
    phone_page.goto("/h5/track/")
    expect(phone_page.get_by_test_id("signed-in-hint")).to_be_visible()
    phone_page.get_by_label("工单号").fill(appeal.ticket_no)
    phone_page.get_by_role("button", name="查询", exact=True).click()
    expect(phone_page).to_have_url(re.compile(rf"/h5/my/{re.escape(appeal.ticket_no)}/$"))
    expect(phone_page.get_by_test_id("status")).to_be_visible()
    expect(phone_page.get_by_text("站点扣了我两个月的派件费")).to_be_visible()
    _fits_360(phone_page)


@pytest.mark.browser
def test_joining_picks_district_then_street_with_the_declaration_and_the_card_says_pending(
    demo_data, phone_page: Page, sign_in
) -> None:
    phone = "16612340003"
    sign_in(phone_page, phone, "/h5/members/")
    expect(phone_page.get_by_test_id("member-state")).to_have_attribute("data-status", "none")
    phone_page.goto("/h5/members/card/")
    expect(phone_page.get_by_test_id("card-pending")).to_contain_text("入会后才有会员卡")
    phone_page.get_by_role("link", name="我要入会").click()

    phone_page.get_by_label("姓名").fill("周边测")
    phone_page.get_by_label("身份证号").fill(make_id_number(88))
    phone_page.get_by_label("新就业形态（平台灵活就业）").check()
    phone_page.get_by_label("快递员").check()
    street = phone_page.get_by_label("您居住的街道（乡镇）")
    expect(street).to_be_disabled()  # the district comes first
    phone_page.get_by_label("您居住的区").select_option("海淀区")
    options = street.locator("option").all_inner_texts()
    assert "八里庄街道（海淀区）" in options and "八里庄街道（朝阳区）" not in options
    assert "中关村街道" in options and "望京街道" not in options
    phone_page.get_by_label("您居住的区").select_option("朝阳区")
    baliz = Org.objects.get(short_name="八里庄街道", parent__short_name="朝阳区")
    street.select_option(str(baliz.pk))

    # Without the declaration the browser itself stops the submission.
    phone_page.get_by_role("button", name="提交入会申请").click()
    expect(phone_page).to_have_url(re.compile(r"/h5/members/join/$"))
    with phone_page.expect_popup() as popup:
        phone_page.get_by_test_id("privacy-link").click()
    notice = popup.value
    expect(notice.get_by_test_id("privacy-notice")).to_contain_text("我们收集什么")
    notice.close()
    phone_page.get_by_test_id("declaration").check()
    phone_page.get_by_test_id("privacy-consent").check()
    _fits_360(phone_page)
    phone_page.get_by_role("button", name="提交入会申请").click()

    expect(phone_page.get_by_test_id("member-state")).to_have_attribute("data-status", "pending")
    phone_page.goto("/h5/members/card/")
    pending = phone_page.get_by_test_id("card-pending")
    expect(pending).to_contain_text("会员卡在等入会审核")
    expect(pending).to_contain_text("八里庄街道")
    _fits_360(phone_page)


@pytest.mark.browser
def test_the_member_card_date_stays_on_one_line(demo_data, phone_page: Page, sign_in) -> None:
    phone = "19912340002"
    sign_in(phone_page, phone)
    worker = Worker.objects.get(phone_hash=pii.digest(pii.PHONE, phone))
    wangjing = Org.objects.get(admin_code="110105026")
    app = members.submit_application(
        members.JoinRequest(
            name="卡日期",
            id_number=make_id_number(89),
            job_type="courier",
            street_id=wangjing.pk,
            declaration=True,
            privacy_consent=True,
        ),
        worker=worker,
    )
    members.approve_application(app, actor=get_user_model().objects.get(username="demo-admin"))
    phone_page.goto("/h5/members/card/")
    joined = phone_page.get_by_test_id("joined-on")
    expect(joined).to_be_visible()
    line = phone_page.evaluate(
        "(el) => parseFloat(getComputedStyle(el).lineHeight) || 20", joined.element_handle()
    )
    assert joined.bounding_box()["height"] < 1.5 * line, "the card's date wraps"
    _fits_360(phone_page)


@pytest.mark.browser
def test_a_typed_place_searches_from_its_own_point_and_asks_which_one(
    demo_data, phone_page: Page
) -> None:
    station = _station(name="望京边缘测试驿站", hours=[[["00:00", "23:59"]] for _ in range(7)])
    phone_page.goto("/h5/stations/")
    place = phone_page.get_by_label("或输入所在的街道（乡镇）、地名或区")
    place.fill("望京")
    phone_page.get_by_role("button", name="查找", exact=True).click()
    status = phone_page.locator("#status")
    expect(status).to_contain_text("从朝阳区望京查找")
    expect(status).not_to_contain_text("按所在区的中心点查找")
    first = phone_page.get_by_test_id("station-item").first
    expect(first).to_contain_text(station.name)
    meters = re.search(r"(\d+) 米", first.inner_text())
    assert meters and int(meters.group(1)) < 1000, first.inner_text()
    expect(first).to_contain_text(re.compile(r"(今天|明天|周.) \d\d:\d\d (关门|开门)"))
    station_map = phone_page.get_by_test_id("station-map")
    expect(station_map).to_have_attribute("data-ready", "1")
    assert station_map.bounding_box()["y"] < first.bounding_box()["y"], "map above the list"

    place.fill("八里庄")
    phone_page.get_by_role("button", name="查找", exact=True).click()
    candidates = phone_page.get_by_test_id("candidates")
    expect(candidates.get_by_role("button")).to_have_count(2)
    candidates.get_by_role("button", name="八里庄街道（海淀区）").click()
    expect(status).to_contain_text("从海淀区八里庄街道查找")
    expect(candidates).to_be_hidden()
    _fits_360(phone_page)


@pytest.mark.browser
def test_check_in_and_rating_answer_where_the_worker_tapped(
    demo_data, phone_page: Page, sign_in
) -> None:
    station = _station(name="原地反馈测试驿站", hours=[[["00:00", "23:59"]] for _ in range(7)])
    sign_in(phone_page, "19912340001", f"/h5/stations/{station.pk}/")
    expect(phone_page.get_by_test_id("open-state")).to_contain_text(
        re.compile(r"今天 23:59 关门|明天 00:00 开门")
    )
    charging = phone_page.get_by_label("充电")
    # the control sits beside its label, in a row, not above it in a centred column
    box = charging.bounding_box()
    text = phone_page.locator("#checkin label.choice", has_text="充电").locator("span")
    label_box = text.bounding_box()
    assert (
        label_box["x"] > box["x"]
        and abs((label_box["y"] + label_box["height"] / 2) - (box["y"] + box["height"] / 2)) < 8
    )
    charging.check()
    button = phone_page.get_by_test_id("check-in")
    button.scroll_into_view_if_needed()
    before = phone_page.evaluate("window.scrollY")
    button.click()
    notice = phone_page.get_by_test_id("notice")
    expect(notice).to_contain_text("已记录")
    expect(notice).to_be_in_viewport()
    assert (
        phone_page.evaluate("window.scrollY") > 0
        and abs(phone_page.evaluate("window.scrollY") - before) < 200
    ), "the page jumped"
    assert station.checkins.count() == 1

    phone_page.locator("#rate label.choice", has_text="4").click()
    phone_page.get_by_label("意见（选填）").fill("热水很方便")
    phone_page.get_by_test_id("rate-submit").click()
    rate_notice = phone_page.get_by_test_id("rate-notice")
    expect(rate_notice).to_contain_text("评价已提交")
    expect(rate_notice).to_be_in_viewport()
    expect(phone_page.get_by_test_id("average")).to_contain_text("平均 4.0 分（1 人评价）")
    assert station.ratings.get().score == 4
    _fits_360(phone_page)
