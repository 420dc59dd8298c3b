"""Objections during 公示: a worker objects while the window runs, the application is
held, the district answers (upheld → rejected with the reason, dismissed → back on 公示)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from gonghui.accounts.models import Worker
from gonghui.accounts.services import issue_worker_token
from gonghui.care import services
from gonghui.care.choices import Status
from gonghui.care.models import Application, Objection
from gonghui.care.tests.conftest import complete
from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.core.testing import check_matrix


def on_publicity(member, courier, district_supervisor) -> Application:
    app = complete(member, courier.worker, Status.REVIEWED)
    services.publicise(district_supervisor.user, [app.pk], services.today())
    app.refresh_from_db()
    return app


@pytest.fixture
def neighbour(db) -> Client:
    """Another signed-in worker (a member of the public who read the 公示)."""
    worker = Worker.objects.create(phone="13900002222")
    token, _ = issue_worker_token(worker)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.worker = worker
    return client


def object_to(client, app, reason="申请人家中另有商铺出租，收入不实"):
    return client.post(
        f"/api/v1/care/publicity/{app.publicity_id}/objections",
        {"application_id": app.pk, "reason": reason},
        content_type="application/json",
    )


def answer(persona, objection_id, action, text="经入户核实，情况属实"):
    return persona.api().post(
        f"/api/v1/care/objections/{objection_id}/{action}",
        {"answer": text},
        content_type="application/json",
    )


def test_an_objection_holds_the_application_until_dismissed(
    member, courier, district_supervisor, neighbour
):
    app = on_publicity(member, courier, district_supervisor)
    listing = neighbour.get(f"/api/v1/care/publicity/{app.publicity_id}").json()
    row = listing["applications"][0]
    assert row["name"] == "王**" and "*" in row["id_number"]
    r = object_to(neighbour, app)
    assert r.status_code == 201, r.content
    assert r.json()["application_status"] == "objected"
    with time_machine.travel(app.publicity.ends_on + timedelta(days=2)):
        # The window is over, yet the held application cannot be approved.
        r = district_supervisor.api().post(f"/api/v1/care/applications/{app.pk}/approve")
        assert r.status_code == 409
        r = answer(district_supervisor, r_id := Objection.objects.get().pk, "dismiss", "核实无误")
        assert r.json() == {"id": r_id, "status": "dismissed", "application_status": "publicity"}
        r = district_supervisor.api().post(f"/api/v1/care/applications/{app.pk}/approve")
        assert r.status_code == 200 and r.json()["status"] == "approved"
    timeline = courier.api().get(f"/api/v1/care/applications/{app.pk}").json()["timeline"]
    actions = [e["action"] for e in timeline]
    assert actions[-3:] == ["object", "dismiss_objection", "approve_final"]
    # The applicant never learns who objected or what they wrote.
    assert "13900002222" not in str(timeline) and "商铺" not in str(timeline)
    assert AuditLog.objects.filter(action="care.objection.dismiss").count() == 1
    told = OutboxMessage.objects.filter(to_hash=neighbour.worker.phone_hash)
    assert told.filter(text__contains="核实无误").count() == 1


def test_an_upheld_objection_rejects_with_the_answer_as_reason(
    member, courier, district_supervisor, street_handler, neighbour
):
    app = on_publicity(member, courier, district_supervisor)
    object_to(neighbour, app)
    oid = Objection.objects.get().pk
    r = answer(street_handler, oid, "uphold")
    assert r.status_code == 403  # the district answers, not the street
    assert Application.objects.get(pk=app.pk).status == "objected"
    r = answer(district_supervisor, oid, "uphold", "经入户核实，家庭另有经营收入")
    assert r.json()["status"] == "upheld" and r.json()["application_status"] == "rejected"
    body = courier.api().get(f"/api/v1/care/applications/{app.pk}").json()
    assert body["status"] == "rejected"
    assert body["timeline"][-1]["note"] == "经入户核实，家庭另有经营收入"
    assert answer(district_supervisor, oid, "dismiss").status_code == 409


def test_a_second_objection_keeps_the_hold_after_the_first_is_dismissed(
    member, courier, district_supervisor, neighbour, union_staff
):
    app = on_publicity(member, courier, district_supervisor)
    object_to(neighbour, app)
    # Staff record a second one received by letter.
    r = union_staff.client.post(
        f"/api/v1/care/publicity/{app.publicity_id}/objections",
        {"application_id": app.pk, "reason": "来信反映：申请人已再就业"},
        content_type="application/json",
    )
    assert r.status_code == 201
    first, second = Objection.objects.order_by("pk")
    assert answer(district_supervisor, first.pk, "dismiss").json()["application_status"] == (
        "objected"
    )
    assert answer(district_supervisor, second.pk, "dismiss").json()["application_status"] == (
        "publicity"
    )


def test_objections_are_refused_outside_the_window_and_for_bad_input(
    member, courier, district_supervisor, neighbour
):
    app = on_publicity(member, courier, district_supervisor)
    assert object_to(neighbour, app, "不对").status_code == 422
    assert object_to(courier.api(), app).json()["code"] == "own_application"
    assert object_to(neighbour, app).status_code == 201
    assert object_to(neighbour, app).json()["code"] == "already_objected"
    assert (
        answer(district_supervisor, Objection.objects.get().pk, "dismiss", " ").status_code == 422
    )
    assert answer(district_supervisor, Objection.objects.get().pk, "shrug").status_code == 404
    with time_machine.travel(app.publicity.ends_on + timedelta(days=2)):
        assert object_to(neighbour, app).status_code == 404
        assert neighbour.get(f"/api/v1/care/publicity/{app.publicity_id}").status_code == 404
    other = complete(member, courier.worker, Status.SUBMITTED)
    r = neighbour.post(
        f"/api/v1/care/publicity/{app.publicity_id}/objections",
        {"application_id": other.pk, "reason": "这份申请不在公示中"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert Objection.objects.count() == 1


def test_the_permission_matrix_of_objections(personas, member, courier, district_supervisor):
    app = on_publicity(member, courier, district_supervisor)
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/care/publicity/{app.publicity_id}"),
        {
            "courier": 200,
            "street_handler": 404,  # the 公示 is the district's
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )

    def raise_(p):
        fresh = on_publicity(member, courier, district_supervisor)
        return p.api().post(
            f"/api/v1/care/publicity/{fresh.publicity_id}/objections",
            {"application_id": fresh.pk, "reason": "收入情况与实际不符"},
            content_type="application/json",
        )

    check_matrix(
        personas,
        raise_,
        {
            "courier": 422,  # their own application
            "street_handler": 201,  # the applicant's street records a letter it got
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )

    def answer_(p):
        fresh = on_publicity(member, courier, district_supervisor)
        services.raise_objection(district_supervisor.user, fresh.pk, "来电反映收入不实")
        o = Objection.objects.filter(application=fresh).get()
        return answer(p, o.pk, "dismiss")

    check_matrix(
        personas,
        answer_,
        {
            "courier": 401,
            "street_handler": 403,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )

    def console(p):
        fresh = on_publicity(member, courier, district_supervisor)
        services.raise_objection(district_supervisor.user, fresh.pk, "来电反映收入不实")
        o = Objection.objects.filter(application=fresh).get()
        client = Client() if p.worker is not None else p.browser()
        return client.post(
            f"/console/care/{fresh.pk}/objections/{o.pk}/uphold/", {"answer": "核实属实"}
        )

    check_matrix(
        personas,
        console,
        {
            "courier": 302,
            "street_handler": 302,  # a refusal shown on the page
            "district_supervisor": 302,
            "city_admin": 302,
            "outsider": 404,
        },
    )
    assert Objection.objects.filter(status="upheld").count() == 2


def test_the_console_shows_and_answers_an_objection(
    member, courier, district_supervisor, neighbour
):
    app = on_publicity(member, courier, district_supervisor)
    object_to(neighbour, app, "<b>收入不实</b>，请核查")
    oid = Objection.objects.get().pk
    browser = district_supervisor.browser()
    html = browser.get(f"/console/care/{app.pk}/").content.decode()
    assert f'data-testid="care-objection-{oid}"' in html
    assert "&lt;b&gt;收入不实" in html and "<b>收入不实" not in html
    r = browser.post(
        f"/console/care/{app.pk}/objections/{oid}/dismiss/", {"answer": "核实无误"}, follow=True
    )
    assert "已答复异议" in r.content.decode()
    assert Application.objects.get(pk=app.pk).status == "publicity"
