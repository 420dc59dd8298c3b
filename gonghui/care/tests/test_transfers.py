"""Bank transfer (代发): the batch's xlsx, the bank's answer read back all or none,
failures back in the queue for the next batch."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gonghui.care.choices import Status
from gonghui.care.models import Application, TransferLine
from gonghui.care.tests.conftest import complete, make_member
from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix


def approved(member, worker, amount="3000", name=None):
    app = complete(member, worker, Status.APPROVED)
    Application.objects.filter(pk=app.pk).update(
        amount=Decimal(amount), **({"name": name} if name else {})
    )
    return app


def answer_file(rows, header=("流水号", "结果", "失败原因")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("answer.xlsx", out.getvalue())


def start(persona, union):
    """A batch of the district above ``union`` (朝阳)."""
    return persona.api().post(
        "/api/v1/care/transfers",
        {"org_id": union.parent.parent.pk},
        content_type="application/json",
    )


def test_a_batch_is_exported_and_the_answer_pays_or_requeues(
    member, courier, district_supervisor, union
):
    a = approved(member, courier.worker, "3000")
    b = approved(member, courier.worker, "2000.50", name='=HYPERLINK("http://x")')
    r = start(district_supervisor, union)
    assert r.status_code == 201, r.content
    batch = r.json()
    assert batch["lines"] == 2 and batch["total"] == "5000.50"
    # Nothing is queued twice while the bank has it.
    assert start(district_supervisor, union).json()["code"] == "nothing_to_pay"
    xlsx = district_supervisor.api().get(f"/api/v1/care/transfers/{batch['id']}/file.xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("流水号", "收款人", "身份证号", "金额（元）")
    assert rows[1][2] == member.id_number and rows[1][3] == 3000
    # The applicant's text is text in the bank's file, never a formula.
    cell = ws.cell(row=3, column=2)
    assert cell.data_type == "s" and cell.quotePrefix
    assert AuditLog.objects.filter(action="care.transfer.export").count() == 1
    refs = [r[0] for r in rows[1:]]
    r = district_supervisor.api().post(
        f"/api/v1/care/transfers/{batch['id']}/answer",
        {"file": answer_file([(refs[0], "成功", ""), (refs[1], "失败", "账户已销户")])},
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"paid": 1, "failed": 1, "skipped": 0}
    assert Application.objects.get(pk=a.pk).status == Status.PAID
    assert Application.objects.get(pk=b.pk).status == Status.PAYMENT_FAILED
    # The same answer again changes nothing.
    again = district_supervisor.api().post(
        f"/api/v1/care/transfers/{batch['id']}/answer",
        {"file": answer_file([(refs[0], "成功", ""), (refs[1], "失败", "账户已销户")])},
    )
    assert again.json() == {"paid": 0, "failed": 0, "skipped": 2}
    # The failed one is back in the queue: the next batch holds it alone.
    nxt = start(district_supervisor, union).json()
    assert nxt["lines"] == 1 and nxt["total"] == "2000.50"
    timeline = courier.api().get(f"/api/v1/care/applications/{b.pk}").json()["timeline"]
    assert timeline[-1]["action"] == "payment_failed" and timeline[-1]["note"] == "账户已销户"


def test_a_bad_answer_file_stores_nothing_and_names_each_row(
    member, courier, district_supervisor, union
):
    approved(member, courier.worker)
    approved(member, courier.worker)
    batch = start(district_supervisor, union).json()
    refs = list(TransferLine.objects.values_list("reference", flat=True).order_by("pk"))
    url = f"/api/v1/care/transfers/{batch['id']}/answer"
    r = district_supervisor.api().post(
        url,
        {
            "file": answer_file(
                [(refs[0], "成功", ""), ("CARE999", "成功", ""), (refs[1], "也许", "")]
            )
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_rows"
    assert [x["row"] for x in r.json()["rows"]] == [3, 4]
    assert not TransferLine.objects.exclude(state="pending").exists()
    assert not Application.objects.filter(status=Status.PAID).exists()
    r = district_supervisor.api().post(url, {"file": answer_file([], header=("编号", "状态"))})
    assert r.json()["code"] == "invalid_header"
    junk = SimpleUploadedFile("answer.xlsx", b"not a workbook")
    assert district_supervisor.api().post(url, {"file": junk}).json()["code"] == "invalid_file"
    r = district_supervisor.api().post(
        "/api/v1/care/transfers", {"org_id": union.pk}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_org"


def test_the_permission_matrix_of_transfers(personas, courier, district_supervisor, union):
    member = make_member(union, 61, worker=courier.worker)

    def batch_for(_p=None):
        approved(member, courier.worker)
        return start(district_supervisor, union).json()["id"]

    check_matrix(
        personas,
        lambda p: (approved(member, courier.worker), start(p, union))[1],
        {
            "courier": 401,
            "street_handler": 404,  # paying is the district's
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    pk = batch_for()
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/care/transfers/{pk}"),
        {
            "courier": 401,
            "street_handler": 404,  # the batch is the district's, above the street
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/care/transfers/{pk}/file.xlsx"),
        {
            "courier": 401,
            "street_handler": 404,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )

    def answer(p):
        fresh = batch_for()
        ref = TransferLine.objects.filter(batch_id=fresh).values_list("reference", flat=True)[0]
        return p.api().post(
            f"/api/v1/care/transfers/{fresh}/answer", {"file": answer_file([(ref, "成功", "")])}
        )

    check_matrix(
        personas,
        answer,
        {
            "courier": 401,
            "street_handler": 404,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
