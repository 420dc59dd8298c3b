"""Bank transfer of approved relief (代发): a batch exported as xlsx, the bank's answer
imported back.

- ``create_batch`` takes every application of the org subtree that is ``approved`` or
  ``payment_failed`` (a failed line is back in the queue) and not waiting for the bank
  in another batch (a partial unique index makes that hold under concurrency too).
- ``workbook`` writes the file the bank reads: reference, name, ID number (the bank pays
  by name + ID number to the person's account; the full number is needed, so every
  download is audited), amount. Every cell goes through ``core.spreadsheets``.
- ``import_answer`` reads the bank's answer (流水号, 结果 成功/失败, 失败原因) all or none:
  any refused row (unknown reference, unreadable result, a line answered otherwise
  before) refuses the whole file with the row report and stores nothing. A line already
  answered the same way is skipped, so the same file imported twice changes nothing.
  成功 → ``pay`` (paid), 失败 → ``payment_failed`` through the workflow table.
"""

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gonghui.care import access
from gonghui.care.choices import Status
from gonghui.care.models import TransferBatch, TransferLine
from gonghui.care.services import _event, _sms, require_staff_role
from gonghui.care.workflow import WORKFLOW
from gonghui.core import audit
from gonghui.core.errors import Conflict, ServiceError
from gonghui.core.spreadsheets import row
from gonghui.orgs.access import scoped
from gonghui.orgs.models import Org

HEADER = ["流水号", "收款人", "身份证号", "金额（元）", "用途"]
ANSWER_COLUMNS = ["流水号", "结果", "失败原因"]
PAID_WORDS = {"成功", "已到账", "paid", "success"}
FAILED_WORDS = {"失败", "退回", "failed", "fail"}
MAX_ANSWER_ROWS = 20000


def visible_batches(principal):
    return scoped(TransferBatch.objects.select_related("org"), principal, "org__path")


def create_batch(user, org: Org, *, request=None) -> TransferBatch:
    """A batch of the district's (or the city's) queue: paying is the district's step."""
    from gonghui.orgs.choices import OrgKind

    if org.kind not in (OrgKind.DISTRICT, OrgKind.CITY):
        raise ValidationError(_("代发批次由区总工会或市总工会生成。"), code="invalid_org")
    require_staff_role(user, org)
    with transaction.atomic():
        apps = list(
            access.visible_applications(user)
            .select_for_update(of=("self",))
            .filter(
                Q(org__path__startswith=org.path),
                status__in=(Status.APPROVED, Status.PAYMENT_FAILED),
            )
            .exclude(transfer_lines__state=TransferLine.State.PENDING)
            .order_by("pk")
        )
        if not apps:
            raise Conflict(_("没有待发放的救助。"), code="nothing_to_pay")
        for a in apps:
            WORKFLOW.check(a, "pay", user)  # the district's reviewers pay
        batch = TransferBatch.objects.create(
            org=org,
            lines_count=len(apps),
            total=sum((a.amount for a in apps), Decimal("0")),
            created_by=user,
        )
        try:
            with transaction.atomic():
                TransferLine.objects.bulk_create(
                    [
                        TransferLine(
                            batch=batch,
                            application=a,
                            reference=f"CARE{batch.pk:06d}{i:05d}",
                            amount=a.amount,
                        )
                        for i, a in enumerate(apps, start=1)
                    ]
                )
        except IntegrityError as exc:  # another batch took one of them at the same moment
            raise Conflict(_("部分申请已在其他批次中，请重试。"), code="busy") from exc
        audit.record(
            "care.transfer.create",
            actor=user,
            obj=batch,
            request=request,
            lines=len(apps),
            total=str(batch.total),
        )
    return batch


