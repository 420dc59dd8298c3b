"""Rights protection in the browser: a mediator takes an application in the console,
moves it to an agreement and opens the agreement PDF; the worker follows the case on a
360 px phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from gonghui.orgs.models import Org
from gonghui.rights import services
from gonghui.rights.models import Dispute

PHONE = "13900000077"


@pytest.mark.browser
def test_it_takes_an_application_to_an_agreement_with_its_pdf(page: Page, demo_data, log_in):
    # The first page of a session can take over 10 s on a loaded shared machine (measured
    # 14 s at load 20; the second 0.4 s): warm up with a longer timeout.
    page.goto("/console/login/", timeout=60_000)
    log_in(page, "demo-street")
    page.goto("/console/rights/disputes/new/")
    page.get_by_label("口头申请（当场记录申请人基本情况、争议事项、理由和时间）").check()
    page.get_by_label("姓名", exact=True).fill("周杰")
    page.get_by_label("手机号", exact=True).fill(PHONE)
    page.get_by_label("名称", exact=True).fill("北京望京某餐饮有限公司")
    page.get_by_label("劳动报酬（工资）", exact=True).fill("8000")
    page.get_by_label("经济补偿", exact=True).fill("4000.50")
    page.get_by_label("争议事项和理由").fill("口述：拖欠两个月工资，违法解除<b>劳动合同</b>。")
    page.get_by_role("button", name="登记").click()

    expect(page).to_have_url(re.compile(r"/console/rights/disputes/\d+/$"))
    dispute = Dispute.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dispute.case_no)
    expect(page.get_by_test_id("arbitration-from")).to_contain_text(
        dispute.arbitration_right_from.isoformat()
    )
    expect(page.get_by_text("口述：拖欠两个月工资，违法解除<b>劳动合同</b>。")).to_be_visible()
    expect(page.locator("[data-step=agree]")).to_have_count(0)

    page.locator("[data-step=accept]").get_by_role("button").click()
    agree = page.locator("[data-step=agree]")
    expect(agree).to_be_visible()
    agree.get_by_label("履行期限").fill(timezone.localdate().isoformat())
    agree.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已达成调解协议")

    link = page.get_by_test_id("agreement-pdf")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


@pytest.mark.browser
def test_it_shows_the_worker_their_case_on_a_360px_phone(phone_page: Page, demo_data, sign_in_code):
    street = Org.objects.get(admin_code="110105026")
    handler = get_user_model().objects.get(username="demo-street")
    dispute = services.create_dispute(
        services.DisputeIntake(
            channel="written",
            applicants=[{"name": "周杰", "phone": PHONE}],
            employer_name="北京望京某餐饮有限公司",
            claims=[{"kind": "wages", "amount": "8000"}],
            facts="拖欠工资。",
        ),
        org=street,
        actor=handler,
    )
    phone_page.goto(f"/h5/rights/disputes/{dispute.pk}/")
    expect(phone_page).to_have_url(re.compile(r"/h5/sign-in/"))
    phone_page.get_by_label("手机号").fill(PHONE)
    phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.get_by_label("验证码").fill(sign_in_code(PHONE))
    phone_page.get_by_role("button", name="登录", exact=True).click()

    expect(phone_page).to_have_url(re.compile(rf"/h5/rights/disputes/{dispute.pk}/$"))
    expect(phone_page.get_by_test_id("dispute-state")).to_contain_text("已收到申请")
    expect(phone_page.get_by_test_id("arbitration-from")).to_contain_text(
        dispute.arbitration_right_from.isoformat()
    )
    expect(phone_page.get_by_test_id("timeline")).to_contain_text("收到调解申请")
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[1] == 360 and widths[0] <= 360, widths
