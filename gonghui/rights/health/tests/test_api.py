"""The health-check API as the issue's contract states it: the tree, a check through
self-assessment, review and verification, findings with their articles and deadlines,
follow-ups to the end, the report PDF, and the refusals (422, 409, 403, 404)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from gonghui.core.models import AuditLog
from gonghui.rights.health.models import HealthAnswer
from gonghui.rights.health.tests.conftest import all_pass
from gonghui.rights.tests.conftest import post

pytestmark = pytest.mark.django_db
URL = "/api/v1/rights/health-checks"


def test_it_serves_the_current_tree_with_article_references(street_handler):
    body = street_handler.api().get("/api/v1/rights/checklists/current").json()
    check = body["areas"][0]["items"][0]["checks"][0]
    assert check["id"] == "contract.written.signed"
    assert {"source": "labour_contract_law", "article": 82} in check["articles"]
    assert body["risk_rules"][0] == {"level": "high", "when": {"score_below": 60}}


def test_it_takes_a_check_through_its_chain(enterprise, tree, street_handler, district_supervisor):
    client = street_handler.api()
    response = post(client, URL, {"enterprise_id": enterprise.pk, "chair_name": "王芳"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "self_assessment"
    url = f"{URL}/{created['id']}"
    detail = client.get(url).json()
    assert "/h5/rights/health-check/" in detail["self_assessment_url"]
    # Half the answers first: submitting then is refused and nothing moves.
    answers = all_pass(tree, **{"wages.payment.on_time": "fail", "hours.limits.overtime": "fail"})
    assert post(client, f"{url}/answers", {"answers": answers[:5]}).status_code == 200
    refused = post(client, f"{url}/submit")
    assert refused.status_code == 422 and refused.json()["code"] == "answers_incomplete"
    assert client.get(url).json()["status"] == "self_assessment"
    body = post(client, f"{url}/answers", {"answers": answers}).json()
    total = sum(c["weight"] for a in tree["areas"] for i in a["items"] for c in i["checks"])
    assert body["score"] == round(100 * (total - 16) / total, 1)
    assert body["risk"] == "high"  # wages on time is critical
    assert post(client, f"{url}/submit").status_code == 200
    assert post(client, f"{url}/review").status_code == 200
    # The street may not verify: the district does.
    assert post(client, f"{url}/verify").json()["code"] == "forbidden_role"
    verified = post(district_supervisor.api(), f"{url}/verify")
    assert verified.status_code == 200
    body = client.get(url).json()
    assert body["status"] == "verified"
    today = timezone.localdate()
    findings = {f["check_id"]: f for f in body["findings"]}
    assert set(findings) == {"wages.payment.on_time", "hours.limits.overtime"}
    wages = findings["wages.payment.on_time"]
    assert wages["due"] == (today + timedelta(days=15)).isoformat()
    assert {"source": "labour_law", "article": 50} in wages["articles"]
    assert wages["owner"] == street_handler.user.username
    pdf = client.get(f"{url}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # The article text from the knowledge base, and the advice, are printed.
    assert "用人单位应当按照劳动合同约定和国家规定" in text
    assert "建立工资支付台账" in text
    # Follow-ups: the first closes one finding, the second the last one, which ends the check.
    fu = f"{url}/findings/{wages['id']}/follow-ups"
    assert post(client, fu, {"note": "已补发工资", "closed": True}).status_code == 201
    assert client.get(url).json()["status"] == "verified"
    again = post(client, fu, {"note": "再次回访"})
    assert again.status_code == 409 and again.json()["code"] == "finding_closed"
    other = findings["hours.limits.overtime"]["id"]
    response = post(client, f"{url}/findings/{other}/follow-ups", {"note": "未整改完毕"})
    assert response.status_code == 201
    response = post(
        client, f"{url}/findings/{other}/follow-ups", {"note": "排班已调整", "closed": True}
    )
    assert response.json()["status"] == "closed"
    assert AuditLog.objects.filter(
        action="health_check.verify", object_id=str(created["id"])
    ).exists()


def test_it_refuses_bad_answers_and_stores_none(enterprise, street_handler):
    client = street_handler.api()
    url = f"{URL}/{post(client, URL, {'enterprise_id': enterprise.pk}).json()['id']}"
    for answers, code in [
        ([{"check_id": "no.such.check", "result": "pass"}], "unknown_check"),
        ([{"check_id": "contract.written.signed", "result": "maybe"}], "invalid_result"),
        ([], "answers_missing"),
    ]:
        response = post(client, f"{url}/answers", {"answers": answers})
        assert response.status_code == 422 and response.json()["code"] == code
    assert not HealthAnswer.objects.exists()


def test_it_refuses_a_second_open_check_and_an_enterprise_out_of_scope(
    enterprise, street_handler, outsider
):
    client = street_handler.api()
    assert post(client, URL, {"enterprise_id": enterprise.pk}).status_code == 201
    again = post(client, URL, {"enterprise_id": enterprise.pk})
    assert again.status_code == 409 and again.json()["code"] == "check_open"
    response = post(outsider.api(), URL, {"enterprise_id": enterprise.pk})
    assert response.status_code == 422 and response.json()["code"] == "invalid_enterprise"


def test_it_closes_a_check_without_findings_on_verification(
    enterprise, tree, street_handler, district_supervisor
):
    client = street_handler.api()
    url = f"{URL}/{post(client, URL, {'enterprise_id': enterprise.pk}).json()['id']}"
    post(client, f"{url}/answers", {"answers": all_pass(tree)})
    post(client, f"{url}/submit")
    post(client, f"{url}/review")
    body = post(district_supervisor.api(), f"{url}/verify").json()
    assert body["status"] == "closed" and body["risk"] == "low" and body["findings"] == []


def test_it_needs_a_reason_to_return_a_self_assessment(enterprise, tree, street_handler):
    client = street_handler.api()
    url = f"{URL}/{post(client, URL, {'enterprise_id': enterprise.pk}).json()['id']}"
    post(client, f"{url}/answers", {"answers": all_pass(tree)})
    post(client, f"{url}/submit")
    assert post(client, f"{url}/return").json()["code"] == "reason_required"
    body = post(client, f"{url}/return", {"note": "请补充社保缴费凭证"}).json()
    assert body["status"] == "self_assessment"
