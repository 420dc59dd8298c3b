"""Excel rosters: a grassroots union's existing members imported row by row, and export.

Each row is checked on its own (name, ID number, phone, join date, duplicates in the
file and in the system); a good row is stored whole in its own savepoint, a bad row is
reported with its row number and reason and stores nothing.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gonghui.core import audit, pii, spreadsheets
from gonghui.core.errors import Forbidden, ServiceError
from gonghui.members import routing, workflow
from gonghui.members.choices import Employment, PeriodStart
from gonghui.members.models import Member, MemberEvent, MembershipPeriod
from gonghui.members.services import check_identity, next_member_numbers, today
from gonghui.orgs import access
from gonghui.orgs.models import Org

COLUMNS = ["姓名", "身份证号", "手机号", "入会日期", "单位名称"]
MAX_ROWS = 20_000


@dataclass
class RowResult:
    row: int
    ok: bool
    message: str
    member_number: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(r.ok for r in self.rows)

    @property
    def refused(self) -> int:
        return sum(not r.ok for r in self.rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _join_date(value) -> date:
    if value in (None, ""):
        return today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError as exc:
        raise ValidationError(_("入会日期格式应为 2024-03-01。"), code="invalid_date") from exc


def import_roster(fileobj, *, org: Org, actor, request=None) -> ImportReport:
    """Import a roster into ``org``; returns the row-by-row report."""
    if org.kind not in routing.HOLDING_KINDS:
        raise ServiceError(
            _("名册只能导入到基层工会、联合工会、行业工会或街道总工会。"), code="invalid_org"
        )
    if not (access.roles_over(actor, org) & workflow.DECIDERS):
        raise Forbidden(_("您的岗位不能进行此操作。"), code="forbidden_role")
    try:
        sheet = load_workbook(fileobj, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ServiceError(
            _("无法读取该文件，请上传 .xlsx 格式的 Excel 名册。"), code="invalid_file"
        ) from exc
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(c) for c in next(rows, ())]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise ServiceError(
            _("第1行应为表头，缺少列：%(cols)s。") % {"cols": "、".join(missing)},
            code="invalid_header",
        )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    report = ImportReport()
    seen: dict[str, int] = {}
    for n, values in enumerate(rows, start=2):
        if n - 1 > MAX_ROWS:
            report.rows.append(
                RowResult(n, False, _("超过%(n)d行，其余未导入。") % {"n": MAX_ROWS})
            )
            break
        values = list(values) + [None] * len(COLUMNS)
        get = {name: values[i] for name, i in index.items()}
        if not any(_cell(v) for v in get.values()):
            continue  # blank line
        report.rows.append(_import_row(n, get, org=org, actor=actor, seen=seen))
    audit.record(
        "member.import",
        actor=actor,
        org=org,
        request=request,
        stored=report.stored,
        refused=report.refused,
    )
    return report


def _import_row(n: int, get: dict, *, org: Org, actor, seen: dict[str, int]) -> RowResult:
    try:
        identity = check_identity(_cell(get.get("姓名")), _cell(get.get("身份证号")))
        phone = _cell(get.get("手机号"))
        phone = pii.normalize_phone(phone) if phone else ""
        joined = _join_date(get.get("入会日期"))
        if joined > today():
            raise ValidationError(_("入会日期不能晚于今天。"), code="invalid_date")
    except ValidationError as exc:
        return RowResult(n, False, " ".join(exc.messages))
    if identity.id_number in seen:
        return RowResult(
            n, False, _("与第%(row)d行的身份证号重复。") % {"row": seen[identity.id_number]}
        )
    seen[identity.id_number] = n
    id_hash = pii.digest(pii.ID_NUMBER, identity.id_number)
    if Member.objects.filter(id_hash=id_hash).exists():
        return RowResult(n, False, _("该身份证号已是会员，如需转入请办理转会。"))
    try:
        with transaction.atomic():
            member = Member.objects.create(
                name=identity.name,
                id_number=identity.id_number,
                phone=phone,
                gender=identity.gender,
                birth_date=identity.birth_date,
                org=org,
                member_number=next_member_numbers(org, year=joined.year)[0],
                joined_on=joined,
                employment=Employment.EMPLOYEE,
                employer_name=_cell(get.get("单位名称"))[:150],
                source="import",
            )
            MembershipPeriod.objects.create(
                member=member, org=org, started_on=joined, start_reason=PeriodStart.JOINED
            )
            MemberEvent.objects.create(
                member=member, action="imported", actor_label=actor.get_username(), org=org
            )
    except IntegrityError:
        return RowResult(n, False, _("该身份证号已是会员，如需转入请办理转会。"))
    return RowResult(n, True, _("已导入"), member.member_number)


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "会员名册"
    ws.append(spreadsheets.row(ws, COLUMNS, bold=True))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_xlsx(members, *, actor, org: Org | None = None, request=None) -> bytes:
    """Export members with masked ID and phone numbers (the roster leaves the system).

    Gender and birth date are left out: beside a masked ID number they give it back
    (docs/access.md).
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员")
    ws.append(
        spreadsheets.row(
            ws,
            [
                "会员编号",
                "姓名",
                "身份证号",
                "手机号",
                "就业方式",
                "单位/平台",
                "职业",
                "会籍所在工会",
                "状态",
                "入会日期",
            ],
            bold=True,
        )
    )
    count = 0
    for m in members.select_related("org").iterator(chunk_size=2000):
        ws.append(
            spreadsheets.row(
                ws,
                [
                    m.member_number,
                    m.name,
                    pii.mask(pii.ID_NUMBER, m.id_number),
                    pii.mask(pii.PHONE, m.phone) if m.phone else "",
                    m.get_employment_display(),
                    m.employer_name or m.get_gig_platform_display(),
                    m.get_job_type_display() if m.job_type else "",
                    m.org.name,
                    m.get_status_display(),
                    m.joined_on,
                ],
            )
        )
        count += 1
    out = io.BytesIO()
    wb.save(out)
    audit.record("member.export", actor=actor, org=org, request=request, rows=count)
    return out.getvalue()
