"""Nearby search: amenity filtering, kinds, opening hours, the index across processes,
and the API's answer in both coordinate systems."""

import random
from datetime import datetime

import pytest
from django.utils import timezone

from gonghui.core.coords import gcj02_to_wgs84, wgs84_to_gcj02
from gonghui.stations import services
from gonghui.stations.choices import AMENITY_BITS, Amenity, Kind
from gonghui.stations.hours import SHANGHAI
from gonghui.stations.index import StationIndex, brute_force, build_arrays, load_snapshot

from .conftest import DAYTIME, WANGJING


def _offset(m_north: float, m_east: float) -> tuple[float, float]:
    return WANGJING[0] + m_north / 111_320, WANGJING[1] + m_east / 85_400


def test_it_requires_every_amenity_asked_for(make_position):
    both = make_position(name="有水有电", amenities=["water", "charging"])
    lat, lng = _offset(300, 0)
    make_position(name="只有水", amenities=["water"], lat=lat, lng=lng)
    idx = StationIndex()
    mask = AMENITY_BITS["water"] | AMENITY_BITS["charging"]
    hits = idx.nearest(*WANGJING, required_mask=mask)
    assert [h.id for h in hits] == [both.pk]
    water_only = idx.nearest(*WANGJING, required_mask=AMENITY_BITS["water"])
    assert len(water_only) == 2 and water_only[0].id == both.pk


def test_it_filters_by_kind_and_sorts_by_distance(make_position):
    far = make_position(name="远", lat=_offset(2000, 0)[0], lng=WANGJING[1])
    near = make_position(name="近", lat=_offset(500, 0)[0], lng=WANGJING[1])
    home = make_position(name="之家", kind="worker_home", lat=_offset(100, 0)[0], lng=WANGJING[1])
    idx = StationIndex()
    hits = idx.nearest(*WANGJING, kinds=["warm_station"])
    assert [h.id for h in hits] == [near.pk, far.pk]
    assert 450 < hits[0].distance_m < 550
    assert idx.nearest(*WANGJING, limit=1)[0].id == home.pk


def test_open_now_uses_the_schedule_and_status(make_position, city_admin):
    day = make_position(name="白天", hours=DAYTIME)
    night_ok = make_position(name="全天", lat=_offset(800, 0)[0], lng=WANGJING[1])
    idx = StationIndex()
    night = datetime(2025, 3, 3, 23, 0, tzinfo=SHANGHAI)
    noon = datetime(2025, 3, 3, 12, 0, tzinfo=SHANGHAI)
    assert [h.id for h in idx.nearest(*WANGJING, open_at=night)] == [night_ok.pk]
    assert [h.id for h in idx.nearest(*WANGJING, open_at=noon)] == [day.pk, night_ok.pk]
    services.set_status(night_ok, "suspended", actor=city_admin.user)
    assert [h.id for h in idx.nearest(*WANGJING, open_at=noon)] == [day.pk]


def test_another_process_sees_a_change_within_the_check_interval(make_position, city_admin):
    """An index in another process (``local=False``) learns of a change only from the
    version row, which it reads at most every ``check_every`` seconds."""
    now = [100.0]
    p = make_position()
    other = StationIndex(check_every=0.25, clock=lambda: now[0], local=False)
    assert [h.id for h in other.nearest(*WANGJING)] == [p.pk]
    services.set_status(p, "closed", actor=city_admin.user)
    now[0] += 0.1
    assert [h.id for h in other.nearest(*WANGJING)] == [p.pk]  # not checked yet: stale
    now[0] += 0.2
    assert other.nearest(*WANGJING) == []  # checked: rebuilt from the moved version
    assert other.builds == 2


