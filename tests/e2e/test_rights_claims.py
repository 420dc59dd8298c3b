"""Editing a mediation case's claims in the console: the link on the case page, the
form with the current amounts, a bad amount refused on the page, the saved items on
the case and its timeline."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from gonghui.orgs.models import Org
from gonghui.rights import services
from gonghui.rights.models import Dispute


@pytest.mark.browser
def test_it_edits_the_claims_of_a_case_before_the_agreement(page: Page, demo_data, log_in):
    street = Org.objects.get(admin_code="110105026")
    handler = get_user_model().objects.get(username="demo-street")
    dispute = services.create_dispute(
        services.DisputeIntake(
            channel="written",
            applicants=[{"name": "周杰", "phone": "13900000078"}],
            employer_name="北京望京某餐饮有限公司",
            claims=[{"kind": "wages", "amount": "8000"}],
            facts="拖欠工资。",
        ),
        org=street,
        actor=handler,
    )
    page.goto("/console/login/", timeout=60_000)  # the first page may be slow when loaded
    log_in(page, "demo-street")
    page.goto(f"/console/rights/disputes/{dispute.pk}/")
    page.get_by_test_id("edit-claims").click()
    expect(page).to_have_url(re.compile(rf"/console/rights/disputes/{dispute.pk}/claims/$"))
    wages = page.get_by_label("劳动报酬（工资）", exact=True)
    expect(wages).to_have_value("8000.00")

    wages.fill("-3")
    page.get_by_role("button", name="保存请求事项").click()
    expect(page.get_by_test_id("error")).to_be_visible()
    assert Dispute.objects.get(pk=dispute.pk).claimed_total == Decimal("8000.00")

    page.get_by_label("劳动报酬（工资）", exact=True).fill("9000")
    page.get_by_label("经济补偿", exact=True).fill("4500.50")
    page.get_by_label("修改原因（可选）").fill("补充<b>经济补偿</b>")
    page.get_by_role("button", name="保存请求事项").click()
    expect(page).to_have_url(re.compile(rf"/console/rights/disputes/{dispute.pk}/$"))
    claims = page.get_by_test_id("claims")
    expect(claims).to_contain_text("经济补偿")
    expect(claims).to_contain_text("13500.50")
    expect(page.get_by_text("补充<b>经济补偿</b>", exact=False)).to_be_visible()
