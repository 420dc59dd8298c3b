"""The overdue sweep (each finding flagged once, one notice), the chair's signed link
(answers with evidence, submission, revoked and forged links 404), and the console
pages escaping what people typed."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gonghui.core.models import Notice
from gonghui.core.sweeps import SWEEPS
from gonghui.rights.health import services
from gonghui.rights.health.choices import CheckStatus
from gonghui.rights.health.models import Finding

pytestmark = pytest.mark.django_db


def test_it_flags_an_overdue_finding_once(verified_check, street_handler):
    wages = verified_check.findings.get(check_id="wages.payment.on_time")
    funds = verified_check.findings.get(check_id="union.founded.funds")
    assert wages.due < funds.due  # 15 days against 60
    today = timezone.localdate()
    assert services.flag_overdue(today=wages.due) == 0  # due today is not overdue yet
    assert services.flag_overdue(today=wages.due + timedelta(days=1)) == 1
    assert services.flag_overdue(today=wages.due + timedelta(days=1)) == 0
    notices = Notice.objects.filter(user=street_handler.user, text__contains="逾期未整改")
    assert notices.count() == 1
    wages.refresh_from_db()
    assert wages.overdue_flagged_at is not None
    assert Finding.objects.get(pk=funds.pk).overdue_flagged_at is None
    assert "rights.health_findings" in SWEEPS and today < wages.due


def test_it_lets_the_chair_answer_and_submit_through_the_link(enterprise, tree, street_handler):
    hc = services.create(enterprise, actor=street_handler.user, chair_name="王芳")
    url = f"/h5/rights/health-check/{services.link_token(hc)}/"
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "北京望京&lt;某&gt;科技有限公司" in html and "<某>" not in html
    assert "《中华人民共和国劳动合同法》第八十二条" in html
    data = {
        f"result_{c}": "pass"
        for c in [c["id"] for a in tree["areas"] for i in a["items"] for c in i["checks"]]
    }
    data["result_insurance.enrol.registered"] = "fail"
    data["note_insurance.enrol.registered"] = "3名新员工尚未参保"
    data["evidence_insurance.enrol.registered"] = SimpleUploadedFile(
        "roster.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"
    )
    data["submit"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    hc.refresh_from_db()
    assert hc.status == CheckStatus.SUBMITTED and hc.risk == "high"
    answer = hc.answers.get(check_id="insurance.enrol.registered")
    assert answer.stage == "self" and answer.evidence and answer.note == "3名新员工尚未参保"
    assert hc.events.filter(action="self_submit", actor_label="王芳").exists()
    # Submitted: the link shows the status and takes no more answers.
    assert "self-assessment" not in client.get(url).content.decode()
    again = client.post(url, {"result_contract.written.signed": "fail"})
    assert again.status_code == 409
    assert hc.answers.get(check_id="contract.written.signed").result == "pass"


def test_it_refuses_forged_and_revoked_links(enterprise, street_handler):
    hc = services.create(enterprise, actor=street_handler.user)
    token = services.link_token(hc)
    client = Client()
    assert client.get(f"/h5/rights/health-check/{token}x/").status_code == 404
    hc.link_nonce = "revoked"
    hc.save()
    assert client.get(f"/h5/rights/health-check/{token}/").status_code == 404


def test_it_refuses_evidence_that_is_not_a_picture_or_pdf(enterprise, street_handler):
    hc = services.create(enterprise, actor=street_handler.user)
    url = f"/h5/rights/health-check/{services.link_token(hc)}/"
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = Client().post(
        url, {"result_contract.written.signed": "pass", "evidence_contract.written.signed": bad}
    )
    assert response.status_code == 422 and not hc.answers.exists()


def test_it_escapes_typed_text_on_the_console_page(verified_check, street_handler):
    finding = verified_check.findings.first()
    services.follow_up(finding, actor=street_handler.user, note="<b>已补缴</b>")
    html = (
        street_handler.browser()
        .get(f"/console/rights/health-checks/{verified_check.pk}/")
        .content.decode()
    )
    assert "&lt;b&gt;已补缴&lt;/b&gt;" in html and "<b>已补缴</b>" not in html
    assert "北京望京&lt;某&gt;科技有限公司" in html
