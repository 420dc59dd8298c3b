"""Every answer under /api/ that is an error is JSON {"detail", "code"}, in the asked language."""

import re

import pytest
import requests

HAN = re.compile(r"[\u4e00-\u9fff]")


def _error(r: requests.Response, status: int, code: str) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers["Content-Type"]
    body = r.json()
    assert body["code"] == code, body
    return body["detail"]


@pytest.mark.parametrize(
    ("language", "chinese"), [("zh-CN", True), ("en", False)], ids=["zh", "en"]
)
def test_an_unknown_api_url_is_a_json_404(api_world, language, chinese):
    for path in ("/api/v1/no-such-thing", "/api/v1/orgs/1/nope", "/api/v2/"):
        r = requests.get(
            f"{api_world.url}{path}", headers={"Accept-Language": language}, timeout=30
        )
        detail = _error(r, 404, "not_found")
        assert bool(HAN.search(detail)) is chinese, detail


@pytest.mark.parametrize(
    ("language", "chinese"), [("zh-CN", True), ("en", False)], ids=["zh", "en"]
)
def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(api_world, language, chinese):
    r = requests.delete(
        f"{api_world.url}/api/v1/orgs",
        headers={**api_world.staff, "Accept-Language": language},
        timeout=30,
    )
    detail = _error(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]
    assert bool(HAN.search(detail)) is chinese, detail


def test_a_refused_choice_lists_the_valid_values(api_world):
    r = requests.get(f"{api_world.url}/api/v1/stations", params={"kind": "casino"}, timeout=30)
    detail = _error(r, 422, "invalid_kind")
    assert "warm_station" in detail and "casino" not in detail


def test_a_refused_choice_in_a_body_lists_the_valid_values_in_english(api_world):
    r = requests.post(
        f"{api_world.url}/api/v1/members/join",
        json={"name": "王小明", "id_number": "x", "gig_platform": "uber"},
        headers={**api_world.worker, "Accept-Language": "en"},
        timeout=30,
    )
    detail = _error(r, 422, "invalid_gig_platform")
    assert "meituan" in detail and "valid values" in detail


def test_a_bad_host_header_is_a_json_400(api_world):
    r = requests.get(f"{api_world.url}/api/v1/", headers={"Host": "evil.example"}, timeout=30)
    _error(r, 400, "bad_request")


def test_choice_fields_are_enums_in_the_published_schema(api_world):
    spec = requests.get(f"{api_world.url}/api/v1/openapi.json", timeout=30).json()
    schemas = spec["components"]["schemas"]

    def enum_of(schema_name: str, field: str) -> list[str]:
        prop = schemas[schema_name]["properties"][field]
        for candidate in [prop, prop.get("items", {}), *prop.get("anyOf", [])]:
            if "enum" in candidate:
                return candidate["enum"]
            if "items" in candidate and "enum" in candidate["items"]:
                return candidate["items"]["enum"]
        raise AssertionError(f"{schema_name}.{field} is not an enum: {prop}")

    assert "meituan" in enum_of("JoinIn", "gig_platform")
    assert "food_delivery" in enum_of("JoinIn", "job_type")
    assert "wages" in enum_of("AppealIn", "category")
    assert "complaint" in enum_of("AppealIn", "kind")
    assert "hotline" in enum_of("AppealIn", "channel")
    assert "satisfied" in enum_of("EvaluateIn", "satisfaction")
    assert "warm_station" in enum_of("PositionIn", "kind")
    assert "water" in enum_of("PositionIn", "amenities")
    assert "suspended" in enum_of("StatusIn", "status")
