"""A legal health check in the browser: the street starts it in the console, the
enterprise's union chair answers on a 360 px phone through the signed link (with a
photo as evidence) and submits, the street reviews, the district verifies, the finding
shows with its deadline, and the report PDF opens."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.orgs.models import Enterprise
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.models import HealthCheck

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.mark.browser
def test_it_takes_a_health_check_from_self_assessment_to_the_report(
    page: Page, phone_page: Page, new_page, demo_data, log_in
):
    enterprise = (
        Enterprise.objects.filter(street__admin_code="110105026")
        .exclude(pk__in=HealthCheck.objects.values("enterprise_id"))
        .order_by("pk")
        .first()
    )
    page.goto("/console/login/", timeout=60_000)
    log_in(page, "demo-street")
    page.goto("/console/rights/health-checks/")
    form = page.get_by_test_id("new-check")
    form.get_by_label("统一社会信用代码").fill(enterprise.uscc)
    form.get_by_label("企业工会主席").fill("王芳")
    form.get_by_role("button", name="发起").click()
    expect(page).to_have_url(re.compile(r"/console/rights/health-checks/\d+/$"))
    expect(page.get_by_test_id("status")).to_have_text("企业自查")
    link = page.get_by_test_id("link").input_value()
    assert "/h5/rights/health-check/" in link

    # The chair, on a phone, without an account.
    phone_page.goto(link, timeout=60_000)
    expect(phone_page.get_by_test_id("enterprise")).to_have_text(enterprise.name)
    expect(phone_page.get_by_text("《中华人民共和国劳动合同法》第十条").first).to_be_visible()
    for check in cl.checks(cl.read_file()):
        box = phone_page.locator(f"[data-check='{check['id']}']")
        result = "不符合" if check["id"] == "hours.limits.overtime" else "符合"
        box.get_by_label(result, exact=True).check()
    overtime = phone_page.locator("[data-check='hours.limits.overtime']")
    overtime.get_by_label("说明").fill("旺季每月加班约50小时")
    overtime.get_by_label("佐证材料（照片或文件）").set_input_files(
        {"name": "排班表.png", "mimeType": "image/png", "buffer": PNG}
    )
    phone_page.get_by_role("button", name="提交街道工会审核").click()
    expect(phone_page.get_by_test_id("saved")).to_contain_text("自查已提交")
    hc = HealthCheck.objects.get(enterprise=enterprise)
    assert hc.answers.get(check_id="hours.limits.overtime").evidence

    # The street reviews.
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("待街道审核")
    expect(page.get_by_test_id("risk")).to_have_text("低风险")
    page.get_by_test_id("step-review").get_by_role("button").click()
    expect(page.get_by_test_id("status")).to_have_text("待区级核验")
    expect(page.get_by_test_id("step-verify")).to_have_count(0)  # the district's step

    # The district verifies: the failed check becomes a finding with its deadline.
    district = new_page(viewport={"width": 1280, "height": 900})
    district.goto("/console/login/", timeout=60_000)
    log_in(district, "demo-district")
    district.goto(f"/console/rights/health-checks/{hc.pk}/")
    district.get_by_test_id("step-verify").get_by_role("button").click()
    expect(district.get_by_test_id("status")).to_have_text("整改跟踪")
    finding = district.get_by_test_id("finding")
    expect(finding).to_contain_text("加班经与工会和劳动者协商")
    expect(finding).to_contain_text("整改期限")

    response = district.request.get(district.get_by_test_id("report").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
