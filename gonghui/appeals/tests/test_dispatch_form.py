"""The dispatch form's 承办单位: grouped by district (the two 八里庄街道 told apart), the
triage suggestion marked and preselected."""

import pytest

from gonghui.appeals import services

pytestmark = pytest.mark.django_db


def test_it_groups_the_orgs_by_district_and_preselects_the_suggestion(city_admin):
    appeal, _ = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone="13912345678",
            lat=39.9965,
            lng=116.4700,
            crs="wgs84",
        )
    )
    assert appeal.status == "received" and appeal.suggested_org is not None
    response = city_admin.browser().get(f"/console/appeals/{appeal.pk}/")
    form = next(a["form"] for a in response.context["actions"] if a["action"] == "dispatch")
    choices = form.fields["org_id"].choices
    groups = dict(choices[1:])
    assert len(groups) >= 16  # Beijing's sixteen districts (and the development zone)
    chaoyang = groups["朝阳区"]
    assert chaoyang[0][1].startswith("朝阳区总工会")  # the district federation first
    assert any(name.startswith("八里庄街道") for _pk, name in chaoyang)
    assert any(name.startswith("八里庄街道") for _pk, name in groups["海淀区"])
    assert form.initial["org_id"] == appeal.suggested_org_id
    marked = [name for opts in groups.values() for pk, name in opts if "智能建议" in name]
    assert len(marked) == 1
    html = response.content.decode()
    assert "data-typeahead" in html and "selected>" in html.split('data-testid="dispatch-org"')[1]
