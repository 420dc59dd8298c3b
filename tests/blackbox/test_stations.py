"""The station finder over real HTTP: a street creates a station, a stranger finds it."""

from .support import org_id, refused

ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]
NEAR_WANGJING_SOHO = (39.9968, 116.4803)  # GCJ-02


def test_it_finds_a_station_a_street_just_opened(staff, anonymous):
    handler, outsider = staff("street_handler"), staff("outsider")
    wangjing = org_id(handler, "望京街道", "110105026")
    station = {
        "kind": "warm_station",
        "name": "望京黑盒暖心驿站",
        "owner": wangjing,
        "host_kind": "petrol",
        "address": "朝阳区望京街道阜通东大街1号",
        "lat": NEAR_WANGJING_SOHO[0],
        "lng": NEAR_WANGJING_SOHO[1],
        "crs": "gcj02",
        "amenities": ["water", "charging"],
        "hours": ALWAYS,
    }

    refused(outsider.post("/api/v1/stations", json=station), 404, "not_found")
    created = handler.post("/api/v1/stations", json=station)

    assert created.status_code == 201, created.text
    pk = created.json()["id"]
    # 300 m north-east of the station, in WGS-84 as a phone's GPS reports it.
    found = anonymous.get(
        "/api/v1/stations/nearby",
        params={"lat": 39.9981, "lng": 116.4780, "crs": "wgs84", "amenity": "charging"},
    )
    assert found.status_code == 200, found.text
    hits = found.json()["results"]
    assert hits and hits[0]["id"] == pk
    assert hits[0]["name"] == "望京黑盒暖心驿站"
    assert 0 < hits[0]["distance_m"] < 1500
    assert hits[0]["open_now"] is True
    assert "charging" in hits[0]["amenities"]
    one = anonymous.get(f"/api/v1/stations/{pk}")
    assert one.status_code == 200 and one.json()["name"] == "望京黑盒暖心驿站"
    none = anonymous.get(
        "/api/v1/stations/nearby",
        params={"lat": 39.9981, "lng": 116.4780, "amenity": "nursing"},
    )
    assert pk not in [h["id"] for h in none.json()["results"]]
    shanghai = anonymous.get("/api/v1/stations/nearby", params={"lat": 31.23, "lng": 121.47})
    assert shanghai.status_code == 200 and shanghai.json()["results"] == []
    refused(
        anonymous.get(
            "/api/v1/stations/nearby", params={"lat": 39.99, "lng": 116.47, "crs": "bd09"}
        ),
        422,
        "invalid_crs",
    )


def test_it_finds_stations_from_a_typed_place(anonymous):
    typed = anonymous.get("/api/v1/stations/nearby", params={"place": "望京", "crs": "gcj02"})
    assert typed.status_code == 200, typed.text
    origin = typed.json()["origin"]
    assert origin["name"] == "望京" and origin["precise"] is True
    assert abs(origin["lat"] - 39.9965) < 0.01 and abs(origin["lng"] - 116.481) < 0.01
    refused(
        anonymous.get("/api/v1/stations/nearby", params={"place": "火星"}), 422, "unknown_place"
    )
    both = anonymous.get("/api/v1/stations/nearby", params={"place": "八里庄街道"})
    assert both.status_code == 422 and both.json()["code"] == "ambiguous_place"
    assert {c["district"] for c in both.json()["candidates"]} == {"朝阳区", "海淀区"}
