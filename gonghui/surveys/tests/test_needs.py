"""The needs list (需求清单): the loop from a need to the worker's word, the 409 when
closing without it, the permission matrix, and the one-click need from an appeal or a
survey answer, linked both ways."""

from datetime import date, timedelta

import pytest

from gonghui.appeals.models import AppealEvent
from gonghui.appeals.services import Intake, create_appeal
from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.core.testing import check_matrix
from gonghui.surveys.models import Need, NeedNote, Response
from gonghui.surveys.testing import make_xlsx
from gonghui.surveys.tests.conftest import opened, workers

DUE = (date.today() + timedelta(days=10)).isoformat()


def _create(persona, org, **extra):
    body = {"org_id": org.pk, "title": "职工之家缺少微波炉", "detail": "午饭无法加热", "due": DUE}
    return persona.api().post("/api/v1/needs", body | extra, content_type="application/json")


def _step(persona, pk, action, **body):
    return persona.api().post(f"/api/v1/needs/{pk}/{action}", body, content_type="application/json")


def test_it_runs_a_need_from_record_to_the_workers_word(street_handler, wangjing):
    r = _create(street_handler, wangjing, worker_phone="13700001111")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "open" and "assign" in r.json()["actions"]
    assert _step(street_handler, pk, "assign", assignee="行政部").json()["status"] == "assigned"
    assert _step(street_handler, pk, "progress", note="已采购").json()["status"] == "in_progress"
    assert _step(street_handler, pk, "reply", reply="微波炉已到位").json()["status"] == "replied"
    assert OutboxMessage.objects.filter(text__contains="微波炉已到位").exists()
    # The worker says it is not solved: back to work, then replied and confirmed.
    assert _step(street_handler, pk, "reopen", note="只有一台").json()["status"] == "reopened"
    _step(street_handler, pk, "progress", note="再买一台")
    _step(street_handler, pk, "reply", reply="已有两台")
    assert _step(street_handler, pk, "confirm").json()["status"] == "confirmed"
    closed = _step(street_handler, pk, "close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    actions = list(NeedNote.objects.filter(need_id=pk).values_list("action", flat=True))
    assert actions == [
        "create",
        "assign",
        "progress",
        "reply",
        "reopen",
        "progress",
        "reply",
        "confirm",
        "close",
    ]
    assert AuditLog.objects.filter(action="needs.close", object_id=str(pk)).count() == 1


def test_it_refuses_to_close_without_the_reply_and_the_workers_word(street_handler, wangjing):
    pk = _create(street_handler, wangjing).json()["id"]
    r = _step(street_handler, pk, "close")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    _step(street_handler, pk, "assign", assignee="工会办")
    assert _step(street_handler, pk, "close").status_code == 409
    _step(street_handler, pk, "reply", reply="已协调")
    r = _step(street_handler, pk, "close")
    assert r.status_code == 409 and r.json()["code"] == "worker_word_missing"
    assert Need.objects.get(pk=pk).status == "replied"
    r = _step(street_handler, pk, "close", reason="三次电话无人接听，短信已告知")
    assert r.status_code == 200 and r.json()["unreachable_reason"].startswith("三次电话")


def test_it_refuses_bad_steps_and_bad_input(street_handler, wangjing):
    pk = _create(street_handler, wangjing).json()["id"]
    assert _step(street_handler, pk, "explode").status_code == 404
    r = _step(street_handler, pk, "assign")
    assert r.status_code == 422 and r.json()["code"] == "assignee_required"
    assert _create(street_handler, wangjing, worker_phone="123").status_code == 422
    assert _create(street_handler, wangjing, due="tomorrow").status_code == 422
    assert Need.objects.count() == 1


def test_it_scopes_needs_to_the_org_subtree(personas, wangjing):
    check_matrix(
        personas,
        lambda p: _create(p, wangjing),
        {
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
            "courier": 401,
        },
    )
    pk = Need.objects.first().pk
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/needs/{pk}"),
        {"street_handler": 200, "district_supervisor": 200, "outsider": 404, "courier": 401},
    )
    check_matrix(
        personas,
        lambda p: _step(p, pk, "assign", assignee="行政部"),
        {"outsider": 404, "courier": 401, "street_handler": 200},
    )


def test_it_counts_overdue_and_closure_per_org(street_handler, wangjing):
    late = _create(street_handler, wangjing, due=(date.today() - timedelta(days=1)).isoformat())
    assert late.json()["overdue"] is True
    done = _create(street_handler, wangjing).json()["id"]
    _step(street_handler, done, "assign", assignee="x")
    _step(street_handler, done, "reply", reply="y")
    _step(street_handler, done, "confirm")
    _step(street_handler, done, "close")
    row = next(
        r
        for r in street_handler.api().get("/api/v1/needs/stats").json()
        if r["org_id"] == wangjing.pk
    )
    assert (row["total"], row["closed"], row["overdue"], row["closure_rate"]) == (2, 1, 1, 0.5)


def test_it_turns_an_appeal_into_a_need_linked_both_ways(
    street_handler, district_supervisor, wangjing
):
    appeal, _ = create_appeal(
        Intake(text="单位食堂太小，午饭要排队四十分钟，希望工会协调", phone="13600002222")
    )
    appeal.assigned_org = wangjing
    appeal.save(update_fields=["assigned_org"])
    r = _create(district_supervisor, wangjing, appeal_id=appeal.pk)
    assert r.status_code == 201, r.content
    need = Need.objects.get(pk=r.json()["id"])
    assert need.source == "appeal" and need.worker == appeal.worker
    assert list(appeal.needs.all()) == [need]
    event = AppealEvent.objects.get(appeal=appeal, action="need_created")
    assert event.data["need"] == need.pk and not event.public
    again = _create(district_supervisor, wangjing, appeal_id=appeal.pk)
    assert again.status_code == 409 and again.json()["code"] == "already_linked"


def test_it_turns_a_survey_answer_into_a_need(district_supervisor, chaoyang, wangjing):
    pk = opened(
        district_supervisor,
        chaoyang,
        make_xlsx([["text", "need", "您的需求", "", "", "", "yes", "", ""]]),
    )
    ((w, token),) = workers(wangjing, 1)
    from django.test import Client

    Client(headers={"Authorization": f"Bearer {token}"}).post(
        f"/api/v1/surveys/{pk}/responses",
        {"answers": {"need": "希望开设夜校"}},
        content_type="application/json",
    )
    response = Response.objects.get(survey_id=pk)
    r = _create(district_supervisor, wangjing, response_id=response.pk, title="开设夜校")
    assert r.status_code == 201 and r.json()["source"] == "survey"
    assert response.needs.get().worker == w


@pytest.mark.parametrize("action", ["confirm", "reopen", "close"])
def test_it_refuses_the_workers_word_before_a_reply(street_handler, wangjing, action):
    pk = _create(street_handler, wangjing).json()["id"]
    _step(street_handler, pk, "assign", assignee="x")
    assert _step(street_handler, pk, action, note="n").status_code == 409
