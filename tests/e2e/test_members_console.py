"""Browser: the members console — statistics and drive charts, member search and the
360° page, a founding case, a roster import with a bad row."""

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from gonghui.members.models import Member
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise


@pytest.mark.browser
def test_a_district_supervisor_sees_statistics_and_drive_charts(
    demo_data, page: Page, log_in
) -> None:
    log_in(page, "demo-district")
    page.goto("/console/members/stats/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("朝阳区总工会")
    expect(page.locator("#monthly-chart")).to_have_attribute("data-ready", "1")
    expect(page.locator("#children-chart")).to_have_attribute("data-ready", "1")
    members = int(page.get_by_test_id("total-members").inner_text())
    chaoyang = Org.objects.get(admin_code="110105")
    assert (
        members
        == Member.objects.filter(org__path__startswith=chaoyang.path, status="active").count()
    )
    assert members > 0
    # No other district's data: 海淀区 is not a row.
    expect(page.get_by_test_id("children")).not_to_contain_text("海淀")

    page.get_by_role("link", name="加强年").click()
    plan = page.locator("[data-testid^=plan-]")
    expect(plan).to_have_count(1)
    expect(plan.locator(".drive-chart")).to_have_attribute("data-ready", "1")
    task = plan.get_by_test_id("task-6")  # 送温暖走访: reported by hand
    task.get_by_label("填报进度").fill("9")
    task.get_by_role("button", name="填报").click()
    expect(page.get_by_role("status")).to_contain_text("进度已填报")
    expect(plan.get_by_test_id("task-6").locator(".progress-value")).to_have_text("9")


@pytest.mark.browser
def test_a_district_supervisor_creates_a_drive_plan_with_two_tasks(
    demo_data, page: Page, log_in
) -> None:
    from gonghui.members.models import DrivePlan

    chaoyang = Org.objects.get(admin_code="110105")
    log_in(page, "demo-district")
    page.goto("/console/members/drives/")
    page.get_by_role("link", name="新建计划").click()
    form = page.get_by_test_id("plan-form")
    form.get_by_label("计划名称").fill("朝阳区2026年职工服务加强年")
    form.get_by_label("工会").select_option(str(chaoyang.pk))
    form.get_by_label("开始日期").fill("2026-01-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    first, second = form.get_by_test_id("task-row-0"), form.get_by_test_id("task-row-1")
    first.get_by_label("序号").fill("1")
    first.get_by_label("任务").fill("发展新会员")
    first.get_by_label("进度来源").select_option("new_members")
    first.get_by_label("目标").fill("100000")
    first.get_by_label("责任部门").fill("组织部")
    second.get_by_label("序号").fill("1")
    second.get_by_label("任务").fill("走访困难职工")
    second.get_by_label("进度来源").select_option("manual")
    second.get_by_label("目标").fill("30")
    second.get_by_label("责任部门").fill("保障部")
    page.get_by_role("button", name="保存计划").click()
    # Two tasks numbered 1 are refused with a clear message, and nothing is stored.
    expect(page.get_by_role("alert")).to_contain_text("任务序号 1 重复")
    assert not DrivePlan.objects.filter(title="朝阳区2026年职工服务加强年").exists()
    page.get_by_test_id("task-row-1").get_by_label("序号").fill("2")
    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_role("status")).to_contain_text("加强年计划已保存")

    plan = DrivePlan.objects.get(title="朝阳区2026年职工服务加强年")
    assert plan.org == chaoyang
    card = page.get_by_test_id(f"plan-{plan.pk}")
    expect(card.locator(".drive-chart")).to_have_attribute("data-ready", "1")
    expect(card.get_by_test_id("task-1")).to_contain_text("实时")
    expect(card.get_by_test_id("task-2").get_by_role("button", name="填报")).to_be_visible()
    card.get_by_test_id("task-2").get_by_label("填报进度").fill("12")
    card.get_by_test_id("task-2").get_by_role("button", name="填报").click()
    expect(
        page.get_by_test_id(f"plan-{plan.pk}").get_by_test_id("task-2").locator(".progress-value")
    ).to_have_text("12")


@pytest.mark.browser
def test_a_street_handler_finds_a_member_and_founds_a_union(demo_data, page: Page, log_in) -> None:
    wangjing = Org.objects.get(admin_code="110105026")
    member = Member.objects.filter(org__path__startswith=wangjing.path).order_by("pk").first()
    firm = create_enterprise(
        name="望京某新开物流有限公司", uscc="91110105MA01234565", street=wangjing, size_band="large"
    )
    log_in(page, "demo-street")
    page.goto("/console/members/search/")
    page.get_by_label("会员编号、身份证号、手机号或姓名").fill(member.member_number)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=member.member_number).click()
    facts = page.get_by_test_id("member-facts")
    expect(facts).to_contain_text(member.id_number)  # a handler sees it in full (audited)
    expect(page.get_by_test_id("periods")).to_contain_text(member.joined_on.isoformat())

    page.get_by_role("link", name="建会", exact=True).click()
    page.get_by_label("街道（乡镇）").select_option(str(wangjing.pk))
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id("unorganised").locator("tbody tr", has_text=firm.name)
    expect(row).to_contain_text("大型")
    name = firm.name
    row.get_by_label("负责人").fill("张组织")
    row.get_by_role("button", name="立案建会").click()
    expect(page).to_have_url(re.compile(r"/console/members/organising/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_test_id("case-step")).to_have_text("联系企业")
    page.get_by_role("button", name="进入筹备").click()
    expect(page.get_by_test_id("case-step")).to_have_text("筹备")
    expect(page.get_by_test_id("case-steps").locator("li")).to_have_count(2)


@pytest.mark.browser
def test_a_roster_import_reports_the_bad_row(demo_data, page: Page, log_in, tmp_path) -> None:
    wangjing = Org.objects.get(admin_code="110105026")
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "手机号", "入会日期", "单位名称"])
    ws.append(["导入甲", make_id_number(401), "13911110000", "2024-05-06", ""])
    ws.append(["导入乙", "110105199001011234", "", "", ""])
    path = tmp_path / "roster.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())

    log_in(page, "demo-street")
    page.goto("/console/members/import/")
    page.get_by_label("导入到哪个工会").select_option(str(wangjing.pk))
    page.get_by_label("Excel 名册（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="导入", exact=True).click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("已导入 1 行，1 行未导入")
    expect(report).to_contain_text("身份证号码无效")
    assert Member.objects.filter(name="导入甲", org=wangjing).exists()
    assert not Member.objects.filter(name="导入乙").exists()
