import pytest

from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org


def org_id(code: str) -> int:
    return Org.objects.get(admin_code=code).pk


@pytest.mark.django_db
def test_it_lists_the_17_district_level_federations(city_admin):
    response = city_admin.api().get("/api/v1/orgs", {"kind": "district"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 17
    names = {r["name"] for r in body["results"]}
    assert {"朝阳区总工会", "北京经济技术开发区总工会", "延庆区总工会"} <= names
    chaoyang = next(r for r in body["results"] if r["name"] == "朝阳区总工会")
    assert chaoyang["children_count"] == 43
    assert chaoyang["kind_label"] == "区级总工会"


@pytest.mark.django_db
def test_it_scopes_lists_to_the_callers_subtree(personas):
    def count(persona):
        return persona.api().get("/api/v1/orgs", {"limit": 500}).json()["count"]

    assert count(personas["street_handler"]) == 1
    assert count(personas["district_supervisor"]) == 44  # 朝阳区 and its 43 streets
    assert count(personas["city_admin"]) == 1 + 17 + 339
    outsider_ids = {
        r["id"] for r in personas["outsider"].api().get("/api/v1/orgs").json()["results"]
    }
    assert outsider_ids == {org_id("110108011")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,code,expected",
    [
        (
            "/api/v1/orgs/{id}",
            "110105026",  # 望京街道
            {
                "street_handler": 200,
                "district_supervisor": 200,
                "city_admin": 200,
                "outsider": 404,
                "courier": 401,
            },
        ),
        (
            "/api/v1/orgs/{id}",
            "110105",  # 朝阳区
            {
                "street_handler": 404,
                "district_supervisor": 200,
                "city_admin": 200,
                "outsider": 404,
                "courier": 401,
            },
        ),
        (
            "/api/v1/orgs/{id}/children",
            "110105",
            {
                "street_handler": 404,
                "district_supervisor": 200,
                "city_admin": 200,
                "outsider": 404,
                "courier": 401,
            },
        ),
        (
            "/api/v1/orgs/{id}",
            "110000",
            {
                "street_handler": 404,
                "district_supervisor": 404,
                "city_admin": 200,
                "outsider": 404,
                "courier": 401,
            },
        ),
    ],
)
def test_it_enforces_the_permission_matrix(personas, path, code, expected):
    url = path.format(id=org_id(code))
    check_matrix(personas, lambda p: p.api().get(url), expected)


@pytest.mark.django_db
def test_it_returns_children_in_tree_order(district_supervisor):
    response = district_supervisor.api().get(f"/api/v1/orgs/{org_id('110105')}/children")
    body = response.json()
    assert body["count"] == 43
    assert all(r["kind"] == "street" for r in body["results"])
    assert any(r["name"] == "望京街道总工会" for r in body["results"])


@pytest.mark.django_db
def test_it_answers_json_errors_never_html(client, city_admin):
    api = city_admin.api()
    unknown = api.get("/api/v1/orgs/999999")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"
    assert api.get("/api/v1/orgs/abc").status_code == 404
    bad_kind = api.get("/api/v1/orgs", {"kind": "galaxy"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["code"] == "invalid_request"
    anonymous = client.get("/api/v1/orgs")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    nowhere = client.get("/api/v1/no-such-endpoint")
    assert nowhere.status_code == 404
    assert nowhere["Content-Type"].startswith("application/json")
    malformed = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"


@pytest.mark.django_db
def test_it_serves_the_api_root_and_openapi(client):
    root = client.get("/api/v1/")
    assert root.status_code == 200
    assert root.json()["openapi"] == "/api/v1/openapi.json"
    schema = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/orgs",
        "/api/v1/orgs/{org_id}",
        "/api/v1/geo/locate",
        "/api/v1/auth/token",
        "/api/v1/auth/otp/request",
        "/api/v1/auth/otp/verify",
    ]:
        assert path in schema["paths"], path
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_it_keeps_list_queries_constant(city_admin, django_assert_max_num_queries):
    api = city_admin.api()
    api.get("/api/v1/orgs")  # warm the token
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/orgs", {"limit": 500})
    assert len(response.json()["results"]) == 357
