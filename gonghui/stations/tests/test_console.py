"""Console pages: scoped registry, editing through forms, import page, round, coverage."""

import io
from datetime import datetime

from openpyxl import load_workbook

from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.stations import coverage, services
from gonghui.stations.hours import SHANGHAI
from gonghui.stations.models import Position

from .conftest import DAYTIME, WANGJING
from .test_spreadsheet import _book, _row


def _browser_status(persona, url, method="get", data=None):
    if persona.worker is not None:
        from django.test import Client

        return getattr(Client(), method)(url, data or {})
    return getattr(persona.browser(), method)(url, data or {})


def test_console_pages_are_scoped(personas, make_position):
    p = make_position()
    expected = {
        "street_handler": 200,
        "district_supervisor": 200,
        "city_admin": 200,
        "outsider": 404,
        "courier": 302,
    }
    check_matrix(
        personas, lambda persona: _browser_status(persona, f"/console/stations/{p.pk}/"), expected
    )
    listing = personas["outsider"].browser().get("/console/stations/").content.decode()
    assert p.name not in listing
    assert p.name in personas["street_handler"].browser().get("/console/stations/").content.decode()


def test_editing_through_the_console_form_is_recorded(city_admin, make_position):
    p = make_position()
    client = city_admin.browser()
    page = client.get(f"/console/stations/{p.pk}/")
    form = page.context["edit"]
    data = {k: v for k, v in form.initial.items() if not isinstance(v, list)}
    data.update(
        {
            "action": "edit",
            "name": "望京暖心驿站二号",
            "amenities": ["water"],
            "served_groups": ["outdoor"],
            "day0": "08:00-20:00",
            "closed_on_holidays": "",
        }
    )
    for i in range(1, 7):
        data.setdefault(f"day{i}", "24小时")
    r = client.post(f"/console/stations/{p.pk}/", data)
    assert r.status_code == 302, r.context and r.context.get("error")
    p.refresh_from_db()
    assert (
        p.name == "望京暖心驿站二号"
        and p.hours[0] == [["08:00", "20:00"]]
        and p.amenities == ["water"]
    )
    bad = client.post(f"/console/stations/{p.pk}/", {**data, "day1": "上午"})
    assert bad.status_code == 422
    r = client.post(
        f"/console/stations/{p.pk}/", {"action": "status", "status": "suspended", "reason": "装修"}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "suspended"
    history = client.get(f"/console/stations/{p.pk}/").content.decode()
    assert "装修" in history and "望京暖心驿站二号" in history


def test_console_import_reports_rows(city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = _book([_row(), _row(名称="坏", 类型="酒吧")])
    upload = SimpleUploadedFile("s.xlsx", content)
    r = city_admin.browser().post("/console/stations/import/", {"file": upload})
    body = r.content.decode()
    assert r.status_code == 200 and "成功 1 行，失败 1 行" in body and "酒吧" in body
    assert Position.objects.count() == 1


def test_console_export_is_scoped(personas, make_position):
    make_position()
    r = personas["outsider"].browser().get("/console/stations/export.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    r = personas["district_supervisor"].browser().get("/console/stations/export.xlsx")
    assert len(list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))) == 2


def test_console_export_writes_user_text_as_text(city_admin, make_position):
    position = make_position()
    Position.objects.filter(pk=position.pk).update(
        name="=cmd|' /C calc'!A0", host_name="@SUM(1)", address="望京\x01阜通\x0b东大街"
    )

    r = city_admin.browser().get("/console/stations/export.xlsx")

    sheet = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    row = list(sheet[2])
    name = row[header.index("名称")]
    assert (name.value, name.data_type, name.quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)
    assert any(c.value == "@SUM(1)" and c.quotePrefix for c in row)
    assert "望京阜通东大街" in [c.value for c in row]


def test_gaps_shrink_where_a_station_is_open(make_position):
    chaoyang = Org.objects.get(admin_code="110105")
    area, gap_none, _geo = coverage.gaps(chaoyang, [])
    assert 400 < area < 520  # 朝阳区 is about 470 km²
    assert abs(gap_none - area) < 0.01
    _area, gap_one, geo = coverage.gaps(chaoyang, [WANGJING])
    # One 1 km circle (pi km², minus polygon simplification) is covered.
    assert 3.0 < gap_none - gap_one < 3.2
    assert geo["type"] in ("Polygon", "MultiPolygon")


def test_coverage_counts_open_warm_stations_at_the_hour(make_position):
    make_position(hours=DAYTIME)
    make_position(name="心灵驿站", kind="heart_station")
    chaoyang = Org.objects.get(admin_code="110105")
    noon = datetime(2025, 3, 3, 12, tzinfo=SHANGHAI)
    night = datetime(2025, 3, 3, 23, tzinfo=SHANGHAI)
    [day] = coverage.district_coverage([chaoyang], noon)
    [late] = coverage.district_coverage([chaoyang], night)
    assert day.counts["warm_station"] == 1 and day.counts["heart_station"] == 1 and day.total == 2
    assert day.open_warm == 1 and late.open_warm == 0
    assert late.gap_km2 > day.gap_km2
    assert day.per_10km2 == round(2 / day.area_km2 * 10, 2)


def test_coverage_data_and_page_render(city_admin, make_position, courier):
    p = make_position()
    services.check_in(p, device="d1")
    services.report_problem(p, worker=courier.worker, text="这里的饮水机坏了")
    client = city_admin.browser()
    data = client.get("/console/stations/coverage.json", {"at": "2025-03-03T12:00"}).json()
    chaoyang = next(d for d in data["districts"] if d["name"] == "朝阳区")
    assert chaoyang["open_warm"] == 1 and chaoyang["counts"]["warm_station"] == 1
    assert any(f["properties"]["gap"] for f in data["geo"]["features"])
    page = client.get("/console/stations/coverage/")
    assert page.status_code == 200
    chart = page.context["chart"]
    assert sum(chart["usage"]["total"]) == 1 and chart["complained"]["counts"] == [1]


def test_round_lists_due_positions(city_admin, make_position):
    make_position(name="待评阵地")
    body = city_admin.browser().get("/console/stations/round/").content.decode()
    assert "待评阵地" in body


def test_a_photo_is_stored_without_its_location_and_shown_publicly(
    city_admin, make_position, client, settings, tmp_path
):
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    p = make_position()
    img = Image.new("RGB", (2400, 1200), "red")
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    buf = _io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    upload = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")
    r = city_admin.browser().post(
        f"/console/stations/{p.pk}/", {"action": "photo", "photo": upload, "caption": "门口"}
    )
    assert r.status_code == 302
    photo = p.photos.get()
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == 1600 and not stored.getexif()
    page = client.get(f"/h5/stations/{p.pk}/").content.decode()
    assert f"/h5/stations/photos/{photo.pk}.jpg" in page
    assert client.get(f"/h5/stations/photos/{photo.pk}.jpg").status_code == 200
    bad = SimpleUploadedFile("a.gif", b"GIF89a....", content_type="image/gif")
    r = city_admin.browser().post(f"/console/stations/{p.pk}/", {"action": "photo", "photo": bad})
    assert r.status_code == 422 and p.photos.count() == 1


def test_the_registry_page_takes_a_fixed_number_of_queries(
    city_admin, make_position, django_assert_max_num_queries
):
    client = city_admin.browser()
    make_position(name="第一个")
    client.get("/console/stations/")
    with django_assert_max_num_queries(12) as few:
        client.get("/console/stations/")
    for i in range(20):
        make_position(name=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/console/stations/").content.decode()
    assert "更多19" in body


def test_creating_and_closing_through_the_console(street_handler, wangjing, outsider):
    from gonghui.stations.models import Closure

    client = street_handler.browser()
    form = {
        "kind": "warm_station",
        "name": "控制台新建驿站",
        "owner": wangjing.pk,
        "host_kind": "bank",
        "address": "朝阳区望京街道某银行",
        "lat": WANGJING[0],
        "lng": WANGJING[1],
        "crs": "gcj02",
        "amenities": ["water", "charging"],
        "served_groups": ["outdoor"],
        **{f"day{i}": "09:00-17:00" for i in range(5)},
        "day5": "",
        "day6": "",
    }
    r = client.post("/console/stations/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Position.objects.get(name="控制台新建驿站")
    assert p.hours[4] == [["09:00", "17:00"]] and p.hours[5] == [] and p.owner == wangjing
    r = client.post(
        f"/console/stations/{p.pk}/",
        {"action": "closure", "start": "2025-10-01", "end": "2025-10-07", "reason": "国庆"},
    )
    assert r.status_code == 302 and Closure.objects.filter(position=p).count() == 1
    closure = Closure.objects.get(position=p)
    assert (
        outsider.browser()
        .post(f"/console/stations/{p.pk}/", {"action": "remove_closure", "closure": closure.pk})
        .status_code
        == 404
    )
    r = client.post(
        f"/console/stations/{p.pk}/", {"action": "remove_closure", "closure": closure.pk}
    )
    assert r.status_code == 302 and not Closure.objects.filter(position=p).exists()
    assert p.changes.filter(action="closure").count() == 2
    # A street handler cannot hand a station to the district above.
    district = Org.objects.get(admin_code="110105")
    r = client.post("/console/stations/new/", {**form, "owner": district.pk, "name": "越权"})
    assert r.status_code == 422 and not Position.objects.filter(name="越权").exists()
