"""ECharts in the console: the paired-contact coverage bars and the district map."""

import re

import pytest
from playwright.sync_api import Page, expect

DISTRICT_LEVEL_UNIONS = 17  # 16 districts and the economic-technological development area
DISTRICTS_WITH_BOUNDARY = 16  # the development area has no polygon in the data

RATE = re.compile(r"^(\d+(\.\d)?%|—)$")  # a rate, or a dash when there are no streets
# How many data points the ECharts instance drawn in an element holds.
SERIES_LENGTH = (
    "(sel) => echarts.getInstanceByDom(document.querySelector(sel)).getOption().series[0]"
    ".data.length"
)


@pytest.mark.browser
def test_it_draws_the_paired_contact_coverage_chart(page: Page, demo_data, log_in) -> None:
    log_in(page, "demo-admin")
    page.goto("/console/orgs/coverage/")

    expect(page.get_by_role("heading", name="对口联系覆盖情况")).to_be_visible()
    canvas = page.locator("#coverage-chart canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert page.evaluate(SERIES_LENGTH, "#coverage-chart") == DISTRICT_LEVEL_UNIONS

    table = page.get_by_test_id("coverage-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(DISTRICT_LEVEL_UNIONS)
    expect(rows.first).to_contain_text("东城区总工会")
    expect(table.get_by_role("row", name="海淀区总工会")).to_have_count(1)
    for row in rows.all():
        expect(row.locator("td").last).to_have_text(RATE)


@pytest.mark.browser
def test_it_draws_the_district_map(page: Page, demo_data, log_in) -> None:
    log_in(page, "demo-admin")
    page.goto("/console/orgs/")

    chart = page.locator("#district-map")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.locator("canvas").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert page.evaluate(SERIES_LENGTH, "#district-map") == DISTRICTS_WITH_BOUNDARY
