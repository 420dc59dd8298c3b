"""The permission matrix of every staff endpoint, and validation of staff writes."""

import json

import pytest

from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.stations.models import Assessment, Closure, Position, PositionChange

from .conftest import ALWAYS, WANGJING

# Owned by 望京街道 (朝阳区): the street handler, the district supervisor and the city admin
# manage it; the 海淀 outsider gets 404; a worker's token is not a staff login (401).
MATRIX_WRITE = {
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "outsider": 404,
    "courier": 401,
}


def _payload(owner_id: int, **extra) -> dict:
    body = {
        "kind": "warm_station",
        "name": "测试驿站",
        "owner": owner_id,
        "host_kind": "petrol",
        "address": "朝阳区望京街道某路1号",
        "lat": WANGJING[0],
        "lng": WANGJING[1],
        "crs": "gcj02",
        "amenities": ["water", "charging"],
        "hours": ALWAYS,
    }
    body.update(extra)
    return body


def test_create_matrix(personas, wangjing):
    def req(p):
        return p.api().post(
            "/api/v1/stations", json.dumps(_payload(wangjing.pk)), content_type="application/json"
        )

    check_matrix(
        personas,
        req,
        {
            **MATRIX_WRITE,
            **{k: 201 for k in ("street_handler", "district_supervisor", "city_admin")},
        },
    )
    assert Position.objects.filter(name="测试驿站").count() == 3
    p = Position.objects.filter(name="测试驿站").first()
    assert p.changes.get().action == "create"
    assert AuditLog.objects.filter(action="station.create", object_id=str(p.pk)).exists()


def test_update_matrix(personas, make_position):
    p = make_position()

    def req(persona):
        return persona.api().patch(
            f"/api/v1/stations/{p.pk}",
            json.dumps({"name": f"改名-{persona.name}"}),
            content_type="application/json",
        )

    check_matrix(personas, req, MATRIX_WRITE)
    p.refresh_from_db()
    assert p.name == "改名-city_admin"
    assert p.changes.filter(action="update").count() == 3
    change = p.changes.filter(action="update").order_by("at", "pk").first()
    assert change.changes["name"] == ["望京暖心驿站", "改名-street_handler"]


def test_status_closure_assessment_history_matrix(personas, make_position):
    p = make_position()

    def status(persona):
        return persona.api().post(
            f"/api/v1/stations/{p.pk}/status",
            json.dumps({"status": "suspended"}),
            content_type="application/json",
        )

    check_matrix(personas, status, MATRIX_WRITE)

    def closure(persona):
        return persona.api().post(
            f"/api/v1/stations/{p.pk}/closures",
            json.dumps({"start": "2025-10-01", "end": "2025-10-07", "reason": "国庆"}),
            content_type="application/json",
        )

    check_matrix(
        personas,
        closure,
        {**MATRIX_WRITE, "street_handler": 201, "district_supervisor": 201, "city_admin": 201},
    )
    assert Closure.objects.filter(position=p).count() == 3

    scores = {c: 90 for c in ("facilities", "hours", "signage", "cleanliness", "usage", "ratings")}

    def assess(persona):
        return persona.api().post(
            f"/api/v1/stations/{p.pk}/assessments",
            json.dumps({"assessed_on": "2025-06-01", "scores": scores}),
            content_type="application/json",
        )

    check_matrix(
        personas,
        assess,
        {**MATRIX_WRITE, "street_handler": 201, "district_supervisor": 201, "city_admin": 201},
    )
    p.refresh_from_db()
    assert p.stars == 5 and Assessment.objects.filter(position=p).count() == 3

    def history(persona):
        return persona.api().get(f"/api/v1/stations/{p.pk}/history")

    check_matrix(personas, history, MATRIX_WRITE)
    r = personas["street_handler"].api().get(f"/api/v1/stations/{p.pk}/history").json()
    assert {c["action"] for c in r} >= {"create", "status", "closure", "assess"}


def test_a_street_cannot_create_for_another_street_or_above(personas, wangjing):
    from gonghui.orgs.models import Org

    district = Org.objects.get(admin_code="110105")
    r = (
        personas["street_handler"]
        .api()
        .post(
            "/api/v1/stations", json.dumps(_payload(district.pk)), content_type="application/json"
        )
    )
    assert r.status_code == 404
    other = Org.objects.get(admin_code="110108011")
    r = (
        personas["district_supervisor"]
        .api()
        .post("/api/v1/stations", json.dumps(_payload(other.pk)), content_type="application/json")
    )
    assert r.status_code == 404
    assert not Position.objects.exists()


@pytest.mark.parametrize(
    "extra,code",
    [
        ({"kind": "bar"}, "invalid_kind"),
        ({"name": "  "}, "invalid_name"),
        ({"amenities": ["spa"]}, "invalid_amenities"),
        ({"hours": [[["9:00", "17:00"]]] * 7}, "invalid_hours"),
        ({"hours": [[]] * 6}, "invalid_hours"),
        ({"lat": 31.23, "lng": 121.47}, "outside_beijing"),
        ({"host_kind": "casino"}, "invalid_host_kind"),
    ],
)
def test_bad_writes_are_refused_and_nothing_is_stored(city_admin, wangjing, extra, code):
    r = city_admin.api().post(
        "/api/v1/stations",
        json.dumps(_payload(wangjing.pk, **extra)),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code and r.json()["detail"]
    assert not Position.objects.exists() and not PositionChange.objects.exists()


def test_moving_a_point_locates_it_again(city_admin, make_position):
    p = make_position()
    # 中关村 (海淀区), given in WGS-84
    r = city_admin.api().patch(
        f"/api/v1/stations/{p.pk}",
        json.dumps({"lat": 39.9834, "lng": 116.3160}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["district"]["name"] == "海淀区总工会"
    assert abs(r.json()["wgs84"]["lat"] - 39.9834) < 1e-5


def test_cancel_closure_matrix(personas, make_position, city_admin):
    from datetime import date

    from gonghui.stations import services

    p = make_position()
    closures = {
        name: services.add_closure(
            p, start=date(2025, 5, 1), end=date(2025, 5, 5), actor=city_admin.user
        )
        for name in MATRIX_WRITE
    }

    def req(persona):
        return persona.api().delete(f"/api/v1/stations/{p.pk}/closures/{closures[persona.name].pk}")

    check_matrix(personas, req, MATRIX_WRITE)
    assert Closure.objects.filter(position=p).count() == 2  # the outsider's and the courier's stay
