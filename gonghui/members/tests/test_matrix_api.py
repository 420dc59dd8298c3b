"""The permission matrix of the members API routes that test_permissions.py checks only
in part: the lists (scoped), the worker's own routes (join, card, transfer) and a
refusal. Staff tokens are refused on worker routes and worker tokens on staff routes
(401); records belong to 望京, so the 海淀 outsider gets 404 or an empty list.
"""

import json

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.members import services
from gonghui.members.models import JoinApplication
from gonghui.members.testing import make_id_number

pytestmark = pytest.mark.django_db

STAFF_LIST = {
    "courier": 401,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}
WORKER_ONLY = {
    "street_handler": 401,
    "district_supervisor": 401,
    "city_admin": 401,
    "dispatcher": 401,
    "outsider": 401,
}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


@pytest.fixture
def apply(wangjing, mobile_union, make_worker):
    counter = iter(range(500, 600))

    def apply(worker=None) -> JoinApplication:
        n = next(counter)
        if worker is None:
            worker, _client = make_worker(f"136{n:08d}")
        return services.submit_application(
            services.JoinRequest(
                name="赵六",
                id_number=make_id_number(n),
                job_type="other",
                street_id=wangjing.pk,
                declaration=True,
                privacy_consent=True,
            ),
            worker=worker,
        )

    return apply


def _post(persona, url, body=None):
    return persona.api().post(url, json.dumps(body or {}), content_type="application/json")


def _ids(persona, url, **params):
    return [row["id"] for row in persona.api().get(url, params).json()["results"]]


def test_the_staff_lists_are_scoped(everyone, apply, street_handler, unionised_employer):
    app = apply()
    member = services.approve_application(apply(), actor=street_handler.user)
    transfer = services.request_transfer(
        member, to_org=unionised_employer.union, requested_by="worker:1"
    )
    check_matrix(everyone, lambda p: p.api().get("/api/v1/members/applications"), STAFF_LIST)
    check_matrix(everyone, lambda p: p.api().get("/api/v1/members", {"q": "赵六"}), STAFF_LIST)
    check_matrix(everyone, lambda p: p.api().get("/api/v1/members/transfers"), STAFF_LIST)
    for name in ("street_handler", "district_supervisor", "city_admin", "dispatcher"):
        assert app.pk in _ids(everyone[name], "/api/v1/members/applications"), name
        assert _ids(everyone[name], "/api/v1/members", q="赵六") == [member.pk], name
        assert transfer.pk in _ids(everyone[name], "/api/v1/members/transfers"), name
    outsider = everyone["outsider"]
    assert _ids(outsider, "/api/v1/members/applications") == []
    assert _ids(outsider, "/api/v1/members", q="赵六") == []
    assert _ids(outsider, "/api/v1/members/transfers") == []


def test_rejecting_an_application(everyone, apply):
    apps = {name: apply() for name in everyone}
    check_matrix(
        everyone,
        lambda p: _post(
            p, f"/api/v1/members/applications/{apps[p.name].pk}/reject", {"reason": "材料不全"}
        ),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 403,
            "city_admin": 200,
            "dispatcher": 403,
            "outsider": 404,
        },
    )
    statuses = {n: JoinApplication.objects.get(pk=a.pk).status for n, a in apps.items()}
    assert [n for n, s in statuses.items() if s == "rejected"] == ["street_handler", "city_admin"]


def test_the_workers_own_routes(
    everyone, wangjing, mobile_union, street_handler, unionised_employer
):
    body = {
        "name": "钱七",
        "id_number": make_id_number(650),
        "job_type": "courier",
        "street_id": wangjing.pk,
        "declaration": True,
        "privacy_consent": True,
    }
    check_matrix(
        everyone,
        lambda p: _post(p, "/api/v1/members/join", body),
        {"courier": 201, **WORKER_ONLY},
    )
    assert JoinApplication.objects.filter(name="钱七").count() == 1
    check_matrix(
        everyone, lambda p: p.api().get("/api/v1/members/me"), {"courier": 200, **WORKER_ONLY}
    )
    # Not a member yet: nothing to transfer (404, the worker's own state).
    moving = {"employer_uscc": unionised_employer.uscc, "reason": "换工作"}
    check_matrix(
        everyone,
        lambda p: _post(p, "/api/v1/members/me/transfer", moving),
        {"courier": 404, **WORKER_ONLY},
    )
    services.approve_application(
        JoinApplication.objects.get(name="钱七"), actor=street_handler.user
    )
    check_matrix(
        everyone,
        lambda p: _post(p, "/api/v1/members/me/transfer", moving),
        {"courier": 201, **WORKER_ONLY},
    )


def test_a_refusal_needs_a_reason(everyone, apply, street_handler, unionised_employer):
    handler = everyone["street_handler"]
    app = apply()
    url = f"/api/v1/members/applications/{app.pk}/reject"
    for body in ({}, {"reason": "  "}):
        r = _post(handler, url, body)
        assert r.status_code == 422 and r.json()["code"] == "reason_required", body
    assert JoinApplication.objects.get(pk=app.pk).status == "pending"

    def released():
        member = services.approve_application(apply(), actor=street_handler.user)
        return services.request_transfer(
            member,
            to_org=unionised_employer.union,
            requested_by="worker:1",
            released_by=street_handler.user,
        )

    t = released()
    r = _post(handler, f"/api/v1/members/transfers/{t.pk}/decline")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    transfers = {name: released() for name in everyone}
    check_matrix(
        everyone,
        lambda p: _post(
            p, f"/api/v1/members/transfers/{transfers[p.name].pk}/decline", {"reason": "查无此人"}
        ),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 403,
            "city_admin": 200,
            "dispatcher": 403,
            "outsider": 404,
        },
    )
    declined = {
        n for n, t in transfers.items() if t.__class__.objects.get(pk=t.pk).status == "rejected"
    }
    assert declined == {"street_handler", "city_admin"}


def test_the_steps_come_from_the_workflow_tables():
    from gonghui.api import api

    paths = api.get_openapi_schema()["paths"]
    for action in ("approve", "reject"):
        op = paths[f"/api/v1/members/applications/{{app_id}}/{action}"]["post"]
        assert {200, 401, 403, 404, 409, 422} <= {int(s) for s in op["responses"]}
    for action in ("release", "accept", "decline"):
        assert f"/api/v1/members/transfers/{{transfer_id}}/{action}" in paths
    assert "/api/v1/members/transfers/{transfer_id}/{action}" not in paths
