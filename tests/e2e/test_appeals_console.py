"""An appeal's life in the staff console: recorded by the 12351 operator, dispatched,
handled by the street union, and counted on the supervisor's dashboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.appeals.models import Appeal
from gonghui.orgs.models import Org

PHONE = "13912345678"
# No place triage could read in the words: the call waits for a dispatcher.
TEXT = "我在一家公司上班，公司已经两个月没有发工资了，老板一直推脱，请工会帮忙。"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def wangjing_pk() -> int:
    return Org.objects.get(admin_code="110105026").pk


def record_call(page: Page) -> Appeal:
    """Record the call on the intake screen with the keyboard, as an operator does."""
    page.goto("/console/appeals/new/")
    expect(page.get_by_label("来电号码")).to_be_focused()
    with page.expect_response(re.compile(r"/console/appeals/new/lookup/\?phone=13912345678")):
        page.keyboard.type(PHONE)
    expect(page.get_by_test_id("earlier-none")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("诉求内容")).to_be_focused()
    page.keyboard.type(TEXT)
    page.get_by_label("姓名").fill("王师傅")
    page.get_by_label("地址").fill("某小区3号楼")
    page.get_by_label("地址").press("Control+Enter")

    expect(page).to_have_url(re.compile(r"/console/appeals/new/\?saved=\d+$"))
    appeal = Appeal.objects.get()
    expect(page.get_by_role("status")).to_contain_text(appeal.ticket_no)
    expect(page.get_by_label("来电号码")).to_have_value("")  # ready for the next call
    return appeal


@pytest.mark.browser
def test_it_records_dispatches_and_handles_an_appeal(new_page, demo_data, log_in) -> None:
    operator = new_page(**DESKTOP)
    log_in(operator, "demo-operator")
    appeal = record_call(operator)
    assert appeal.channel == "hotline" and appeal.category == "wages"
    assert appeal.status == "received"  # no street known: waits in the city's queue

    # The operator, also the city's dispatcher, finds it in the dispatch queue.
    operator.goto("/console/appeals/")
    expect(operator.get_by_test_id("tab-dispatch")).to_have_attribute("aria-current", "page")
    operator.get_by_role("link", name=appeal.ticket_no).click()
    dispatch = operator.get_by_test_id("action-dispatch")
    dispatch.get_by_test_id("typeahead").fill("望京")  # the type-ahead picks the first match
    expect(dispatch.get_by_label("承办单位")).to_have_value(str(wangjing_pk()))
    dispatch.get_by_role("button", name="派单").click()
    expect(operator.get_by_test_id("status")).to_have_text("已派单")
    expect(operator.get_by_test_id("assigned-org")).to_have_text("望京街道总工会")

    # The street handler sees it in their queue and takes it to resolution.
    handler = new_page(**DESKTOP)
    log_in(handler, "demo-street")
    handler.get_by_role("navigation", name="功能菜单").get_by_role("link", name="诉求工单").click()
    expect(handler.get_by_test_id("tab-mine")).to_have_attribute("aria-current", "page")
    handler.get_by_test_id("queue").get_by_role("link", name=appeal.ticket_no).click()
    expect(handler.get_by_test_id("phone")).to_have_text(PHONE)  # the handler calls back

    handler.get_by_test_id("action-accept").get_by_role("button", name="签收").click()
    expect(handler.get_by_test_id("status")).to_have_text("已签收")

    contact = handler.get_by_test_id("action-contact")
    contact.get_by_label("情况记录").fill("已电话联系王师傅，了解欠薪情况，明天约谈企业。")
    contact.get_by_role("button", name="已联系职工").click()
    expect(handler.get_by_test_id("status")).to_have_text("办理中")

    resolve = handler.get_by_test_id("action-resolve")
    resolve.get_by_label("答复模板").select_option(index=1)
    reply = resolve.get_by_label("答复职工")
    expect(reply).to_be_focused()
    expect(reply).to_have_value(re.compile("拖欠的工资"))
    reply.fill("您好，经协调，用人单位承诺于本月底前足额支付拖欠的工资，工会将跟踪落实。")
    reply.press("Control+Enter")
    expect(handler.get_by_test_id("status")).to_have_text("已办结")
    expect(handler.get_by_test_id("reply")).to_contain_text("本月底前足额支付")
    timeline = handler.get_by_test_id("timeline")
    for label in ["已受理", "已派单", "承办单位已签收", "已与您联系", "已办结"]:
        expect(timeline).to_contain_text(label)

    appeal.refresh_from_db()
    assert appeal.status == "resolved"
    assert list(appeal.events.values_list("action", flat=True)) == [
        "receive",
        "dispatch",
        "accept",
        "contact",
        "resolve",
    ]

    # The supervisor's dashboard draws its charts.
    supervisor = new_page(**DESKTOP)
    log_in(supervisor, "demo-district")
    supervisor.goto("/console/appeals/dashboard/")
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text("朝阳区总工会")
    trend = supervisor.locator("#trend-chart")
    expect(trend).to_have_attribute("data-ready", "1")
    expect(trend.locator("canvas")).to_have_count(1)
    box = trend.locator("canvas").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    score_map = supervisor.locator("#score-map")
    expect(score_map).to_have_attribute("data-ready", "1")
    expect(score_map.locator("canvas")).to_have_count(1)
    expect(supervisor.get_by_test_id("export")).to_have_attribute(
        "href", re.compile(r"/console/appeals/export\.xlsx\?from=\d{4}-\d{2}-\d{2}&to=")
    )
