"""Yearly enrolment in the mutual-aid medical plan: a grassroots union's roster (xlsx of
姓名, 身份证号) imported row by row with a report of refused rows; payment confirmed per
union and year; claims are taken only for bills inside a paid enrolment's coverage.

A row is stored when its person is an active member of the union (or a union below it)
with that name and is not enrolled for the year yet; refused otherwise, with the reason.
Rows are independent (one bad row does not refuse the file): each good row is one
enrolment, the whole import one transaction, so a crash stores nothing."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gonghui.care.models import Enrolment, Programme
from gonghui.care.services import require_staff_role, today
from gonghui.core import audit, pii
from gonghui.core.errors import ServiceError
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.orgs.models import Org

COLUMNS = ["姓名", "身份证号"]
MAX_ROWS = 20_000
DEFAULT_FEE = Decimal("60")


@dataclass
class Report:
    stored: int = 0
    refused: list[dict] = field(default_factory=list)


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def fee_per_head() -> Decimal:
    plan = Programme.objects.get(code="mutual_aid").rules
    return Decimal(str(plan.get("fee_per_head", DEFAULT_FEE)))


def import_roster(user, org: Org, year: int, fileobj, *, request=None, progress=None) -> Report:
    require_staff_role(user, org)
    if not today().year - 1 <= year <= today().year + 1:
        raise ValidationError(_("年度应为去年、今年或明年。"), code="invalid_year")
    try:
        sheet = load_workbook(fileobj, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ServiceError(
            _("无法读取该文件，请上传 .xlsx 格式的参保名册。"), code="invalid_file", status=422
        ) from exc
    rows = sheet.iter_rows(values_only=True)
    header = [_text(c) for c in next(rows, ())]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ServiceError(
            _("第1行应为表头，缺少列：%(cols)s。") % {"cols": "、".join(missing)},
            code="invalid_header",
            status=422,
        )
    at = {name: header.index(name) for name in COLUMNS}
    parsed = []
    for n, values in enumerate(rows, start=2):
        if n - 1 > MAX_ROWS:
            raise ValidationError(
                _("名册超过%(n)s行，请分批导入。") % {"n": MAX_ROWS}, code="too_many_rows"
            )
        values = list(values) + [None] * 2
        name, number = _text(values[at["姓名"]]), _text(values[at["身份证号"]])
        if name or number:
            parsed.append((n, name, number))
    fee = fee_per_head()
    report = Report()
    with transaction.atomic():
        # The union's active members by ID hash, and who is enrolled for the year already.
        members = {
            m.id_hash: m
            for m in Member.objects.filter(
                org__path__startswith=org.path, status=MemberStatus.ACTIVE
            ).only("pk", "name", "id_hash", "org_id")
        }
        enrolled = set(
            Enrolment.objects.filter(year=year, member__in=members.values()).values_list(
                "member_id", flat=True
            )
        )
        seen: set[str] = set()
        new = []
        for i, (n, name, number) in enumerate(parsed):
            if progress and i % 500 == 0:
                progress(i, len(parsed))
            try:
                number = pii.normalize_id_number(number)
            except ValidationError as exc:
                report.refused.append({"row": n, "reason": " ".join(exc.messages)})
                continue
            digest = pii.digest(pii.ID_NUMBER, number)
            m = members.get(digest)
            if digest in seen:
                reason = _("名册中重复。")
            elif m is None:
                reason = _("不是本工会的在册会员。")
            elif m.name != name:
                reason = _("姓名与会员档案不一致。")
            elif m.pk in enrolled:
                reason = _("本年度已参保。")
            else:
                reason = None
            seen.add(digest)
            if reason:
                report.refused.append({"row": n, "reason": reason})
                continue
            new.append(
                Enrolment(
                    member=m,
                    org_id=m.org_id,
                    year=year,
                    fee=fee,
                    covered_from=date(year, 1, 1),
                    covered_to=date(year, 12, 31),
                    created_by=user,
                )
            )
        Enrolment.objects.bulk_create(new, batch_size=1000)
        report.stored = len(new)
        audit.record(
            "care.enrolment.import",
            actor=user,
            org=org,
            request=request,
            year=year,
            stored=report.stored,
            refused=len(report.refused),
        )
    return report


def confirm_payment(user, org: Org, year: int, *, request=None) -> dict:
    """The union's fee for the year is received: its enrolments become cover."""
    require_staff_role(user, org)
    with transaction.atomic():
        qs = Enrolment.objects.filter(org__path__startswith=org.path, year=year, paid=False)
        heads = qs.count()
        if not heads:
            raise ValidationError(_("没有待确认缴费的参保记录。"), code="nothing_to_confirm")
        total = (fee_per_head() * heads).quantize(Decimal("0.01"))
        qs.update(paid=True)
        audit.record(
            "care.enrolment.paid",
            actor=user,
            org=org,
            request=request,
            year=year,
            heads=heads,
            total=str(total),
        )
    return {"year": year, "heads": heads, "total": str(total)}


def check_cover(member: Member, bill_dates: list[tuple[str, date]]) -> None:
    """Refuse (422 ``not_enrolled``) a claim with a bill outside a paid enrolment."""
    years = {d.year for _n, d in bill_dates}
    cover = {e.year: e for e in Enrolment.objects.filter(member=member, year__in=years, paid=True)}
    outside = [
        n
        for n, d in bill_dates
        if d.year not in cover or not cover[d.year].covered_from <= d <= cover[d.year].covered_to
    ]
    if outside:
        raise ValidationError(
            _("就诊日期不在该会员的互助保障期内（未参保或未确认缴费）：%(bills)s。")
            % {"bills": "、".join(outside)},
            code="not_enrolled",
        )
