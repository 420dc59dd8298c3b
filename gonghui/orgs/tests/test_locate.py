import pytest

from gonghui.orgs.geo import clear_cache, locate

URL = "/api/v1/geo/locate"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lat,lng,crs,district",
    [
        (39.9087, 116.3975, "wgs84", "东城区总工会"),  # 天安门
        (39.9835, 116.3162, "wgs84", "海淀区总工会"),  # 中关村
        (39.9087, 116.4605, "wgs84", "朝阳区总工会"),  # 国贸
        # 首都国际机场: T2 lies in the 朝阳区 enclave, T3 east of it in 顺义区 (per the polygons)
        (40.0801, 116.5862, "wgs84", "朝阳区总工会"),
        (40.0799, 116.6031, "wgs84", "顺义区总工会"),
        (40.3566, 116.0200, "wgs84", "延庆区总工会"),  # 八达岭
        (39.9101, 116.4037, "gcj02", "东城区总工会"),  # 天安门 as a map app gives it
    ],
)
def test_it_finds_the_district_of_known_points(client, lat, lng, crs, district):
    response = client.get(URL, {"lat": lat, "lng": lng, "crs": crs})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["inside_beijing"] is True
    assert body["district"]["name"] == district
    assert body["street"] is None  # no street polygons exist in the data


@pytest.mark.django_db
def test_it_converts_wgs84_before_testing_the_polygons():
    where = locate(39.9087, 116.3975, "wgs84")
    assert where.lat == pytest.approx(39.91010, abs=2e-4)
    assert where.lng == pytest.approx(116.40374, abs=2e-4)


@pytest.mark.django_db
@pytest.mark.parametrize("lat,lng", [(31.2304, 121.4737), (39.1256, 117.1902)])  # 上海, 天津
def test_it_says_clearly_when_a_point_is_outside_beijing(client, lat, lng):
    response = client.get(URL, {"lat": lat, "lng": lng})
    assert response.status_code == 422
    assert response.json()["code"] == "outside_beijing"
    assert "北京" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params,code",
    [
        ({"lat": "abc", "lng": "116.4"}, "invalid_coordinates"),
        ({"lat": "95", "lng": "116.4"}, "invalid_coordinates"),
        ({"lat": "nan", "lng": "116.4"}, "invalid_coordinates"),
        ({"lat": "39.9", "lng": "116.4", "crs": "bd09"}, "invalid_crs"),
        ({"lat": "39.9"}, "invalid_request"),
    ],
)
def test_it_refuses_bad_coordinates_with_a_reason(client, params, code):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"]


@pytest.mark.django_db
def test_it_prefers_the_smallest_boundary_once_the_development_area_has_one():
    from gonghui.orgs.models import Org

    bda = Org.objects.get(name="北京经济技术开发区总工会")
    # A small square around 亦庄 (GCJ-02), inside 大兴区.
    bda.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[116.48, 39.77], [116.54, 39.77], [116.54, 39.82], [116.48, 39.82], [116.48, 39.77]]
        ],
    }
    bda.save()
    try:
        assert locate(39.795, 116.51, "gcj02").district.name == "北京经济技术开发区总工会"
        assert locate(39.70, 116.34, "gcj02").district.name == "大兴区总工会"
    finally:
        clear_cache()  # the polygon is rolled back with the test; so must the cache be
