"""In the browser: five wrong phone digits lock a ticket, and the right ones then show
nothing but the lock message (the ticket numbers are public, the digits are the proof)."""

import pytest
from playwright.sync_api import Page, expect

from gonghui.appeals import services
from gonghui.appeals.tracking import TICKET_FAILURES

PHONE = "13900000003"


def _look_up(page: Page, ticket_no: str, last4: str) -> None:
    page.goto(f"/h5/track/?ticket_no={ticket_no}")
    page.get_by_label("手机号后4位").fill(last4)
    page.get_by_role("button", name="查询").click()


@pytest.mark.browser
def test_wrong_digits_lock_the_ticket_on_a_phone(phone_page: Page, demo_data) -> None:
    appeal, _created = services.create_appeal(
        services.Intake(text="公司已经三个月没有发工资了，老板一直拖着不给。", phone=PHONE),
        actor_label="test",
    )
    alert = phone_page.get_by_role("alert")

    _look_up(phone_page, appeal.ticket_no, PHONE[-4:])
    expect(phone_page.get_by_test_id("status")).to_be_visible()
    for n in range(TICKET_FAILURES):
        _look_up(phone_page, appeal.ticket_no, f"9{n:03d}")  # never 0003
        expect(alert).to_have_text("没有找到该工单，请核对工单号和手机号后四位。")

    _look_up(phone_page, appeal.ticket_no, PHONE[-4:])

    expect(alert).to_contain_text("输错次数过多")
    expect(phone_page.get_by_test_id("status")).to_have_count(0)