def test_two_processes_see_each_others_changes(make_position, city_admin):
    """Two index instances stand for two app processes: a write through one is seen by
    the other on its next query, because the version row moved in the same transaction."""
    p = make_position()
    a, b = StationIndex(), StationIndex()
    assert [h.id for h in a.nearest(*WANGJING)] == [p.pk]
    assert [h.id for h in b.nearest(*WANGJING)] == [p.pk]
    builds = b.builds
    b.nearest(*WANGJING)
    assert b.builds == builds  # unchanged data: no rebuild
    services.update_position(p, {"amenities": ["water"]}, actor=city_admin.user)
    assert a.nearest(*WANGJING, required_mask=AMENITY_BITS["charging"]) == []
    assert b.nearest(*WANGJING, required_mask=AMENITY_BITS["charging"]) == []
    assert b.builds == builds + 1
    q = make_position(name="新站", lat=_offset(100, 0)[0], lng=WANGJING[1])
    assert {h.id for h in b.nearest(*WANGJING)} == {p.pk, q.pk}
    services.set_status(q, "closed", actor=city_admin.user)
    assert {h.id for h in a.nearest(*WANGJING)} == {p.pk}


def test_the_grid_agrees_with_a_brute_force_scan():
    rng = random.Random(7)
    rows = []
    kinds = Kind.values
    codes = list(AMENITY_BITS.values())
    for i in range(3000):
        lat = 39.7 + rng.random() * 0.5
        lng = 116.1 + rng.random() * 0.6
        mask = sum(c for c in codes if rng.random() < 0.4)
        hours = [[["00:00", "24:00"]]] * 7 if rng.random() < 0.3 else [[["08:00", "20:00"]]] * 7
        rows.append((i + 1, lat, lng, mask, rng.choice(kinds), "open", hours, False))
    snap = build_arrays(1, rows, {})
    idx = StationIndex()
    for _ in range(200):
        lat, lng = 39.7 + rng.random() * 0.5, 116.1 + rng.random() * 0.6
        mask = rng.choice(codes) | rng.choice(codes)
        at = (
            datetime(2025, 3, 3, rng.randrange(24), tzinfo=SHANGHAI) if rng.random() < 0.5 else None
        )
        kinds_q = [rng.choice(kinds)] if rng.random() < 0.3 else None
        args = dict(required_mask=mask, kinds=kinds_q, open_at=at, radius_m=8000, limit=10)
        got = [h.id for h in idx.nearest(lat, lng, snapshot=snap, **args)]
        want = [h.id for h in brute_force(snap, lat, lng, **args)]
        assert got == want


def test_an_empty_network_answers_empty(db):
    assert StationIndex().nearest(*WANGJING) == []
    assert len(load_snapshot().ids) == 0


# --- the API -----------------------------------------------------------------------------


def test_nearby_api_takes_and_answers_both_coordinate_systems(client, make_position):
    p = make_position(hours=DAYTIME)
    w_lat, w_lng = gcj02_to_wgs84(*WANGJING)
    r = client.get(
        "/api/v1/stations/nearby",
        {
            "lat": w_lat,
            "lng": w_lng,
            "amenity": ["water", "charging"],
            "at": "2025-03-03T10:00:00+08:00",
            "open_now": 1,
        },
    )
    assert r.status_code == 200, r.content
    [hit] = r.json()["results"]
    assert hit["id"] == p.pk and hit["distance_m"] <= 1
    assert hit["open_now"] is True
    assert hit["closes_at"].startswith("2025-03-03T20:00")
    assert abs(hit["lat"] - w_lat) < 1e-5 and abs(hit["lng"] - w_lng) < 1e-5
    assert hit["gcj02"] == [p.lat, p.lng]
    assert abs(hit["wgs84"][0] - w_lat) < 1e-5 and abs(r.json()["origin_wgs84"][1] - w_lng) < 1e-5
    assert abs(r.json()["origin_gcj02"][0] - WANGJING[0]) < 1e-5
    g = client.get(
        "/api/v1/stations/nearby", {"lat": WANGJING[0], "lng": WANGJING[1], "crs": "gcj02"}
    ).json()
    assert abs(g["results"][0]["lat"] - WANGJING[0]) < 1e-6
    # A WGS-84 point read as GCJ-02 is ~500 m off: the conversion is really applied.
    off = client.get("/api/v1/stations/nearby", {"lat": WANGJING[0], "lng": WANGJING[1]}).json()
    assert off["results"][0]["distance_m"] > 200


