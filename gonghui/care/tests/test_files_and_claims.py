"""Hardship files (one person, one active file) and mutual-aid claims (bill dedup)."""

from decimal import Decimal

from gonghui.care.models import Bill, Claim, HardshipFile, MinimumLivingLine
from gonghui.care.tests.conftest import enrol, make_member
from gonghui.core.models import AuditLog
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_org


def file_payload(org, *numbers, income=1200):
    return {
        "org_id": org.pk,
        "category": "near_dibao",
        "causes": "因病致困",
        "people": [
            {
                "name": f"张{'三四五'[i]}",
                "id_number": n,
                "relation": "head" if i == 0 else "child",
                "income": income if i == 0 else 0,
            }
            for i, n in enumerate(numbers)
        ],
    }


def test_it_opens_a_file_and_assesses_income_against_the_districts_line(union, street_handler):
    MinimumLivingLine.objects.create(
        district=Org.objects.get(admin_code="110105"), year=2026, monthly=Decimal("1450")
    )
    r = street_handler.api().post(
        "/api/v1/care/hardship-files",
        file_payload(union, make_id_number(1), make_id_number(2)),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["assessment"] == {
        "per_head": "600.00",
        "line": "1450.00",
        "threshold": "2175.00",
        "below_line": True,
    }
    assert (
        body["people"][0]["id_number"].startswith("110") and "*" in body["people"][0]["id_number"]
    )


def test_it_refuses_a_person_already_on_another_active_file_naming_only_its_union(
    union, street_handler, district_supervisor
):
    other_union = create_org(
        name="朝阳某建筑公司工会", kind="grassroots", parent=Org.objects.get(admin_code="110105")
    )
    shared = make_id_number(5)
    first = district_supervisor.api().post(
        "/api/v1/care/hardship-files",
        file_payload(other_union, shared),
        content_type="application/json",
    )
    assert first.status_code == 201
    r = street_handler.api().post(
        "/api/v1/care/hardship-files",
        file_payload(union, make_id_number(6), shared),
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "already_on_file"
    assert "朝阳某建筑公司工会" in r.json()["detail"]
    assert "张三" not in r.json()["detail"] and "因病" not in r.json()["detail"]
    assert HardshipFile.objects.count() == 1
    # Once the first file is closed, the person may be on a new one.
    closed = district_supervisor.api().post(
        f"/api/v1/care/hardship-files/{first.json()['id']}/close",
        {"reason": "已就业脱困"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"
    r = street_handler.api().post(
        "/api/v1/care/hardship-files",
        file_payload(union, make_id_number(6), shared),
        content_type="application/json",
    )
    assert r.status_code == 201


def test_it_refuses_a_bad_id_number_and_files_outside_the_scope(union, street_handler, outsider):
    bad = make_id_number(8)[:-1] + "Z"
    r = street_handler.api().post(
        "/api/v1/care/hardship-files", file_payload(union, bad), content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_id_number"
    r = outsider.api().post(
        "/api/v1/care/hardship-files",
        file_payload(union, make_id_number(9)),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert not HardshipFile.objects.exists()


def claim(persona, member, *bills):
    return persona.api().post(
        "/api/v1/care/mutual-aid/claims",
        {"member_id": member.pk, "bills": list(bills)},
        content_type="application/json",
    )


def test_it_pays_by_the_plan_and_flags_a_bill_already_paid(union, street_handler, outsider):
    member = make_member(union, 21)
    enrol(member, 2026)
    bill = {"number": "BJ-0001", "hospital": "朝阳医院", "date": "2026-11-03", "amount": "4500"}
    r = claim(street_handler, member, bill)
    assert r.status_code == 201 and r.json()["flags"] == []
    assert r.json()["payout"] == "2000.00"  # (4500 − 500 deductible) × 50%
    again = claim(street_handler, member, {**bill, "number": " bj-0001 "})
    assert again.status_code == 201
    flag = again.json()["flags"][0]
    assert flag["code"] == "bill_already_paid" and flag["covered_now"] == "0"
    assert again.json()["payout"] == "0.00"
    assert sum(b.covered for b in Bill.objects.filter(number__iexact="BJ-0001")) <= Decimal("4500")
    assert claim(outsider, member, bill).status_code == 404
    assert AuditLog.objects.filter(action="care.claim.create").count() == 2


def test_it_refuses_bad_bills_and_stores_nothing(union, street_handler):
    member = make_member(union, 22)
    enrol(member, 2026)
    base = {"number": "X1", "hospital": "协和医院", "date": "2026-10-01", "amount": "300"}
    for change, code in [
        ({"amount": "-3"}, "invalid_amount"),
        ({"self_paid": "301"}, "amount_above_bill"),
        ({"date": "2031-01-01"}, "invalid_date"),
        ({"hospital": " "}, "invalid_bill"),
    ]:
        r = claim(street_handler, member, {**base, **change})
        assert r.status_code == 422 and r.json()["code"] == code, (change, r.content)
    r = claim(street_handler, member, base, base)
    assert r.status_code == 422 and r.json()["code"] == "duplicate_bill"
    assert not Claim.objects.exists()