def workbook(user, batch: TransferBatch, *, request=None) -> bytes:
    """The bank's file; the full ID numbers in it make every download an audited view."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(batch))
    ws.append(row(ws, HEADER, bold=True))
    lines = batch.lines.select_related("application__programme").order_by("pk")
    for line in lines:
        app = line.application
        ws.append(
            row(
                ws,
                [line.reference, app.name, app.id_number, line.amount, app.programme.name],
                formats={3: "0.00"},
            )
        )
    audit.record(
        "care.transfer.export",
        actor=user,
        obj=batch,
        request=request,
        lines=batch.lines_count,
        pii="id_number",
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def import_answer(user, batch_pk, fileobj, *, request=None) -> dict:
    try:
        sheet = load_workbook(fileobj, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ServiceError(
            _("无法读取该文件，请上传银行回执 .xlsx 文件。"), code="invalid_file", status=422
        ) from exc
    rows = sheet.iter_rows(values_only=True)
    header = [_text(c) for c in next(rows, ())]
    missing = [c for c in ANSWER_COLUMNS[:2] if c not in header]
    if missing:
        raise ServiceError(
            _("第1行应为表头，缺少列：%(cols)s。") % {"cols": "、".join(missing)},
            code="invalid_header",
            status=422,
        )
    at = {name: header.index(name) for name in ANSWER_COLUMNS if name in header}
    answers: list[tuple[int, str, str, str]] = []
    for n, values in enumerate(rows, start=2):
        if n > MAX_ANSWER_ROWS:
            raise ValidationError(_("回执行数过多。"), code="too_many_rows")
        values = list(values) + [None] * 3
        ref = _text(values[at["流水号"]])
        result = _text(values[at["结果"]]).lower()
        reason = _text(values[at["失败原因"]])[:200] if "失败原因" in at else ""
        if not ref and not result:
            continue
        answers.append((n, ref, result, reason))
    with transaction.atomic():
        batch = visible_batches(user).select_for_update(of=("self",)).filter(pk=batch_pk).first()
        if batch is None:
            raise Http404
        require_staff_role(user, batch.org)
        lines = {
            line.reference: line
            for line in batch.lines.select_for_update().select_related("application")
        }
        refused, plan, seen = [], [], set()
        for n, ref, result, reason in answers:
            line = lines.get(ref)
            state = (
                TransferLine.State.PAID
                if result in PAID_WORDS
                else TransferLine.State.FAILED
                if result in FAILED_WORDS
                else None
            )
            if line is None:
                refused.append(
                    {"row": n, "reason": _("本批次没有流水号“%(r)s”。") % {"r": ref[:24]}}
                )
            elif ref in seen:
                refused.append({"row": n, "reason": _("流水号重复。")})
            elif state is None:
                refused.append({"row": n, "reason": _("结果应为“成功”或“失败”。")})
            elif line.state not in (TransferLine.State.PENDING, state):
                refused.append({"row": n, "reason": _("该笔已登记为其他结果。")})
            elif line.state == TransferLine.State.PENDING:
                plan.append((line, state, reason))
            seen.add(ref)
        if refused:
            raise ServiceError(
                _("银行回执有%(n)s行不能导入，全部未作更改。") % {"n": len(refused)},
                code="invalid_rows",
                status=422,
                fields={"rows": refused},
            )
        paid = failed = 0
        for line, state, reason in plan:
            app = access.get_application_for(user, line.application_id, write=True)
            action = "pay" if state == TransferLine.State.PAID else "payment_failed"
            tr = WORKFLOW.check(app, action, user)
            line.state, line.reason = state, reason or ""
            line.save(update_fields=["state", "reason"])
            app.status = tr.target
            app.save(update_fields=["status", "updated_at"])
            if state == TransferLine.State.PAID:
                paid += 1
                _event(app, tr.action, tr.label, actor=user)
                _sms(app, _("【工会帮扶】救助金%(m)s元已发放，请查收。") % {"m": line.amount})
            else:
                failed += 1
                _event(app, tr.action, tr.label, actor=user, note=reason)
                _sms(app, _("【工会帮扶】救助金发放未成功，工会将与您联系核对收款信息。"))
        if not batch.lines.filter(state=TransferLine.State.PENDING).exists():
            batch.answered = True
            batch.save(update_fields=["answered"])
        audit.record(
            "care.transfer.answer", actor=user, obj=batch, request=request, paid=paid, failed=failed
        )
    return {"paid": paid, "failed": failed, "skipped": len(answers) - paid - failed}
