"""The mediation contract end to end over HTTP with bearer tokens: intake, the steps,
the 409s and 422s, the appeal link and the collective early warning."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from gonghui.appeals.models import AppealEvent
from gonghui.core import pii
from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.rights.models import Applicant, Claim, Dispute, DisputeEvent
from gonghui.rights.tests.conftest import post
from gonghui.warnings.models import EarlyWarning

pytestmark = pytest.mark.django_db


def phone_hash() -> str:
    return pii.digest(pii.PHONE, "13912345678")


URL = "/api/v1/rights/disputes"


def _create(persona, body):
    response = post(persona.api(), URL, body)
    assert response.status_code == 201, response.json()
    return response.json()


@time_machine.travel("2026-09-28 10:00 +0800", tick=False)
def test_it_receives_a_written_application_and_starts_the_clocks(street_handler, body):
    created = _create(street_handler, body(employment_ended_on="2026-08-29"))
    assert set(created) == {
        "id",
        "case_no",
        "status",
        "collective",
        "arbitration_right_from",
        "limitation_until",
    }
    assert created["status"] == "received" and created["collective"] is False
    assert created["case_no"].startswith("TJ-2026-")
    # 15 calendar days across National Day: the right from 14 October.
    assert created["arbitration_right_from"] == "2026-10-13"
    # Wages: a year from the end of employment, 29 Aug 2027, is a Sunday → Monday 30 Aug.
    assert created["limitation_until"] == "2027-08-30"
    dispute = Dispute.objects.get(pk=created["id"])
    assert str(dispute.claimed_total) == "15000.50"
    assert DisputeEvent.objects.filter(dispute=dispute, action="receive").count() == 1
    assert AuditLog.objects.filter(action="dispute.receive", object_id=str(dispute.pk)).exists()
    assert OutboxMessage.objects.filter(
        to_hash=phone_hash(), text__contains=dispute.case_no
    ).exists()
    # The phone is stored encrypted, found by its keyed hash.
    applicant = Applicant.objects.get(dispute=dispute)
    assert applicant.phone == "13912345678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM rights_applicant WHERE id = %s", [applicant.pk])
        assert "13912345678" not in cursor.fetchone()[0]


def test_it_runs_a_case_to_an_agreement_and_closes_it_with_the_amounts(street_handler, body):
    client = street_handler.api()
    case = _create(street_handler, body())
    url = f"{URL}/{case['id']}"
    assert post(client, f"{url}/accept").status_code == 200
    response = post(
        client,
        f"{url}/session",
        {"place": "望京街道职工服务中心", "attendees": "张伟、公司人事经理", "note": "双方陈述"},
    )
    assert response.status_code == 200 and response.json()["status"] == "in_session"
    perform_by = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = post(
        client,
        f"{url}/agree",
        {
            "items": [
                {"kind": "wages", "amount": "10000"},
                {"kind": "overtime", "amount": "2000.5"},
            ],
            "perform_by": perform_by,
        },
    )
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["status"] == "agreed" and detail["agreed"] == "12000.50"
    assert {c["kind"]: c["agreed"] for c in detail["claims"]} == {
        "wages": "10000.00",
        "overtime": "2000.50",
    }
    pdf = client.get(f"{url}/agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="dispute.document", object_id=str(case["id"])).exists()
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert case["case_no"] in text and "12000.50" in text and "2000.50" in text
    assert post(client, f"{url}/performed").status_code == 200
    response = post(
        client,
        f"{url}/close",
        {
            "outcome": "performed",
            "recovered": [
                {"kind": "wages", "amount": "10000"},
                {"kind": "overtime", "amount": "2000.50"},
            ],
        },
    )
    assert response.status_code == 200
    detail = response.json()
    assert detail["status"] == "closed" and detail["recovered"] == "12000.50"
    actions = [e["action"] for e in detail["timeline"]]
    assert actions == ["receive", "accept", "session", "agree", "performed", "close"]
    statuses = [e["to_status"] for e in detail["timeline"]]
    assert statuses[-1] == "closed"


def test_it_refuses_illegal_steps_with_409_and_changes_nothing(street_handler, body):
    client = street_handler.api()
    case = _create(street_handler, body())
    url = f"{URL}/{case['id']}"
    for action, data in [
        ("performed", {}),
        ("default", {}),
        ("close", {"outcome": "other"}),
        ("session", {"place": "x", "attendees": "y"}),
    ]:
        response = post(client, f"{url}/{action}", data)
        assert response.status_code == 409, (action, response.json())
        assert response.json()["code"] == "invalid_transition"
    assert Dispute.objects.get(pk=case["id"]).status == "received"
    assert DisputeEvent.objects.filter(dispute_id=case["id"]).count() == 1
    assert post(client, f"{url}/fly").status_code == 404


def test_it_refers_a_case_to_arbitration_with_the_external_number(street_handler, body):
    client = street_handler.api()
    case = _create(street_handler, body())
    url = f"{URL}/{case['id']}"
    post(client, f"{url}/accept")
    response = post(client, f"{url}/refer", {})
    assert response.status_code == 422 and response.json()["code"] == "refer_target_required"
    response = post(
        client, f"{url}/refer", {"to": "arbitration", "external_no": "京朝劳人仲字[2026]第123号"}
    )
    assert response.status_code == 200
    detail = response.json()
    assert detail["status"] == "referred" and detail["referred_to"] == "arbitration"
    assert detail["external_no"] == "京朝劳人仲字[2026]第123号"
    assert detail["arbitration_offered"] is True
    assert client.get(f"{url}/arbitration.pdf").content.startswith(b"%PDF")


def test_it_offers_a_payment_order_on_a_defaulted_wage_agreement(street_handler, body):
    client = street_handler.api()
    case = _create(street_handler, body())
    url = f"{URL}/{case['id']}"
    post(client, f"{url}/accept")
    perform_by = timezone.localdate().isoformat()
    post(
        client,
        f"{url}/agree",
        {"items": [{"kind": "wages", "amount": "9000"}], "perform_by": perform_by},
    )
    assert client.get(f"{url}/payment-order.pdf").status_code == 409
    response = post(client, f"{url}/default", {"note": "到期未支付"})
    assert response.status_code == 200
    assert response.json()["payment_order_offered"] is True
    pdf = client.get(f"{url}/payment-order.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sms = OutboxMessage.objects.filter(to_hash=phone_hash(), text__contains="支付令")
    assert sms.exists()


@pytest.mark.parametrize(
    "change, code",
    [
        ({"claims": [{"kind": "wages", "amount": "-5"}]}, "invalid_amount"),
        ({"claims": [{"kind": "wages", "amount": "十万"}]}, "invalid_amount"),
        ({"claims": [{"kind": "wages", "amount": "1.234"}]}, "invalid_amount"),
        ({"claims": [{"kind": "bonus", "amount": "100"}]}, "invalid_claim_kind"),
        ({"claims": []}, "claims_required"),
        ({"employer": {"name": "某公司", "uscc": "91110105MA01ABCD1X"}}, "invalid_uscc"),
        (
            {
                "applicants": [
                    {"name": "张伟", "phone": "13912345678", "id_number": "110101199001011234"}
                ]
            },
            "invalid_id_number",
        ),
        ({"applicants": [{"name": "张伟", "phone": "12345"}]}, "invalid_phone"),
        ({"channel": "oral", "facts": "  "}, "facts_required"),
        ({"channel": "fax"}, "invalid_channel"),
        ({"known_since": "2999-01-01"}, "date_in_future"),
        ({"workers_count": "many"}, "invalid_request"),
    ],
)
def test_it_refuses_bad_input_with_422_and_stores_nothing(street_handler, body, change, code):
    before = (
        Dispute.objects.count(),
        Applicant.objects.count(),
        Claim.objects.count(),
        OutboxMessage.objects.count(),
        AuditLog.objects.count(),
    )
    response = post(street_handler.api(), URL, body(**change))
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    after = (
        Dispute.objects.count(),
        Applicant.objects.count(),
        Claim.objects.count(),
        OutboxMessage.objects.count(),
        AuditLog.objects.count(),
    )
    assert after == before


def test_it_refuses_a_perform_by_before_today(street_handler, body):
    client = street_handler.api()
    case = _create(street_handler, body())
    url = f"{URL}/{case['id']}"
    post(client, f"{url}/accept")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = post(
        client,
        f"{url}/agree",
        {"items": [{"kind": "wages", "amount": "1"}], "perform_by": yesterday},
    )
    assert response.status_code == 422 and response.json()["code"] == "perform_by_in_past"
    dispute = Dispute.objects.get(pk=case["id"])
    assert dispute.status == "accepted" and dispute.agreed_at is None
    assert not Claim.objects.filter(dispute=dispute, agreed__isnull=False).exists()


def test_it_records_an_oral_application_with_who_took_it(street_handler, body):
    created = _create(street_handler, body(channel="oral", facts="口述：公司未支付经济补偿。"))
    dispute = Dispute.objects.get(pk=created["id"])
    assert dispute.channel == "oral" and dispute.oral_taken_by == street_handler.user
    assert dispute.received_at is not None
    assert "当场记录" in dispute.events.get(action="receive").note


def test_it_makes_ten_workers_with_a_common_claim_collective_and_warns_the_district(
    street_handler, body
):
    applicants = [{"name": f"工人{i}", "phone": f"1391234{i:04d}"} for i in range(3)]
    applicants[1]["representative"] = True
    created = _create(street_handler, body(applicants=applicants, workers_count=12))
    assert created["collective"] is True
    dispute = Dispute.objects.select_related("warning").get(pk=created["id"])
    assert dispute.urgent is True
    assert dispute.warning is not None and dispute.warning.org.admin_code == "110105"
    assert dispute.warning.kind == "employer_cluster"
    assert dispute.case_no in dispute.warning.title
    assert EarlyWarning.objects.filter(subject=f"dispute:{dispute.case_no}").count() == 1
    reps = list(dispute.applicants.filter(representative=True).values_list("name", flat=True))
    assert reps == ["工人1"]
    # Only the representative is texted, not every worker.
    assert OutboxMessage.objects.filter(text__contains=dispute.case_no).count() == 1


def test_it_turns_an_appeal_into_a_case_once_and_links_both_ways(
    street_handler, city_admin, file_appeal, wangjing
):
    appeal_id = file_appeal(name="李娜", employer_name="北京望京某物流有限公司").json()["id"]
    client = city_admin.api()
    response = post(client, f"/api/v1/appeals/{appeal_id}/to-dispute", {"org_id": wangjing.pk})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "received"
    dispute = Dispute.objects.get(pk=created["id"])
    assert dispute.appeal_id == appeal_id and dispute.employer_name == "北京望京某物流有限公司"
    link = AppealEvent.objects.get(appeal_id=appeal_id, action="to_dispute")
    assert link.data["dispute_id"] == dispute.pk
    appeal = client.get(f"/api/v1/appeals/{appeal_id}").json()
    assert any(
        e["action"] == "to_dispute" and dispute.case_no in e["note"] for e in appeal["timeline"]
    )
    again = post(client, f"/api/v1/appeals/{appeal_id}/to-dispute", {"org_id": wangjing.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_converted"
    assert Dispute.objects.filter(appeal_id=appeal_id).count() == 1
    detail = client.get(f"{URL}/{dispute.pk}").json()
    assert detail["appeal_id"] == appeal_id


def test_it_tells_a_supervisor_of_another_district_nothing(outsider, street_handler, body):
    case = _create(street_handler, body())
    client = outsider.api()
    url = f"{URL}/{case['id']}"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/agreement.pdf").status_code == 404
    assert post(client, f"{url}/accept").status_code == 404
    assert Dispute.objects.get(pk=case["id"]).status == "received"


def test_it_needs_a_session_csrf_token_but_never_for_a_bearer(street_handler, body, csrf_client):
    csrf_client.force_login(street_handler.user)
    response = post(csrf_client, URL, body())
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert not Dispute.objects.exists()
    from gonghui.rights.tests.conftest import post as post_

    assert post_(street_handler.api(), URL, body()).status_code == 201


def test_it_shows_the_limitation_date_and_no_date_for_wages_in_a_lasting_job(street_handler, body):
    created = _create(
        street_handler, body(employment_ended_on=None, claims=[{"kind": "wages", "amount": "100"}])
    )
    assert created["limitation_until"] is None
    created = _create(
        street_handler,
        body(
            claims=[{"kind": "severance", "amount": "100"}],
            known_since=(date.today() - timedelta(days=10)).isoformat(),
        ),
    )
    assert created["limitation_until"] is not None
