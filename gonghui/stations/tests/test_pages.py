"""The H5 pages: find, public page with check-in, sign PDF, report; the map data."""

import io
from datetime import datetime

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from gonghui.appeals.models import Appeal
from gonghui.h5.views import SESSION_KEY
from gonghui.stations import services
from gonghui.stations.h5_views import navigate_links
from gonghui.stations.models import CheckIn, PositionReport, Rating
from gonghui.stations.sign import qr_svg


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_find_page_offers_the_needs_and_the_places(client, db):
    r = client.get("/h5/stations/")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-amenity="charging"' in body and "望京街道" in body and "朝阳区" in body


def test_the_map_draws_the_real_districts(client, db):
    geo = client.get("/h5/stations/map.json").json()
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"朝阳区", "海淀区", "延庆区"} <= names
    assert geo["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_public_page_shows_the_signage_and_checks_in_once(client, make_position):
    p = make_position(contact_phone="010-84700000", closed_on_holidays=True)
    r = client.get(f"/h5/stations/{p.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    for text in (
        "望京暖心驿站",
        "户外劳动者",
        "充电",
        "全天24小时",
        "法定节假日闭馆",
        "010-84700000",
    ):
        assert text in body
    assert services.DEVICE_COOKIE in r.cookies
    r = client.post(f"/h5/stations/{p.pk}/", {"used": ["charging", "water"]})
    assert r.status_code == 302 and r["Location"].endswith("?done=checkin#checkin")
    assert CheckIn.objects.get().used == ["water", "charging"]
    again = client.post(f"/h5/stations/{p.pk}/", {"used": ["water"]})
    assert again.status_code == 429
    assert "已经在这里打过卡" in again.content.decode()
    assert CheckIn.objects.count() == 1


def test_navigate_links_use_each_apps_coordinates(make_position):
    p = make_position()
    links = navigate_links(p)
    assert links["geo"].startswith("geo:39.99")
    lat_w = float(links["geo"][4:].split(",")[0])
    assert 0.001 < abs(lat_w - p.lat) < 0.01  # WGS-84, not the stored GCJ-02
    assert f"position={p.lng:.6f},{p.lat:.6f}" in links["amap"]


def test_the_sign_is_a_pdf_with_the_name_and_the_page_address(client, make_position):
    p = make_position()
    r = client.get(f"/h5/stations/{p.pk}/sign.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "望京暖心驿站" in text.replace(" ", "")
    assert f"http://testserver/h5/stations/{p.pk}/" in text.replace(" ", "")
    # Render the printed page and read its QR code as a phone would.
    assert decode_qr(r.content) == [f"http://testserver/h5/stations/{p.pk}/"]


def decode_qr(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=2).to_pil()
    finally:
        doc.close()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_the_qr_code_encodes_the_page_address():
    import segno

    url = "https://gonghui.example/h5/stations/42/"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "path" in svg
    # Same symbol as segno makes for the URL, and a different one for another URL.
    assert svg == segno.make(url, error="m").svg_inline(scale=8, dark="#000000")
    assert svg != qr_svg(url.replace("42", "43"))


def test_rating_on_the_page_needs_sign_in(client, make_position, courier):
    p = make_position()
    r = client.post(f"/h5/stations/{p.pk}/rate/", {"score": "5"})
    assert r.status_code == 302 and "/h5/sign-in/" in r["Location"]
    session = client.session
    session[SESSION_KEY] = courier.worker.pk
    session.save()
    r = client.post(f"/h5/stations/{p.pk}/rate/", {"score": "5", "comment": "很暖心"})
    assert r.status_code == 302
    assert Rating.objects.get().comment == "很暖心"
    bad = client.post(f"/h5/stations/{p.pk}/rate/", {"score": "9"})
    assert bad.status_code == 422 and "1到5分" in bad.content.decode()


def test_report_a_problem_files_an_appeal_and_shows_the_receipt(client, make_position, courier):
    p = make_position()
    assert client.get(f"/h5/stations/{p.pk}/report/").status_code == 302
    session = client.session
    session[SESSION_KEY] = courier.worker.pk
    session.save()
    r = client.post(f"/h5/stations/{p.pk}/report/", {"text": "充电宝全都没电了，也没有人管"})
    assert r.status_code == 302 and "/receipt/" in r["Location"]
    report = PositionReport.objects.get()
    assert report.position == p and Appeal.objects.get().category == "services"
    bad = client.post(f"/h5/stations/{p.pk}/report/", {"text": "坏"})
    assert bad.status_code == 422 and PositionReport.objects.count() == 1


def test_home_links_to_the_find_page(client, db):
    assert 'href="/h5/stations/"' in client.get("/h5/").content.decode()


def test_check_in_and_rating_answer_in_the_card_that_was_tapped(client, make_position, courier):
    """htmx posts get the card back with the result in it, not the whole page."""
    from gonghui.h5.tests.conftest import signed_in

    p = make_position()
    hx = {"HTTP_HX_REQUEST": "true"}
    client.get(f"/h5/stations/{p.pk}/")  # the device cookie
    done = client.post(f"/h5/stations/{p.pk}/", {"used": ["water"]}, **hx)
    body = done.content.decode()
    assert done.status_code == 200 and body.startswith("<form") and 'id="checkin"' in body
    assert 'data-testid="notice"' in body and "<h1>" not in body
    again = client.post(f"/h5/stations/{p.pk}/", {"used": ["water"]}, **hx)
    assert again.status_code == 200  # htmx swaps 2xx only; the refusal shows in place
    assert (
        'data-testid="error"' in again.content.decode()
        and "已经在这里打过卡" in again.content.decode()
    )
    assert 'value="water" checked' in again.content.decode()

    worker = signed_in(courier.worker)
    rated = worker.post(f"/h5/stations/{p.pk}/rate/", {"score": "4", "comment": "热水很方便"}, **hx)
    html = rated.content.decode()
    assert rated.status_code == 200 and html.startswith('<section class="card" id="rate">')
    assert 'data-testid="rate-notice"' in html and "平均 4.0 分（1 人评价）" in html
    bad = worker.post(f"/h5/stations/{p.pk}/rate/", {"score": "9"}, **hx)
    assert 'data-testid="rate-error"' in bad.content.decode()
    plain = worker.post(f"/h5/stations/{p.pk}/rate/", {"score": "5"})
    assert plain.status_code == 302 and plain["Location"].endswith("?done=rated#rate")


def test_the_station_page_says_closing_time_as_people_do(client, make_position):
    import time_machine

    from gonghui.stations.hours import SHANGHAI

    daytime = [[["08:00", "22:00"]] for _ in range(7)]
    p = make_position(hours=daytime)
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI), tick=False):
        body = client.get(f"/h5/stations/{p.pk}/").content.decode()
    assert '<span class="nowrap">今天 22:00 关门</span>' in body
    with time_machine.travel(datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI), tick=False):
        body = client.get(f"/h5/stations/{p.pk}/").content.decode()
    assert '<span class="nowrap">明天 08:00 开门</span>' in body
