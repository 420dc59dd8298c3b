"""Mutual-aid enrolment: the roster imported row by row, payment confirmed, and claims
taken only for bills inside a paid enrolment."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gonghui.care.models import Claim, Enrolment
from gonghui.care.tests.conftest import enrol, make_member
from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.members.testing import make_id_number

URL = "/api/v1/care/mutual-aid/enrolments"


def roster(rows, header=("姓名", "身份证号")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def send(persona, org, rows, year=2026, **kw):
    return persona.api().post(URL, {"org_id": org.pk, "year": year, "file": roster(rows, **kw)})


def claim(persona, member, date="2026-11-03"):
    bill = {
        "number": f"E-{member.pk}-{date}",
        "hospital": "朝阳医院",
        "date": date,
        "amount": "3000",
    }
    return persona.api().post(
        "/api/v1/care/mutual-aid/claims",
        {"member_id": member.pk, "bills": [bill]},
        content_type="application/json",
    )


def test_the_roster_is_imported_row_by_row_with_the_refused_rows(union, street_handler):
    a, b = make_member(union, 71, name="李建华"), make_member(union, 72, name="周敏")
    stranger = make_id_number(73)
    r = send(
        street_handler,
        union,
        [
            (a.name, a.id_number),
            (b.name, b.id_number),
            ("周敏", b.id_number),  # twice in the file
            ("王五", stranger),  # not a member
            ("李建国", make_id_number(74)[:-1] + "X"),  # bad checksum
            ("张冠", a.id_number),  # wrong name
        ],
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["stored"] == 2
    assert [x["row"] for x in body["refused"]] == [4, 5, 6, 7]
    assert all(x["reason"] for x in body["refused"])
    again = send(street_handler, union, [(a.name, a.id_number)]).json()
    assert again["stored"] == 0 and "已参保" in again["refused"][0]["reason"]
    assert Enrolment.objects.count() == 2
    assert AuditLog.objects.filter(action="care.enrolment.import").count() == 2


def test_claims_need_a_paid_enrolment_covering_the_bill(union, street_handler):
    m = make_member(union, 75, name="孙立")
    r = claim(street_handler, m)
    assert r.status_code == 422 and r.json()["code"] == "not_enrolled"
    send(street_handler, union, [(m.name, m.id_number)])
    # Enrolled but the fee is not confirmed yet: still no cover.
    assert claim(street_handler, m).json()["code"] == "not_enrolled"
    r = street_handler.api().post(
        f"{URL}/confirm", {"org_id": union.pk, "year": 2026}, content_type="application/json"
    )
    assert r.json() == {"year": 2026, "heads": 1, "total": "60.00"}
    assert claim(street_handler, m).status_code == 201
    # A bill of a year without enrolment is refused, naming the bill.
    r = claim(street_handler, m, date="2025-06-01")
    assert r.status_code == 422 and "E-" in r.json()["detail"]
    assert Claim.objects.count() == 1


def test_bad_rosters_are_refused_whole(union, street_handler):
    assert send(street_handler, union, [], header=("名字",)).json()["code"] == "invalid_header"
    r = street_handler.api().post(
        URL, {"org_id": union.pk, "year": 2026, "file": SimpleUploadedFile("r.xlsx", b"junk")}
    )
    assert r.json()["code"] == "invalid_file"
    assert send(street_handler, union, [], year=1999).json()["code"] == "invalid_year"


def test_the_permission_matrix_of_enrolment(personas, union):
    m = make_member(union, 76, name="钱进")

    def make(p):
        Enrolment.objects.all().delete()
        return send(p, union, [(m.name, m.id_number)])

    check_matrix(
        personas,
        make,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )

    def confirm(p):
        Enrolment.objects.all().delete()
        enrol(m, 2026, paid=False)
        return p.api().post(
            f"{URL}/confirm", {"org_id": union.pk, "year": 2026}, content_type="application/json"
        )

    check_matrix(
        personas,
        confirm,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
