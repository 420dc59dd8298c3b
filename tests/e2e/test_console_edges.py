"""Issue 11 §3 in the browser: the queue's search box, the dispatch form's type-ahead
grouped by district, no 签收 for a city dispatcher on a street's appeal, 人工派单 as the
reason after a manual dispatch, and the console's own not-found page."""

import pytest
from playwright.sync_api import Page, expect

from gonghui.appeals import services
from gonghui.appeals.models import Appeal

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TEXT = "我在一家公司上班，公司已经两个月没有发工资了，老板一直推脱，请工会帮忙。独特词语甲乙"


def waiting_appeal() -> Appeal:
    appeal, _ = services.create_appeal(
        services.Intake(text=TEXT, phone="13912340000", employer_name="一家没有登记的公司")
    )
    assert appeal.status == "received" and appeal.dispatcher_org.admin_code == "110000"
    return appeal


@pytest.mark.browser
def test_it_searches_dispatches_by_type_ahead_and_hides_steps_not_mine(
    new_page, demo_data, log_in
) -> None:
    appeal = waiting_appeal()
    operator: Page = new_page(**DESKTOP)
    log_in(operator, "demo-operator")

    operator.goto("/console/appeals/?tab=dispatch")
    operator.get_by_test_id("queue-search").fill("独特词语甲乙")
    operator.get_by_test_id("queue-search").press("Enter")
    rows = operator.get_by_test_id("queue").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(appeal.ticket_no)
    operator.get_by_test_id("queue-search").fill(appeal.ticket_no)
    operator.get_by_test_id("queue-search").press("Enter")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=appeal.ticket_no).click()

    dispatch = operator.get_by_test_id("action-dispatch")
    select = dispatch.get_by_label("承办单位")
    expect(select.locator('optgroup[label="朝阳区"]')).to_have_count(1)
    expect(select.locator('optgroup[label="海淀区"]')).to_have_count(1)
    dispatch.get_by_test_id("typeahead").fill("望京")
    expect(select.locator('optgroup[label="海淀区"]')).to_be_hidden()
    expect(select.locator("option:checked")).to_have_text("望京街道总工会")
    dispatch.get_by_role("button", name="派单").click()
    expect(operator.get_by_test_id("status")).to_have_text("已派单")
    expect(operator.locator("[data-route-reason]")).to_have_text("人工派单")
    # The city's dispatcher routed it; signing for it is 望京's.
    expect(operator.get_by_test_id("action-accept")).to_have_count(0)
    expect(operator.get_by_test_id("action-return")).to_have_count(0)

    handler: Page = new_page(**DESKTOP)
    log_in(handler, "demo-street")
    handler.goto(f"/console/appeals/{appeal.pk}/")
    expect(handler.get_by_test_id("action-accept")).to_be_visible()


@pytest.mark.browser
def test_it_shows_the_consoles_not_found_page(new_page, demo_data, log_in) -> None:
    page: Page = new_page(**DESKTOP)
    log_in(page, "demo-street")
    page.goto("/console/appeals/999999999/")
    expect(page.get_by_test_id("console-not-found")).to_contain_text("不在您的工作范围内")
    expect(page.get_by_role("navigation", name="功能菜单")).to_be_visible()


@pytest.mark.browser
def test_it_scrolls_a_long_members_comparison(new_page, demo_data, log_in) -> None:
    page: Page = new_page(**DESKTOP)
    log_in(page, "demo-district")
    page.goto("/console/members/stats/")
    chart = page.locator("#children-chart")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart).to_have_attribute("data-scroll", "1")  # 朝阳's 40-odd streets
    zoom = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('children-chart'))"
        ".getOption().dataZoom.map((z) => [z.type, z.startValue, z.endValue])"
    )
    assert ["slider", 0, 9] in [list(z) for z in zoom], zoom
    assert chart.bounding_box()["height"] < 800  # ten orgs at a time, not 44 hairlines
