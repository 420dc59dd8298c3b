"""A city admin enters next year's holiday schedule in the console: the home page warns
that it is missing, the page checks and previews it as month grids, and saving it moves
the open deadlines that counted Monday to Friday across the Spring Festival."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from gonghui.appeals import services
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.core.models import CalendarYear
from gonghui.core.testing import schedule_2027
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise, create_org

SHANGHAI = ZoneInfo("Asia/Shanghai")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def dispatched_appeal() -> Appeal:
    """An appeal about an employer with its own union, dispatched to it at once."""
    wangjing = Org.objects.get(admin_code="110105026")
    union = create_org(name="望京某日历科技公司工会委员会", kind="grassroots", parent=wangjing)
    enterprise = create_enterprise(
        name="北京望京某日历科技有限公司", uscc="91110105MA01CAL270", street=wangjing
    )
    enterprise.union = union
    enterprise.save(update_fields=["union"])
    appeal, _created = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone="13912345678",
            employer_uscc=enterprise.uscc,
        )
    )
    assert appeal.status == "dispatched"
    return appeal


@pytest.mark.browser
def test_a_city_admin_enters_the_2027_schedule_and_deadlines_move(
    new_page, demo_data, log_in
) -> None:
    # Thursday 28 January 2027, and nobody has entered 2027 yet.
    with time_machine.travel(datetime(2027, 1, 28, 10, 0, tzinfo=SHANGHAI), tick=True):
        appeal = dispatched_appeal()
        # Monday to Friday: 29 January, 1-5 and 8 February.
        assert appeal.resolve_by.astimezone(SHANGHAI).date().isoformat() == "2027-02-08"

        page = new_page(**DESKTOP)
        log_in(page, "demo-admin")
        banner = page.get_by_role("alert")
        expect(banner).to_contain_text("尚未录入2027年的节假日安排")
        banner.get_by_role("link", name="录入2027年节假日安排").click()
        expect(page).to_have_url(re.compile(r"/console/calendar/\?year=2027$"))
        expect(page.locator("#calendar-source")).to_contain_text("尚未录入")

        body = schedule_2027()
        page.get_by_label("通知标题").fill(body["notice"])
        page.get_by_label("放假日期（含其中的周末）").fill(
            "2027-01-01~2027-01-03\n2027-02-05~2027-02-13"
        )
        page.get_by_label("调休上班日期（周六或周日）").fill("2027-02-08")  # a slip: a Monday
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert")).to_contain_text("周六或周日")
        expect(page.get_by_role("alert")).to_contain_text("2027-02-08")
        assert not CalendarYear.objects.filter(year=2027).exists()

        page.get_by_label("调休上班日期（周六或周日）").fill("2027-01-31\n2027-02-20")
        page.get_by_role("button", name="检查并预览").click()
        expect(page.get_by_role("status")).to_contain_text("检查通过")
        february = page.get_by_role("table", name="2月")
        expect(february.locator('[data-date="2027-02-08"]')).to_have_attribute(
            "data-kind", "holiday"
        )
        expect(february.locator('[data-date="2027-02-20"]')).to_have_attribute(
            "data-kind", "workday"
        )
        assert not CalendarYear.objects.filter(year=2027).exists()

        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_contain_text("已保存2027年节假日安排")
        expect(page.locator("#calendar-source")).to_contain_text("管理员录入")
        moved = AppealEvent.objects.filter(action="deadline_moved").count()
        assert moved >= 1  # ours, and any open demo appeal that counted 1 January
        expect(page.get_by_role("status")).to_contain_text(f"{moved}件未办结事项")
        appeal.refresh_from_db()
        # 29 January, the make-up Sunday 31, 1-4 February, then 15 February.
        assert appeal.resolve_by.astimezone(SHANGHAI).date().isoformat() == "2027-02-15"

        page.goto("/console/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)