def test_nearby_api_reports_when_a_closed_station_opens(client, make_position):
    make_position(hours=DAYTIME)
    r = client.get(
        "/api/v1/stations/nearby",
        {"lat": WANGJING[0], "lng": WANGJING[1], "crs": "gcj02", "at": "2025-03-03T22:00:00+08:00"},
    ).json()
    [hit] = r["results"]
    assert hit["open_now"] is False and hit["opens_at"].startswith("2025-03-04T08:00")
    assert "closes_at" not in hit


@pytest.mark.parametrize(
    "params,code",
    [
        ({"lat": "x", "lng": 116.4}, "invalid_request"),
        ({"lat": 39.9, "lng": 116.4, "crs": "bd09"}, "invalid_crs"),
        ({"lat": 39.9, "lng": 116.4, "amenity": "spa"}, "invalid_amenity"),
        ({"lat": 39.9, "lng": 116.4, "kind": "bar"}, "invalid_kind"),
        ({"lat": 95, "lng": 116.4}, "invalid_coordinates"),
        ({"lat": 39.9, "lng": 116.4, "radius_m": 10**7}, "invalid_request"),
    ],
)
def test_nearby_api_refuses_bad_input_in_chinese(client, db, params, code):
    r = client.get("/api/v1/stations/nearby", params)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == code and body["detail"]


def test_nearby_api_is_rate_limited(client, db, settings, time_machine):
    # A stopped clock: the window runs from the first search, and Retry-After counts down.
    time_machine.move_to(timezone.now(), tick=False)
    settings.GONGHUI_NEARBY_PER_MINUTE = 30
    for _ in range(30):
        assert client.get("/api/v1/stations/nearby", {"lat": 39.9, "lng": 116.4}).status_code == 200
    r = client.get("/api/v1/stations/nearby", {"lat": 39.9, "lng": 116.4})
    assert r.status_code == 429 and r.json()["code"] == "nearby_throttled"
    assert r["Retry-After"] == "60"


def test_detail_and_list_are_public(client, make_position, wangjing):
    p = make_position()
    d = client.get(f"/api/v1/stations/{p.pk}").json()
    assert d["name"] == p.name and d["district"]["name"] == "朝阳区总工会"
    assert d["owner"]["id"] == wangjing.pk
    w = wgs84_to_gcj02(d["wgs84"]["lat"], d["wgs84"]["lng"])
    assert abs(w[0] - p.lat) < 1e-5 and abs(w[1] - p.lng) < 1e-5
    lst = client.get(
        "/api/v1/stations", {"district": d["district"]["id"], "kind": "warm_station"}
    ).json()
    assert lst["count"] == 1 and lst["results"][0]["id"] == p.pk
    assert client.get("/api/v1/stations", {"kind": "worker_home"}).json()["count"] == 0
    assert client.get("/api/v1/stations", {"district": "110105"}).json()["count"] == 1
    assert client.get("/api/v1/stations", {"district": "110108"}).json()["count"] == 0
    assert client.get("/api/v1/stations", {"district": "朝阳"}).json()["code"] == "invalid_district"
    assert client.get("/api/v1/stations/999999").status_code == 404


def test_closed_positions_are_gone_from_the_public(client, make_position, city_admin):
    p = make_position()
    services.set_status(p, "closed", actor=city_admin.user)
    assert client.get(f"/api/v1/stations/{p.pk}").status_code == 404
    assert client.get("/api/v1/stations").json()["count"] == 0


def test_every_amenity_has_a_bit():
    assert set(AMENITY_BITS) == set(Amenity.values)
    assert len(set(AMENITY_BITS.values())) == len(Amenity.values)


def test_lists_take_a_fixed_number_of_queries(client, make_position, django_assert_max_num_queries):
    for i in range(12):
        make_position(name=f"站{i}", lat=_offset(i * 100, 0)[0], lng=WANGJING[1])
    client.get("/api/v1/stations/nearby", {"lat": WANGJING[0], "lng": WANGJING[1], "crs": "gcj02"})
    with django_assert_max_num_queries(5):
        r = client.get(
            "/api/v1/stations/nearby",
            {"lat": WANGJING[0], "lng": WANGJING[1], "crs": "gcj02", "limit": 12},
        )
    assert len(r.json()["results"]) == 12
    with django_assert_max_num_queries(4):
        r = client.get("/api/v1/stations", {"kind": "warm_station"})
    assert r.json()["count"] == 12


