"""The bulk payment job: chunked, resumable after a crash, and nobody paid twice."""

from decimal import Decimal

import pytest
from django.db.models import Count

from gonghui.care import jobs
from gonghui.care.models import Claim, PaymentJob, PaymentLine
from gonghui.care.tests.conftest import enrol, make_member
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_org


def approved_claims(member, n: int, org=None) -> None:
    Claim.objects.bulk_create(
        [
            Claim(
                member=member,
                org=org or member.org,
                status="approved",
                claimed=Decimal("1000"),
                payout=Decimal("250"),
            )
            for _ in range(n)
        ]
    )


def test_it_resumes_after_a_crash_and_pays_each_claim_once(union, street_handler):
    member = make_member(union, 31)
    approved_claims(member, 1200)
    haidian_union = create_org(
        name="海淀某公司工会", kind="grassroots", parent=Org.objects.get(admin_code="110108011")
    )
    approved_claims(make_member(haidian_union, 32), 3)  # outside the job's subtree
    job = jobs.start_payment_job(street_handler.user, union.parent)
    assert job.total == 1200

    with pytest.raises(RuntimeError):
        jobs.run_payment_job(job.pk, chunk=500, crash_after=2)
    job.refresh_from_db()
    # The first chunk is committed, the crashed second one rolled back whole.
    assert (job.state, job.done) == ("failed", 500)
    assert Claim.objects.filter(status="paid").count() == 500 == PaymentLine.objects.count()

    job = jobs.run_payment_job(job.pk, chunk=500)
    assert (job.state, job.done) == ("done", 1200)
    assert Claim.objects.filter(status="paid", org=union).count() == 1200
    assert Claim.objects.filter(status="approved").count() == 3  # 海淀 untouched
    assert PaymentLine.objects.values("claim").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert PaymentLine.objects.count() == 1200

    # Running a finished job again changes nothing.
    again = jobs.run_payment_job(job.pk, chunk=500)
    assert again.done == 1200 and PaymentLine.objects.count() == 1200


def test_it_shows_progress_in_scope_only(union, street_handler, outsider):
    member = make_member(union, 33)
    enrol(member, 2026)
    approved_claims(member, 1)
    bill = {"number": "P-1", "hospital": "望京医院", "date": "2026-11-20", "amount": "2500"}
    r = street_handler.api().post(
        "/api/v1/care/mutual-aid/claims",
        {"member_id": member.pk, "bills": [bill]},
        content_type="application/json",
    )
    claim_id = r.json()["id"]
    assert (
        outsider.api().post(f"/api/v1/care/mutual-aid/claims/{claim_id}/approve").status_code == 404
    )
    ok = street_handler.api().post(f"/api/v1/care/mutual-aid/claims/{claim_id}/approve")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert (
        street_handler.api().post(f"/api/v1/care/mutual-aid/claims/{claim_id}/approve").status_code
        == 409
    )
    r = street_handler.api().post(
        "/api/v1/care/mutual-aid/payment-jobs",
        {"org_id": union.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["total"] == 2
    pk = r.json()["id"]
    assert outsider.api().get(f"/api/v1/care/mutual-aid/payment-jobs/{pk}").status_code == 404
    jobs.run_payment_job(pk)
    body = street_handler.api().get(f"/api/v1/care/mutual-aid/payment-jobs/{pk}").json()
    assert (body["state"], body["done"]) == ("done", 2)
    assert PaymentJob.objects.get(pk=pk).lines.count() == 2
