"""The operator sees triage's suggestion and the relevant articles while taking a call,
and puts a citation into the answer with one click."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.appeals.models import Appeal
from gonghui.core import pii

PHONE = "13912345678"
TEXT = "请问公司已经三个月没发工资了，老板一直拖着不给，我该怎么办？"


@pytest.mark.browser
def test_it_suggests_a_category_and_articles_and_inserts_a_citation(page, demo_data, log_in):
    log_in(page, "demo-operator")
    page.goto("/console/appeals/new/")
    page.get_by_label("来电号码").fill(PHONE)
    page.get_by_label("诉求内容").fill(TEXT)
    page.get_by_label("诉求内容").press("Tab")
    triage = page.get_by_test_id("triage")
    expect(triage.get_by_test_id("suggested-category")).to_have_text("拖欠工资与劳动报酬")
    expect(triage.get_by_test_id("lookup-articles").locator("li").first).to_contain_text("《")

    page.get_by_label("诉求内容").press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/console/appeals/new/\?saved=\d+$"))
    appeal = Appeal.objects.get(phone_hash=pii.digest(pii.PHONE, PHONE))
    assert (appeal.category, appeal.triage_category, appeal.kind) == ("wages", "wages", "enquiry")

    saved = page.get_by_test_id("saved")
    articles = saved.get_by_test_id("articles")
    expect(articles.get_by_test_id("article").first).to_be_visible()
    answer = saved.get_by_label("答复内容")
    answer.fill("您好，")
    articles.get_by_test_id("cite").first.click()
    expect(answer).to_have_value(re.compile(r"^您好，\n(依据《.+》第.+条：|参考典型案例《|.+)"))
    value = answer.input_value()
    assert len(value) > len("您好，") + 10
    saved.get_by_role("button", name="直接答复").click()
    appeal.refresh_from_db()
    assert appeal.status == "resolved"
    assert appeal.reply.replace("\r\n", "\n") == value.replace("\r\n", "\n")


@pytest.mark.browser
def test_it_lets_the_dispatcher_correct_the_category(page, demo_data, log_in):
    from gonghui.appeals import services
    from gonghui.triage.models import Correction

    appeal, _ = services.create_appeal(
        services.Intake(text="请问单位不给交社保怎么办？", phone=PHONE), actor_label="test"
    )
    log_in(page, "demo-operator")
    page.goto(f"/console/appeals/{appeal.pk}/")
    form = page.get_by_test_id("action-recategorise")
    form.get_by_label("正确的分类").select_option("contract")
    form.get_by_role("button", name="更正分类").click()
    expect(page.get_by_test_id("category")).to_contain_text("劳动合同订立与履行")
    assert Correction.objects.get(appeal=appeal).new_value == "contract"
