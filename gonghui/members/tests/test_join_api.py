"""Joining through the API: validation, routing to a union, duplicates (409), /me."""

import json
from datetime import date

import pytest

from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.members.models import JoinApplication, Member
from gonghui.members.testing import make_id_number

pytestmark = pytest.mark.django_db


# The member's declaration and the privacy consent, which every application carries.
AGREED = {"declaration": True, "privacy_consent": True}


def post(client, body):
    return client.post("/api/v1/members/join", json.dumps(body), content_type="application/json")


def test_it_takes_a_courier_application_to_the_courier_union(courier, courier_union, wangjing):
    body = {
        "name": "王小明",
        "declaration": True,
        "privacy_consent": True,
        "id_number": make_id_number(1),
        "gig_platform": "sf",
        "job_type": "courier",
        "street_id": wangjing.pk,
    }
    r = post(courier.api(), body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "pending"
    assert data["union"] == {"id": courier_union.pk, "name": courier_union.name}
    app = JoinApplication.objects.get(pk=data["application_id"])
    assert app.gender == "male" and app.birth_date.isoformat() == "1990-05-17"
    assert app.employment == "gig" and app.phone == courier.worker.phone
    assert AuditLog.objects.filter(action="member.apply", object_id=str(app.pk)).exists()
    sms = OutboxMessage.objects.get(to_hash=courier.worker.phone_hash)
    assert courier_union.name in sms.text
    me = courier.api().get("/api/v1/members/me").json()
    assert me["status"] == "pending" and me["application"]["union"]["id"] == courier_union.pk


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        (
            make_id_number(7)[:-1] + ("1" if make_id_number(7)[-1] == "0" else "0"),
            "invalid_id_number",
        ),
        (make_id_number(7)[:17], "invalid_id_number"),
        ("110105199002300010", "invalid_id_number"),  # 30 February
        ("abc", "invalid_id_number"),
        (make_id_number(3, birth=date(2019, 1, 1)), "too_young"),
    ],
)
def test_it_refuses_an_invalid_id_number_with_422_and_stores_nothing(
    courier, wangjing, mobile_union, id_number, code
):
    r = post(
        courier.api(),
        {
            "name": "王小明",
            **AGREED,
            "id_number": id_number,
            "job_type": "other",
            "street_id": wangjing.pk,
        },
    )
    assert r.status_code == 422
    assert r.json()["code"] == code and r.json()["detail"]
    assert not JoinApplication.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"name": "王"}, "invalid_name"),
        ({"job_type": "pilot"}, "invalid_job_type"),
        ({"gig_platform": "meituan", "job_type": ""}, "job_type_required"),
        ({"job_type": "", "employer_name": ""}, "employment_required"),
        ({"street_id": None}, "street_required"),
        ({"street_id": 1}, "invalid_street"),  # the city federation is not a street
        ({"employer_uscc": "91110000600037341X"}, "invalid_uscc"),
    ],
)
def test_it_names_what_to_fix(courier, wangjing, mobile_union, extra, code):
    body = {"name": "王小明", **AGREED, "id_number": make_id_number(2), "job_type": "other"}
    body["street_id"] = wangjing.pk
    body.update(extra)
    r = post(courier.api(), body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code
    assert not JoinApplication.objects.exists()


def test_it_refuses_a_second_application_for_the_same_id_with_409(
    courier, make_worker, wangjing, mobile_union
):
    body = {"name": "王小明", **AGREED, "id_number": make_id_number(4), "job_type": "other"}
    body["street_id"] = wangjing.pk
    assert post(courier.api(), body).status_code == 201
    again = post(courier.api(), body)
    assert again.status_code == 409 and again.json()["code"] == "application_pending"
    # Another phone with the same ID number is refused too.
    _worker, other = make_worker("13900001111")
    assert post(other, body).json()["code"] == "application_pending"
    assert JoinApplication.objects.count() == 1


def test_it_tells_a_member_kindly_and_offers_a_transfer(
    courier, make_worker, wangjing, mobile_union, street_handler
):
    from gonghui.members import services

    body = {"name": "王小明", **AGREED, "id_number": make_id_number(5), "job_type": "other"}
    body["street_id"] = wangjing.pk
    app_id = post(courier.api(), body).json()["application_id"]
    services.approve_application(JoinApplication.objects.get(pk=app_id), actor=street_handler.user)
    again = post(courier.api(), body)
    assert again.status_code == 409
    data = again.json()
    assert data["code"] == "already_member"
    assert "转会" in data["detail"] and mobile_union.name in data["detail"]
    # A different phone is told the same, without learning which union holds it.
    _worker, other = make_worker("13900002222")
    data = post(other, body).json()
    assert data["code"] == "already_member" and mobile_union.name not in data["detail"]
    assert Member.objects.count() == 1


def test_me_shows_the_member_number_and_masked_id_after_approval(
    courier, wangjing, mobile_union, street_handler
):
    from gonghui.members import services

    number = make_id_number(6)
    body = {
        "name": "王小明",
        **AGREED,
        "id_number": number,
        "job_type": "other",
        "street_id": wangjing.pk,
    }
    app = JoinApplication.objects.get(pk=post(courier.api(), body).json()["application_id"])
    member = services.approve_application(app, actor=street_handler.user)
    me = courier.api().get("/api/v1/members/me").json()
    assert me["status"] == "active"
    assert me["member_number"] == member.member_number
    assert member.member_number.startswith("110105")
    assert (
        me["id_number"] != number
        and me["id_number"] == number[:3] + "*" * 11 + number[14:16] + "**"
    )
    assert me["periods"][0]["start_reason"] == "joined"
    assert me["periods"][0]["ended_on"] is None


def test_me_without_a_worker_token_is_401(street_handler):
    assert street_handler.api().get("/api/v1/members/me").status_code == 401


@pytest.mark.parametrize(
    ("missing", "code"),
    [("declaration", "declaration_required"), ("privacy_consent", "privacy_consent_required")],
)
def test_it_refuses_an_application_without_the_declaration_or_the_consent(
    courier, wangjing, mobile_union, missing, code
):
    body = {"name": "王小明", **AGREED, "id_number": make_id_number(6), "job_type": "other"}
    body["street_id"] = wangjing.pk
    del body[missing]
    r = post(courier.api(), body)
    assert r.status_code == 422 and r.json()["code"] == code
    assert not JoinApplication.objects.exists() and not OutboxMessage.objects.exists()


def test_it_records_when_the_declaration_and_consent_were_given(courier, wangjing, mobile_union):
    body = {"name": "王小明", **AGREED, "id_number": make_id_number(7), "job_type": "other"}
    body["street_id"] = wangjing.pk
    r = post(courier.api(), body)
    assert r.status_code == 201, r.content
    app = JoinApplication.objects.get(pk=r.json()["application_id"])
    assert app.declared_at is not None and app.privacy_consented_at == app.declared_at
    assert app.privacy_notice_version == "2026-12"
