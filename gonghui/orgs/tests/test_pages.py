import pytest

from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import assign_paired_contact


def org_id(code: str) -> int:
    return Org.objects.get(admin_code=code).pk


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/console/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


@pytest.mark.django_db
def test_it_shows_the_home_with_the_users_orgs(district_supervisor):
    html = district_supervisor.browser().get("/console/").content.decode()
    assert "朝阳区总工会" in html
    assert "督办/领导" in html
    assert "组织架构" in html


@pytest.mark.django_db
def test_it_starts_the_tree_at_the_top_of_the_scope(district_supervisor, city_admin):
    response = district_supervisor.browser().get("/console/orgs/")
    assert [o.name for o in response.context["roots"]] == ["朝阳区总工会"]
    assert "海淀区总工会" not in response.content.decode()
    roots = city_admin.browser().get("/console/orgs/").context["roots"]
    assert [o.name for o in roots] == ["北京市总工会"]


@pytest.mark.django_db
def test_it_expands_a_node_with_its_children(district_supervisor):
    html = (
        district_supervisor.browser()
        .get(f"/console/orgs/{org_id('110105')}/children/")
        .content.decode()
    )
    assert "望京街道总工会" in html
    assert html.count('class="node"') == 43


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,code,expected",
    [
        (
            "/console/orgs/{id}/",
            "110105026",
            {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
        ),
        (
            "/console/orgs/{id}/",
            "110105",
            {"street_handler": 404, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
        ),
        (
            "/console/orgs/{id}/children/",
            "110105",
            {"street_handler": 404, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
        ),
    ],
)
def test_it_enforces_the_page_permission_matrix(personas, url, code, expected):
    target = url.format(id=org_id(code))
    check_matrix(personas, lambda p: p.browser().get(target), expected)


@pytest.mark.django_db
def test_it_shows_an_orgs_details_and_hides_ancestors_outside_scope(street_handler):
    html = street_handler.browser().get(f"/console/orgs/{org_id('110105026')}/").content.decode()
    assert "望京街道总工会" in html
    assert "110105026" in html
    assert f"/console/orgs/{org_id('110105')}/" not in html  # the district is above the scope


@pytest.mark.django_db
def test_it_reports_paired_contact_coverage_per_district(city_admin, district_supervisor):
    for short in ["望京街道", "酒仙桥街道"]:
        assign_paired_contact(street=Org.objects.get(short_name=short), department="组织部")
    response = district_supervisor.browser().get("/console/orgs/coverage/")
    rows = response.context["rows"]
    assert [r["district"].name for r in rows] == ["朝阳区总工会"]
    assert (rows[0]["covered"], rows[0]["streets"], rows[0]["rate"]) == (2, 43, 4.7)
    all_rows = city_admin.browser().get("/console/orgs/coverage/").context["rows"]
    assert len(all_rows) == 17
    bda = next(r for r in all_rows if r["district"].name == "北京经济技术开发区总工会")
    assert bda["streets"] == 0 and bda["rate"] is None
    assert b'id="coverage-chart"' in response.content


@pytest.mark.django_db
def test_it_refuses_a_paired_contact_without_a_street_or_a_person():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        assign_paired_contact(street=Org.objects.get(admin_code="110105"), department="组织部")
    with pytest.raises(ValidationError):
        assign_paired_contact(street=Org.objects.get(admin_code="110105026"), department="  ")


@pytest.mark.django_db
def test_it_draws_only_the_visible_districts_on_the_map(district_supervisor, city_admin):
    geo = district_supervisor.browser().get("/console/orgs/map.json").json()
    assert [f["properties"]["name"] for f in geo["features"]] == ["朝阳区"]
    assert len(city_admin.browser().get("/console/orgs/map.json").json()["features"]) == 16
