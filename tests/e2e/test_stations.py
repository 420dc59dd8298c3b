"""Find a station on a 360 px phone with a faked location, filter by need, open it,
check in; print its sign (a PDF whose QR code leads back to the page)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from gonghui.core.coords import gcj02_to_wgs84
from gonghui.orgs.models import Org
from gonghui.stations import services
from gonghui.stations.tests.test_pages import decode_qr

PHONE_VIEWPORT = {"width": 360, "height": 740}

ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]
POINT = (39.99681, 116.48035)  # GCJ-02, 望京


def _station(name: str = "浏览器测试暖心驿站", **extra):
    data = {
        "kind": "warm_station",
        "name": name,
        "owner": Org.objects.get(admin_code="110105026"),
        "host_kind": "shop",
        "address": "朝阳区望京街道测试路1号",
        "lat": POINT[0],
        "lng": POINT[1],
        "crs": "gcj02",
        "amenities": ["water", "charging", "rest"],
        "served_groups": ["delivery"],
        "hours": ALWAYS,
    }
    data.update(extra)
    return services.create_position(data, actor=get_user_model().objects.get(username="demo-admin"))


@pytest.mark.browser
def test_a_rider_finds_the_nearest_station_and_checks_in(demo_data, new_page) -> None:
    station = _station()
    lat, lng = gcj02_to_wgs84(*POINT)  # the phone reports GPS (WGS-84)
    page: Page = new_page(
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": lat, "longitude": lng},
        permissions=["geolocation"],
    )
    page.goto("/h5/")
    page.get_by_role("link", name=re.compile("找驿站")).click()
    expect(page).to_have_url(re.compile(r"/h5/stations/$"))
    page.get_by_role("button", name="用我的位置查找").click()

    items = page.get_by_test_id("station-item")
    expect(items.first).to_contain_text(station.name)
    expect(items.first).to_contain_text("0 米")
    expect(items.first).to_contain_text("开放中")
    expect(items.first).to_contain_text("充电")
    expect(page.locator("#station-map")).to_have_attribute("data-ready", "1")

    # Filter by need: charging keeps it; heating (which it lacks) drops it.
    charging = page.get_by_role("button", name="充电", exact=True)
    charging.click()
    expect(charging).to_have_attribute("aria-pressed", "true")
    expect(items.first).to_contain_text(station.name)
    heating = page.get_by_role("button", name="取暖", exact=True)
    heating.click()
    expect(page.locator("#results")).not_to_contain_text(station.name)
    box = heating.bounding_box()
    assert box is not None and box["height"] >= 44
    heating.click()
    expect(items.first).to_contain_text(station.name)

    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, f"find page scrolls sideways: {widths[0]} px"

    items.first.get_by_role("link", name=station.name).click()
    expect(page).to_have_url(re.compile(rf"/h5/stations/{station.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(station.name)
    expect(page.get_by_test_id("open-state")).to_contain_text("开放中")
    expect(page.get_by_text("全天24小时").first).to_be_visible()
    expect(page.get_by_test_id("navigate")).to_have_attribute(
        "href", re.compile(r"uri\.amap\.com/marker\?position=116\.48")
    )

    page.get_by_label("充电").check()
    page.get_by_test_id("check-in").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已记录")
    page.get_by_test_id("check-in").click()
    expect(page.get_by_test_id("error")).to_contain_text("这一小时已经在这里打过卡")
    assert station.checkins.count() == 1
    assert station.checkins.get().used == ["charging"]
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, f"station page scrolls sideways: {widths[0]} px"


@pytest.mark.browser
def test_a_typed_place_finds_stations_when_location_is_refused(demo_data, phone_page: Page) -> None:
    phone_page.goto("/h5/stations/")
    phone_page.get_by_label("或输入所在的街道（乡镇）、地名或区").fill("东城区")
    phone_page.get_by_role("button", name="查找", exact=True).click()
    expect(phone_page.get_by_role("status")).to_contain_text("从东城区查找")
    expect(phone_page.get_by_test_id("station-item").first).to_be_visible()
    phone_page.get_by_label("或输入所在的街道（乡镇）、地名或区").fill("火星")
    phone_page.get_by_role("button", name="查找", exact=True).click()
    expect(phone_page.get_by_role("status")).to_contain_text("没有找到“火星”")


@pytest.mark.browser
def test_staff_print_a_sign_whose_qr_leads_to_the_page(demo_data, page: Page, live_server) -> None:
    station = _station(name="打印标识牌测试驿站")
    page.goto(f"/h5/stations/{station.pk}/")
    link = page.get_by_test_id("sign-link")
    expect(link).to_have_attribute("href", f"/h5/stations/{station.pk}/sign.pdf")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).replace(" ", "")
    assert "打印标识牌测试驿站" in text and "全天24小时" in text
    assert decode_qr(pdf) == [f"{live_server.url}/h5/stations/{station.pk}/"]


@pytest.mark.browser
def test_the_coverage_console_draws_the_gap_map(demo_data, page: Page, log_in) -> None:
    log_in(page, "demo-district")
    page.goto("/console/stations/coverage/")
    expect(page.locator("#gap-map")).to_have_attribute("data-ready", "1")
    gaps = int(page.locator("#gap-map").get_attribute("data-gaps"))
    assert gaps >= 1  # 朝阳区 is not covered everywhere by the small demo network
    expect(page.get_by_test_id("district-table")).to_contain_text("朝阳区")
    expect(page.get_by_test_id("district-table")).not_to_contain_text("海淀区")
    expect(page.locator("#kind-chart")).to_have_attribute("data-ready", "1")


@pytest.mark.browser
def test_a_configured_tile_layer_is_drawn_under_the_points(demo_data, new_page, settings) -> None:
    import math

    settings.GONGHUI_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.GONGHUI_MAP_TILE_CRS = "gcj02"
    settings.GONGHUI_MAP_TILE_ATTRIBUTION = "© 测试底图"
    station = _station(name="底图测试驿站")
    lat, lng = gcj02_to_wgs84(*POINT)
    page: Page = new_page(
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        geolocation={"latitude": lat, "longitude": lng},
        permissions=["geolocation"],
    )
    page.goto("/h5/stations/")
    page.get_by_role("button", name="用我的位置查找").click()
    tiles = page.locator("#tile-map")
    expect(tiles).to_have_attribute("data-ready", "1")
    expect(page.get_by_text("© 测试底图")).to_be_visible()
    # The tile holding the station's GCJ-02 point at zoom 15 (Web Mercator).
    n = 2**15
    x = int((POINT[1] + 180) / 360 * n)
    s = math.sin(math.radians(POINT[0]))
    y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)
    expect(tiles.locator(f'img[src="/tiles/15/{x}/{y}.png"]')).to_have_count(1)
    dot = tiles.locator(f'a.tile-dot[href="/h5/stations/{station.pk}/"]')
    expect(dot).to_have_count(1)
    box, frame = dot.bounding_box(), tiles.bounding_box()
    centre = (frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    assert abs(box["x"] + box["width"] / 2 - centre[0]) < 3  # the station is where you stand
    assert abs(box["y"] + box["height"] / 2 - centre[1]) < 3


@pytest.mark.browser
def test_a_worker_signs_in_to_rate_and_reports_a_problem(
    demo_data, phone_page: Page, sign_in_code
) -> None:
    station = _station(name="评价测试暖心驿站")
    phone = "13900000055"
    phone_page.goto(f"/h5/stations/{station.pk}/")
    phone_page.get_by_role("link", name="手机号登录后评价").click()
    phone_page.get_by_label("手机号").fill(phone)
    phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.get_by_label("验证码").fill(sign_in_code(phone))
    phone_page.get_by_role("button", name="登录", exact=True).click()
    expect(phone_page).to_have_url(re.compile(rf"/h5/stations/{station.pk}/#rate$"))
    phone_page.get_by_label("4").check()
    phone_page.get_by_label("意见（选填）").fill("热水很方便")
    phone_page.get_by_role("button", name="提交评价").click()
    expect(phone_page.get_by_test_id("rate-notice")).to_contain_text("评价已提交")
    expect(phone_page.locator("#rate")).to_contain_text("平均 4.0 分（1 人评价）")

    phone_page.get_by_test_id("report").click()
    phone_page.get_by_label("遇到了什么问题").fill("饮水机坏了好几天，没有热水")
    phone_page.get_by_role("button", name="提交").click()
    expect(phone_page).to_have_url(re.compile(r"/h5/appeal/12351-\d{8}-\d{6}/receipt/$"))
    report = station.reports.get()
    assert report.appeal.category == "services" and "评价测试暖心驿站" in report.appeal.text


@pytest.mark.browser
def test_staff_assess_a_station_and_import_a_sheet(demo_data, page: Page, log_in, tmp_path) -> None:
    from gonghui.stations.tests.test_spreadsheet import _book, _row

    station = _station(name="评星测试驿站")
    log_in(page, "demo-street")
    page.goto("/console/stations/")
    page.get_by_label("名称").fill("评星测试")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="评星测试驿站").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("评星测试驿站")
    expect(page.locator("#usage-chart")).to_have_attribute("data-ready", "1")
    for label in ("设施配备", "按时开放", "标识标牌", "环境卫生", "使用情况", "职工评价"):
        page.get_by_label(label).fill("92")
    page.get_by_test_id("assess").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("5★")
    expect(page.get_by_test_id("history")).to_contain_text("评星")
    station.refresh_from_db()
    assert station.stars == 5

    page.goto("/console/stations/round/")
    expect(page.get_by_test_id("round-table")).not_to_contain_text("评星测试驿站")

    sheet = tmp_path / "stations.xlsx"
    sheet.write_bytes(_book([_row(名称="表格导入驿站"), _row(名称="坏行", 类型="酒吧")]))
    page.goto("/console/stations/import/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("成功 1 行，失败 1 行")
    expect(page.get_by_test_id("import-report")).to_contain_text("酒吧")
