"""The permission matrix of every members endpoint for the five personas.

Records belong to 望京 (朝阳区); the outsider from 海淀区 gets 404 on each one, a
supervisor (who oversees but does not decide) 403, the courier's worker token 401.
"""

import json

import pytest

from gonghui.core.testing import check_matrix
from gonghui.members import services
from gonghui.members.models import JoinApplication, Member
from gonghui.members.testing import make_id_number

pytestmark = pytest.mark.django_db

ALL_STAFF_READ = {
    "courier": 401,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "outsider": 404,
}


@pytest.fixture
def apply(courier, wangjing, mobile_union, make_worker):
    counter = iter(range(100, 200))

    def apply() -> JoinApplication:
        n = next(counter)
        worker, _client = make_worker(f"139{n:08d}")
        return services.submit_application(
            services.JoinRequest(
                declaration=True,
                privacy_consent=True,
                name="李四",
                id_number=make_id_number(n),
                job_type="other",
                street_id=wangjing.pk,
            ),
            worker=worker,
        )

    return apply


def _post(persona, url, body=None):
    return persona.api().post(url, json.dumps(body or {}), content_type="application/json")


def test_application_detail(personas, apply):
    app = apply()
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/members/applications/{app.pk}"),
        ALL_STAFF_READ,
    )


def test_application_list_is_scoped(personas, apply):
    app = apply()

    def ids(p):
        return [
            row["id"]
            for row in p.api().get("/api/v1/members/applications?status=pending").json()["results"]
        ]

    assert app.pk in ids(personas["street_handler"])
    assert app.pk in ids(personas["city_admin"])
    assert app.pk not in ids(personas["outsider"])
    bad = personas["city_admin"].api().get("/api/v1/members/applications?status=nope")
    assert bad.status_code == 422


def test_approve(personas, apply):
    apps = {name: apply() for name in personas}
    check_matrix(
        personas,
        lambda p: _post(p, f"/api/v1/members/applications/{apps[p.name].pk}/approve"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 403,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    statuses = {n: JoinApplication.objects.get(pk=a.pk).status for n, a in apps.items()}
    assert statuses == {
        "courier": "pending",
        "street_handler": "approved",
        "district_supervisor": "pending",
        "city_admin": "approved",
        "outsider": "pending",
    }
    # Approving again is a conflict, not a second member.
    again = _post(
        personas["city_admin"], f"/api/v1/members/applications/{apps['city_admin'].pk}/approve"
    )
    assert again.status_code == 409
    assert Member.objects.count() == 2


def test_reject_needs_a_reason(personas, apply):
    app = apply()
    handler = personas["street_handler"]
    url = f"/api/v1/members/applications/{app.pk}/reject"
    assert _post(handler, url, {"reason": "  "}).status_code == 422
    assert _post(personas["outsider"], url, {"reason": "不符合条件"}).status_code == 404
    r = _post(handler, url, {"reason": "身份信息与本人不符"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert JoinApplication.objects.get(pk=app.pk).reason == "身份信息与本人不符"


def test_member_search_and_detail(personas, apply):
    member = services.approve_application(apply(), actor=personas["street_handler"].user)
    check_matrix(personas, lambda p: p.api().get(f"/api/v1/members/{member.pk}"), ALL_STAFF_READ)

    def found(p, q):
        return [m["id"] for m in p.api().get("/api/v1/members", {"q": q}).json()["results"]]

    for q in (member.member_number, "李", "李四", member.id_number):
        assert found(personas["street_handler"], q) == [member.pk], q
        assert found(personas["outsider"], q) == [], q
    row = personas["street_handler"].api().get("/api/v1/members", {"q": "李"}).json()["results"][0]
    assert row["id_number"] != member.id_number and "*" in row["id_number"]


def test_staff_transfer(personas, apply, wangjing, unionised_employer):
    members = {
        name: services.approve_application(apply(), actor=personas["city_admin"].user)
        for name in personas
    }
    target = unionised_employer.union
    check_matrix(
        personas,
        lambda p: _post(
            p,
            f"/api/v1/members/{members[p.name].pk}/transfer",
            {"to_org_id": target.pk, "reason": "换工作"},
        ),
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 403,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    moved = Member.objects.get(pk=members["street_handler"].pk)
    assert moved.org == target  # the handler acts for both sides: done at once
    periods = list(moved.periods.order_by("started_on", "id"))
    assert [p.end_reason for p in periods] == ["transferred_out", ""]
    assert periods[0].ended_on == periods[1].started_on
    assert Member.objects.get(pk=members["outsider"].pk).org != target


def test_stats_are_scoped(personas, apply):
    services.approve_application(apply(), actor=personas["street_handler"].user)
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/members/stats"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )
    mine = personas["street_handler"].api().get("/api/v1/members/stats").json()
    theirs = personas["outsider"].api().get("/api/v1/members/stats").json()
    assert mine["totals"]["new_members"] == 1 and theirs["totals"]["new_members"] == 0
    city = personas["city_admin"].api().get("/api/v1/members/stats").json()
    chaoyang = next(c for c in city["children"] if c["org"]["name"].startswith("朝阳"))
    assert chaoyang["new_members"] == 1
    wangjing_id = personas["street_handler"].org.pk
    assert (
        personas["outsider"].api().get(f"/api/v1/members/stats?org_id={wangjing_id}").status_code
        == 404
    )


def test_transfer_actions(personas, apply, unionised_employer):
    admin = personas["city_admin"].user
    target = unionised_employer.union

    def open_transfer(released: bool):
        member = services.approve_application(apply(), actor=admin)
        return services.request_transfer(
            member, to_org=target, requested_by="worker:1", released_by=admin if released else None
        )

    requested = {name: open_transfer(False) for name in personas}
    check_matrix(
        personas,
        lambda p: _post(p, f"/api/v1/members/transfers/{requested[p.name].pk}/release"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 403,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    released = {name: open_transfer(True) for name in personas}
    check_matrix(
        personas,
        lambda p: _post(p, f"/api/v1/members/transfers/{released[p.name].pk}/accept"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 403,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    t = open_transfer(True)
    r = _post(
        personas["street_handler"],
        f"/api/v1/members/transfers/{t.pk}/decline",
        {"reason": "查无此人"},
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    listed = personas["street_handler"].api().get("/api/v1/members/transfers").json()["results"]
    assert t.pk in [x["id"] for x in listed]
    assert personas["outsider"].api().get("/api/v1/members/transfers").json()["results"] == []
    assert (
        _post(personas["city_admin"], f"/api/v1/members/transfers/{t.pk}/explode").status_code
        == 404
    )
