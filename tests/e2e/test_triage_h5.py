"""A worker who reports the same problem again is told about the earlier report first."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.appeals import services as appeals
from gonghui.appeals.models import Appeal

PHONE = "13900000003"
EARLIER = "公司已经三个月没有发工资了，老板一直拖着不给，请工会帮忙讨薪。"
AGAIN = "公司三个月没有发工资了，老板一直拖着不给，请工会帮帮我们。"


@pytest.mark.browser
def test_it_tells_the_worker_about_an_earlier_report(phone_page, sign_in_code, demo_data):
    earlier, _ = appeals.create_appeal(appeals.Intake(text=EARLIER, phone=PHONE, channel="h5"))
    page = phone_page
    page.goto("/h5/sign-in/?next=/h5/appeal/new/")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(sign_in_code(PHONE))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/h5/appeal/new/$"))

    page.get_by_label("遇到了什么问题").fill(AGAIN)
    page.get_by_role("button", name="提交", exact=True).click()
    notice = page.get_by_test_id("already-reported")
    expect(notice).to_contain_text("您已于")
    expect(notice).to_contain_text(earlier.ticket_no)
    expect(page.get_by_label("遇到了什么问题")).to_have_value(AGAIN)  # nothing lost
    assert Appeal.objects.count() == 1

    # It is another matter after all: a second press files it.
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page).to_have_url(re.compile(r"/h5/appeal/12351-\d{8}-\d{6}/receipt/$"))
    assert Appeal.objects.count() == 2
