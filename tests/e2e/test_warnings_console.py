"""An early warning taken from open to closed on its page, and the monthly hot topic."""

import pytest
from playwright.sync_api import expect

from gonghui.appeals import services as appeals
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
from gonghui.warnings import services
from gonghui.warnings.models import EarlyWarning


def cluster() -> EarlyWarning:
    firm = create_enterprise(
        name="北京望京顺达物流有限公司",
        uscc="91110000600037341L",
        street=Org.objects.get(admin_code="110105026"),
    )
    for i, text in enumerate(
        [
            "顺达物流拖欠工资三个月了。",
            "顺达物流一直不发工资，司机都没拿到钱。",
            "顺达物流的工资拖了好久。",
        ]
    ):
        appeals.create_appeal(
            appeals.Intake(
                text=text, phone=f"1391234567{i}", employer_uscc=firm.uscc, category="wages"
            )
        )
    services.run_detectors(force=True)
    return EarlyWarning.objects.get()


@pytest.mark.browser
def test_it_takes_a_warning_through_its_workflow(page, demo_data, log_in):
    warning = cluster()
    log_in(page, "demo-street")
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="预警研判").click()
    page.get_by_test_id("warnings").get_by_role("link", name=warning.title).click()
    expect(page.get_by_test_id("status")).to_have_text("待研判")
    expect(page.get_by_test_id("evidence").locator("li")).to_have_count(3)

    study = page.get_by_test_id("step-study")
    study.get_by_label("研判意见").fill("约谈企业负责人，核实欠薪人数")
    study.get_by_label("邀请参与会商的单位").select_option(label="望京街道总工会")
    study.get_by_role("button", name="会商研判").click()
    expect(page.get_by_test_id("status")).to_have_text("已会商研判")
    expect(page.get_by_test_id("study-notes")).to_contain_text("约谈企业负责人")

    page.get_by_test_id("step-act").get_by_label("处置情况").fill("联合劳动监察督促补发")
    page.get_by_test_id("step-act").get_by_role("button", name="联动处置").click()
    expect(page.get_by_test_id("status")).to_have_text("已联动处置")
    page.get_by_test_id("step-close").get_by_label("关闭说明").fill("工资已全部补发")
    page.get_by_test_id("step-close").get_by_role("button", name="关闭预警").click()
    expect(page.get_by_test_id("status")).to_have_text("已关闭")
    assert EarlyWarning.objects.get().status == "closed"


@pytest.mark.browser
def test_it_draws_the_monthly_hot_topic(page, demo_data, log_in):
    cluster()
    log_in(page, "demo-district")
    page.goto("/console/warnings/hot-topics/")
    expect(page.get_by_test_id("hot-trend")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("hot-area").first).to_contain_text("拖欠工资与劳动报酬")
    expect(page.get_by_test_id("pdf")).to_be_visible()