def test_the_public_answer_leaves_out_the_contact_persons_name(client, make_position, city_admin):
    p = make_position(contact_name="王师傅", contact_phone="010-64700001")
    public = client.get(f"/api/v1/stations/{p.pk}").json()
    assert public["contact_name"] is None and public["contact_phone"] == "010-64700001"
    staff = (
        city_admin.api()
        .patch(f"/api/v1/stations/{p.pk}", "{}", content_type="application/json")
        .json()
    )
    assert staff["contact_name"] == "王师傅"


def test_a_search_shows_the_new_name_and_stars_at_once(client, make_position, city_admin):
    p = make_position()
    q = {"lat": WANGJING[0], "lng": WANGJING[1], "crs": "gcj02"}
    assert client.get("/api/v1/stations/nearby", q).json()["results"][0]["name"] == "望京暖心驿站"
    services.update_position(
        p, {"name": "望京暖心驿站（新址）", "address": "新地址1号"}, actor=city_admin.user
    )
    services.assess(
        p,
        scores={
            c: 95 for c in ("facilities", "hours", "signage", "cleanliness", "usage", "ratings")
        },
        assessed_on=datetime(2025, 1, 2).date(),
        actor=city_admin.user,
    )
    hit = client.get("/api/v1/stations/nearby", q).json()["results"][0]
    assert (hit["name"], hit["address"], hit["stars"]) == ("望京暖心驿站（新址）", "新地址1号", 5)


# --- a typed place ------------------------------------------------------------------------


def test_nearby_api_searches_from_a_typed_places_own_point(client, make_position):
    """望京 is the landmark's point, not 朝阳区's centre 3-5 km away."""
    p = make_position(name="望京驿站")
    r = client.get("/api/v1/stations/nearby", {"place": "望京", "crs": "gcj02"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["origin"]["name"] == "望京" and body["origin"]["kind"] == "landmark"
    assert body["origin"]["precise"] is True and body["origin"]["district"] == "朝阳区"
    assert [h["id"] for h in body["results"]] == [p.pk]
    assert body["results"][0]["distance_m"] < 1000  # the district centre is ~8 km away
    street = client.get("/api/v1/stations/nearby", {"place": "望京街道"}).json()
    assert street["origin"]["kind"] == "street" and street["origin"]["precise"] is True
    assert street["crs"] == "wgs84"  # the origin and results answer in the crs asked for
    assert abs(street["origin"]["lat"] - street["origin_wgs84"][0]) < 1e-5
    assert street["results"][0]["lat"] == street["results"][0]["wgs84"][0]
    district = client.get("/api/v1/stations/nearby", {"place": "朝阳区", "crs": "gcj02"}).json()
    assert district["origin"]["kind"] == "district"
    assert district["results"] == [] or district["results"][0]["distance_m"] > 3000


def test_nearby_api_names_the_candidates_of_an_ambiguous_place(client, db):
    r = client.get("/api/v1/stations/nearby", {"place": "八里庄"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "ambiguous_place"
    assert sorted(c["district"] for c in body["candidates"]) == ["朝阳区", "海淀区"]
    query = next(c["query"] for c in body["candidates"] if c["district"] == "海淀区")
    picked = client.get("/api/v1/stations/nearby", {"place": query}).json()
    assert "origin" in picked, picked
    assert picked["origin"]["district"] == "海淀区" and picked["origin"]["name"] == "八里庄街道"


def test_nearby_api_refuses_an_unknown_place_and_a_missing_point(client, db):
    r = client.get("/api/v1/stations/nearby", {"place": "不存在的地方"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_place"
    assert "不存在的地方" in r.json()["detail"]
    none = client.get("/api/v1/stations/nearby", {"lat": 39.99})
    assert none.status_code == 422 and none.json()["code"] == "point_or_place_required"


def test_a_street_without_a_point_of_its_own_says_it_is_approximate(client, db):
    r = client.get("/api/v1/stations/nearby", {"place": "温泉镇", "crs": "gcj02"})
    assert r.status_code == 200, r.content
    origin = r.json()["origin"]
    assert origin["kind"] == "street" and origin["precise"] is False
    assert origin["district"] == "海淀区"
