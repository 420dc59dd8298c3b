"""The demo as a supervisor meets it: 朝阳's dashboard over the last 90 days shows real
rates, a ranking of its streets and a drawn trend, and the warnings page has warnings."""

import random

import pytest
from playwright.sync_api import expect

from gonghui.demo.history import seed_history

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.mark.browser
def test_the_demo_district_supervisor_sees_a_working_dashboard(new_page, demo_data, log_in):
    seed_history("test", rng=random.Random(12351))
    page = new_page(**DESKTOP)
    log_in(page, "demo-district")
    page.goto("/console/appeals/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("朝阳区总工会")
    for testid in ("response-rate", "resolution-rate", "satisfaction-rate", "score"):
        expect(page.get_by_test_id(testid)).not_to_have_text("—")
    streets = page.get_by_test_id("ranking-streets")
    rows = streets.locator("tbody tr")
    expect(rows.nth(9)).to_be_visible()  # at least ten streets ranked
    expect(streets.locator("canvas")).to_have_count(1)
    trend = page.locator("#trend-chart")
    expect(trend).to_have_attribute("data-ready", "1")
    expect(trend.locator("canvas")).to_have_count(1)

    page.goto("/console/warnings/")
    expect(page.locator("main")).not_to_contain_text("暂无预警")
    expect(page.locator("main")).to_contain_text("朝阳")
