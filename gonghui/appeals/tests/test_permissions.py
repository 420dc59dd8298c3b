"""The permission matrix of every appeals endpoint for the five personas.

Appeals here belong to 朝阳区 (handled by 望京, or waiting in 朝阳区's queue), so the
outsider from 海淀区 gets 404 on each one; a role that may not act gets 403 and a state
that does not allow the action 409, and neither changes anything.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.accounts.services import create_api_key
from gonghui.appeals import services
from gonghui.appeals.models import Appeal, CallbackTask, Extension
from gonghui.core.models import AuditLog, Notice, OutboxMessage
from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org

from .conftest import WANGJING_POINT

pytestmark = pytest.mark.django_db

TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"
ENQUIRY = "请问单位不给交社保怎么办？"
PHONE = "13912345678"


@pytest.fixture
def make(personas, unionised_employer):
    """Return ``make(status)``: a new appeal of 望京 walked to ``status`` by the services.

    ``received`` appeals wait in 朝阳区's dispatcher queue (only the district is known);
    ``enquiry`` is a received question that may be answered directly.
    """
    handler = personas["street_handler"].user

    def make(status: str) -> Appeal:
        if status in ("received", "enquiry"):
            text = ENQUIRY if status == "enquiry" else TEXT
            appeal, _ = services.create_appeal(
                services.Intake(text=text, phone=PHONE, **WANGJING_POINT)
            )
            assert appeal.status == "received" and appeal.dispatcher_org.admin_code == "110105"
            return appeal
        appeal, _ = services.create_appeal(
            services.Intake(text=TEXT, phone=PHONE, employer_uscc=unionised_employer.uscc)
        )
        steps = {
            "dispatched": [],
            "accepted": [("accept", {})],
            "extension_pending": [("accept", {}), ("extend", {"days": 3, "reason": "补材料"})],
            "in_progress": [("accept", {}), ("contact", {"note": "已联系"})],
            "resolved": [
                ("accept", {}),
                ("contact", {"note": "已联系"}),
                ("resolve", {"reply": "已补发"}),
            ],
        }[status]
        for action, data in steps:
            appeal = services.act(appeal, action, actor=handler, **data)
        if status == "extension_pending":
            assert appeal.extensions.filter(status="pending").exists()
        return appeal

    return make


def api(persona, method: str, url: str, body: dict | None = None):
    client = persona.api()
    if method == "get":
        return client.get(url, body or {})
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# action -> (state of the appeal, body, {persona: status}, status after a 200)
ACTIONS = {
    "dispatch": (
        "received",
        "wangjing",
        {"street_handler": 404, "district_supervisor": 403, "city_admin": 200},
        "dispatched",
    ),
    "recategorise": (
        "received",
        {"category": "hours"},
        {"street_handler": 404, "district_supervisor": 403, "city_admin": 200},
        "received",
    ),
    "accept": (
        "dispatched",
        {},
        {"street_handler": 200, "district_supervisor": 403, "city_admin": 200},
        "accepted",
    ),
    "return": (
        "dispatched",
        {"reason": "不属于本街道"},
        {"street_handler": 200, "district_supervisor": 403, "city_admin": 200},
        "received",
    ),
    "contact": (
        "accepted",
        {"note": "已电话联系"},
        {"street_handler": 200, "district_supervisor": 403, "city_admin": 200},
        "in_progress",
    ),
    "resolve": (
        "in_progress",
        {"reply": "已协调补发工资。"},
        {"street_handler": 200, "district_supervisor": 403, "city_admin": 200},
        "resolved",
    ),
    "answer_directly": (
        "enquiry",
        {"answer": "可向社保经办机构投诉。"},
        {"street_handler": 404, "district_supervisor": 403, "city_admin": 200},
        "resolved",
    ),
    "extend": (
        "accepted",
        {"days": 3, "reason": "等待企业提供工资表"},
        {"street_handler": 200, "district_supervisor": 403, "city_admin": 200},
        "accepted",
    ),
    "extension/approve": (
        "extension_pending",
        {},
        {"street_handler": 403, "district_supervisor": 200, "city_admin": 200},
        "accepted",
    ),
    "extension/reject": (
        "extension_pending",
        {"reason": "材料已齐全"},
        {"street_handler": 403, "district_supervisor": 200, "city_admin": 200},
        "accepted",
    ),
    "supervise": (
        "dispatched",
        {"note": "请加快办理"},
        {"street_handler": 403, "district_supervisor": 200, "city_admin": 200},
        "dispatched",
    ),
    "merge": (
        "dispatched",
        "into",
        {"street_handler": 403, "district_supervisor": 403, "city_admin": 200},
        "merged",
    ),
}


def test_it_covers_every_action_of_the_services():
    assert set(ACTIONS) == set(services.ACTIONS)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_checks_the_matrix_of_each_action(personas, make, action):
    state, body, expected, after = ACTIONS[action]
    seen: dict[str, Appeal] = {}

    def request(persona):
        appeal = make(state)
        seen[persona.name] = appeal
        data = body
        if body == "wangjing":
            data = {"org_id": personas["street_handler"].org.pk}
        elif body == "into":
            data = {"into_id": make("dispatched").pk}
        return api(persona, "post", f"/api/v1/appeals/{appeal.pk}/{action}", data)

    check_matrix(personas, request, {"courier": 401, "outsider": 404, **expected})
    for name, status in expected.items():
        appeal = Appeal.objects.get(pk=seen[name].pk)
        if status == 200:
            assert appeal.status == after, name
            assert appeal.events.last().action == action, name
        else:
            assert appeal.events.last().action != action, name


def _snapshot(appeal: Appeal) -> dict:
    return {
        "row": Appeal.objects.filter(pk=appeal.pk).values().get(),
        "events": appeal.events.count(),
        "extensions": list(Extension.objects.filter(appeal=appeal).values()),
        "audit": AuditLog.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "notices": Notice.objects.count(),
    }


@pytest.mark.parametrize(
    "action,state,persona,body",
    [
        ("accept", "dispatched", "district_supervisor", {}),
        ("resolve", "in_progress", "district_supervisor", {"reply": "已办结"}),
        ("supervise", "dispatched", "street_handler", {"note": "督办"}),
        ("extension/approve", "extension_pending", "street_handler", {}),
        ("dispatch", "received", "district_supervisor", {"org_id": None}),
    ],
)
def test_it_refuses_an_action_the_role_does_not_allow_with_403_and_changes_nothing(
    personas, make, action, state, persona, body
):
    appeal = make(state)
    if "org_id" in body:
        body = {"org_id": personas["street_handler"].org.pk}
    before = _snapshot(appeal)
    response = api(personas[persona], "post", f"/api/v1/appeals/{appeal.pk}/{action}", body)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden_role"
    assert _snapshot(appeal) == before


@pytest.mark.parametrize(
    "action,state,body",
    [
        ("accept", "in_progress", {}),
        ("dispatch", "dispatched", {"org_id": None}),
        ("return", "accepted", {"reason": "退回"}),
        ("contact", "dispatched", {"note": "联系"}),
        ("resolve", "accepted", {"reply": "办结"}),
        ("answer_directly", "dispatched", {"answer": "答复"}),
        ("extend", "resolved", {"days": 2, "reason": "延期"}),
        ("extension/approve", "dispatched", {}),
        ("supervise", "resolved", {"note": "督办"}),
        ("merge", "resolved", {"into_id": None}),
    ],
)
def test_it_refuses_an_action_the_state_does_not_allow_with_409_and_changes_nothing(
    personas, make, action, state, body
):
    appeal = make(state)
    if "org_id" in body:
        body = {"org_id": personas["street_handler"].org.pk}
    if "into_id" in body:
        body = {"into_id": make("dispatched").pk}
    before = _snapshot(appeal)
    response = api(personas["city_admin"], "post", f"/api/v1/appeals/{appeal.pk}/{action}", body)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_transition"
    assert _snapshot(appeal) == before


def test_it_checks_the_matrix_of_the_list(personas, make):
    mine = make("dispatched")
    queued = make("received")

    def request(persona):
        return api(persona, "get", "/api/v1/appeals")

    check_matrix(
        personas,
        request,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )

    def ids(name):
        return {a["id"] for a in request(personas[name]).json()["results"]}

    assert ids("street_handler") == {mine.pk}  # 朝阳区's queue is not 望京's business
    assert ids("district_supervisor") == ids("city_admin") == {mine.pk, queued.pk}
    assert ids("outsider") == set()
    # The intake key of the call centre cannot read appeals.
    raw, _key = create_api_key(org=Org.objects.get(admin_code="110000"), name="call centre")
    assert Client(headers={"X-Api-Key": raw}).get("/api/v1/appeals").status_code == 401


@pytest.mark.parametrize("state", ["dispatched", "received"])
def test_it_checks_the_matrix_of_the_detail(personas, make, state):
    appeal = make(state)
    check_matrix(
        personas,
        lambda p: api(p, "get", f"/api/v1/appeals/{appeal.pk}"),
        {
            "courier": 401,
            "street_handler": 200 if state == "dispatched" else 404,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    # Unknown and outside the scope look the same.
    missing = api(personas["outsider"], "get", "/api/v1/appeals/999999999")
    hidden = api(personas["outsider"], "get", f"/api/v1/appeals/{appeal.pk}")
    assert missing.json() == hidden.json()


def test_it_checks_the_matrix_of_metrics(personas):
    chaoyang = Org.objects.get(admin_code="110105")
    staff_ok = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200}
    check_matrix(
        personas,
        lambda p: api(p, "get", "/api/v1/appeals/metrics"),
        {"courier": 401, "outsider": 200, **staff_ok},
    )
    own = api(personas["street_handler"], "get", "/api/v1/appeals/metrics").json()
    assert own["org"]["id"] == personas["street_handler"].org.pk
    check_matrix(
        personas,
        lambda p: api(p, "get", "/api/v1/appeals/metrics", {"org": chaoyang.pk}),
        {
            "courier": 401,
            "street_handler": 404,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )


def test_it_checks_the_matrix_of_the_ranking(personas):
    def request(persona):
        return api(persona, "get", "/api/v1/appeals/ranking", {"level": "street"})

    check_matrix(
        personas,
        request,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )
    staff = ["street_handler", "district_supervisor", "outsider"]
    names = {p: {r["org"]["name"] for r in request(personas[p]).json()} for p in staff}
    assert names["street_handler"] == {"望京街道总工会"}
    assert names["outsider"] == {personas["outsider"].org.name}
    assert "望京街道总工会" in names["district_supervisor"]
    assert personas["outsider"].org.name not in names["district_supervisor"]


def test_it_checks_the_matrix_of_tracking_and_evaluation(personas, make):
    everyone = {name: 200 for name in personas}
    appeal = make("resolved")
    query = {"ticket_no": appeal.ticket_no, "phone_last4": PHONE[-4:]}
    check_matrix(personas, lambda p: api(p, "get", "/api/v1/appeals/track", query), everyone)
    wrong = {**query, "phone_last4": "0000"}
    check_matrix(
        personas, lambda p: api(p, "get", "/api/v1/appeals/track", wrong), {"courier": 404}
    )

    def evaluate(persona):
        fresh = make("resolved")
        body = {
            "ticket_no": fresh.ticket_no,
            "phone_last4": PHONE[-4:],
            "resolved": True,
            "satisfaction": "satisfied",
        }
        return api(persona, "post", "/api/v1/appeals/track/evaluate", body)

    check_matrix(personas, evaluate, everyone)
    assert Appeal.objects.filter(status="closed").count() == len(personas)
    # Only a resolved appeal can be rated.
    body = {**query, "resolved": True, "satisfaction": "satisfied"}
    open_one = make("in_progress")
    body["ticket_no"] = open_one.ticket_no
    refused = api(personas["courier"], "post", "/api/v1/appeals/track/evaluate", body)
    assert (refused.status_code, refused.json()["code"]) == (409, "not_resolved")


def test_it_checks_the_matrix_of_filing_an_appeal(personas):
    body = {"text": TEXT, "phone": PHONE}
    check_matrix(
        personas,
        lambda p: api(p, "post", "/api/v1/appeals", body),
        {
            "courier": 201,
            "street_handler": 401,
            "district_supervisor": 401,
            "city_admin": 401,
            "outsider": 401,
        },
    )
    by_worker = Appeal.objects.get()
    assert by_worker.worker == personas["courier"].worker
    assert by_worker.channel == "h5"
    assert by_worker.phone == personas["courier"].worker.phone  # their own verified phone

    raw, _key = create_api_key(org=Org.objects.get(admin_code="110000"), name="call centre")
    client = Client(headers={"X-Api-Key": raw})
    filed = client.post("/api/v1/appeals", json.dumps(body), content_type="application/json")
    assert filed.status_code == 201, filed.content
    assert Appeal.objects.get(pk=filed.json()["id"]).channel == "hotline"
    anonymous = Client().post("/api/v1/appeals", json.dumps(body), content_type="application/json")
    assert anonymous.status_code == 401
    assert Appeal.objects.count() == 2


def test_it_refuses_the_operator_callback_to_staff_without_the_role(personas, make):
    appeal = make("resolved")
    CallbackTask.objects.create(appeal=appeal, due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(services.Forbidden):
        services.record_callback(
            appeal, actor=personas["street_handler"].user, resolved=True, satisfaction="satisfied"
        )
    appeal.refresh_from_db()
    assert appeal.status == "resolved"
    assert CallbackTask.objects.get(appeal=appeal).done_at is None
    done = services.record_callback(
        appeal, actor=personas["city_admin"].user, resolved=True, satisfaction="basically"
    )
    assert (done.status, done.eval_satisfaction) == ("closed", "basically")
    assert CallbackTask.objects.get(appeal=appeal).done_by == personas["city_admin"].user
