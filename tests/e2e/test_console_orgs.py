"""Staff console in the browser: login, the org tree over htmx, and scoping."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.orgs.models import Org, PairedContact

CHAOYANG = "110105"
WANGJING = "110105026"
HAIDIAN = "110108"


def _org_id(admin_code: str) -> int:
    return Org.objects.get(admin_code=admin_code).pk


@pytest.mark.browser
def test_it_logs_in_and_browses_the_org_tree_in_chinese(page: Page, demo_data) -> None:
    # A paired contact that is a department with no named person (as most are).
    PairedContact.objects.update_or_create(
        street=Org.objects.get(admin_code=WANGJING),
        defaults={
            "district": Org.objects.get(admin_code=CHAOYANG),
            "staff": None,
            "department": "权益保障部",
        },
    )
    page.goto("/console/login/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.get_by_label("用户名").fill("demo-district")
    page.get_by_label("密码").fill("demo12351")
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(page.get_by_role("heading", name="您好，朝阳区总工会督办")).to_be_visible()
    menu = page.get_by_role("navigation", name="功能菜单")
    expect(menu.get_by_role("link", name="工作台")).to_have_attribute("aria-current", "page")
    expect(page.locator(".roles")).to_contain_text("朝阳区总工会")
    expect(page.locator(".roles")).to_contain_text("督办")

    menu.get_by_role("link", name="组织架构").click()
    expect(page).to_have_url(re.compile(r"/console/orgs/$"))
    # The tree expands over htmx, which binds its handlers once the deferred scripts
    # (ECharts for the map is large) have run; a click before that is lost.
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="组织架构", exact=True)).to_be_visible()
    tree = page.get_by_test_id("org-tree")
    expect(tree.get_by_role("link", name="朝阳区总工会")).to_be_visible()
    wangjing = tree.get_by_role("link", name="望京街道总工会")
    expect(wangjing).to_have_count(0)

    with page.expect_response(re.compile(rf"/console/orgs/{_org_id(CHAOYANG)}/children/$")) as r:
        tree.get_by_role("button", name="展开 朝阳区总工会").click()
    assert r.value.status == 200
    expect(wangjing).to_be_visible()

    wangjing.click()
    expect(page).to_have_url(re.compile(rf"/console/orgs/{_org_id(WANGJING)}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("望京街道总工会")
    expect(page.locator(".crumbs")).to_contain_text("朝阳区")
    expect(page.get_by_role("heading", name="基本信息")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("对口联系权益保障部")


@pytest.mark.browser
def test_it_shows_a_chinese_error_for_a_wrong_password(page: Page, demo_data) -> None:
    page.goto("/console/login/")
    page.get_by_label("用户名").fill("demo-district")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    expect(page).to_have_url(re.compile(r"/console/login/$"))
    expect(page.get_by_label("用户名")).to_have_value("demo-district")
    expect(page.get_by_label("密码")).to_have_value("")
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/console/$"))


@pytest.mark.browser
def test_it_gives_an_outsider_the_404_page_for_another_district(
    page: Page, demo_data, log_in
) -> None:
    log_in(page, "demo-outsider")

    response = page.goto(f"/console/orgs/{_org_id(CHAOYANG)}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("朝阳区总工会")

    # The htmx partial is scoped the same way.
    response = page.goto(f"/console/orgs/{_org_id(CHAOYANG)}/children/")
    assert response is not None and response.status == 404


@pytest.mark.browser
def test_it_keeps_other_districts_out_of_a_district_tree(page: Page, demo_data, log_in) -> None:
    log_in(page, "demo-district")
    page.goto("/console/orgs/")
    tree = page.get_by_test_id("org-tree")
    tree.get_by_role("button", name="展开 朝阳区总工会").click()
    expect(tree.get_by_role("link", name="望京街道总工会")).to_be_visible()

    expect(tree.locator(":scope > li.node")).to_have_count(1)
    expect(tree).not_to_contain_text("海淀区")
    expect(tree).not_to_contain_text("北京市总工会")
    response = page.goto(f"/console/orgs/{_org_id(HAIDIAN)}/")
    assert response is not None and response.status == 404
