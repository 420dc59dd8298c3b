"""The Excel export of the supervisor dashboard: a period's appeals and the three rates.

Phones are always masked here: a file leaves the system and cannot be audited later.
The workbook is written in openpyxl's write-only mode, so a city-wide month streams
row by row instead of building every cell in memory.
"""

import io
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.appeals.models import Appeal
from gonghui.core import pii, spreadsheets

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANONYMOUS_PHONE = "***********"


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write Beijing time without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def appeal_row(appeal: Appeal) -> list:
    """Return one spreadsheet row of an appeal, phone masked, identity hidden if anonymous."""
    if appeal.anonymous:
        name, phone = _("匿名"), ANONYMOUS_PHONE
    else:
        name, phone = appeal.name, pii.mask(pii.PHONE, appeal.phone)
    return [
        appeal.ticket_no,
        _local(appeal.created_at),
        appeal.get_channel_display(),
        appeal.get_kind_display(),
        appeal.get_category_display(),
        appeal.get_urgency_display(),
        appeal.get_status_display(),
        appeal.text,
        name,
        phone,
        appeal.address,
        appeal.employer_name,
        appeal.dispatcher_org.name,
        appeal.assigned_org.name if appeal.assigned_org else "",
        _local(appeal.accept_by),
        _local(appeal.contact_by),
        _local(appeal.resolve_by),
        _local(appeal.resolved_at),
        _yes_no(appeal.overdue),
        _yes_no(appeal.supervised),
        _yes_no(appeal.eval_resolved),
        appeal.get_eval_satisfaction_display() if appeal.eval_satisfaction else "",
    ]


def appeal_headers() -> list[str]:
    return [
        _("工单号"),
        _("受理时间"),
        _("渠道"),
        _("类型"),
        _("分类"),
        _("紧急程度"),
        _("状态"),
        _("诉求内容"),
        _("姓名"),
        _("联系电话"),
        _("地址"),
        _("用人单位名称"),
        _("受理派单单位"),
        _("承办单位"),
        _("签收时限"),
        _("首次联系时限"),
        _("办结时限"),
        _("办结时间"),
        _("是否超时"),
        _("督办"),
        _("是否解决"),
        _("满意度"),
    ]


def rate_headers() -> list[str]:
    return [
        _("单位"),
        _("层级"),
        _("排名"),
        _("应联系件数"),
        _("按时联系件数"),
        _("评价件数"),
        _("已解决"),
        _("满意"),
        _("基本满意"),
        _("不满意"),
        _("响应率"),
        _("解决率"),
        _("满意率"),
        _("综合得分"),
        _("备注"),
    ]


def rate_row(row: dict) -> list:
    """Return one line of the rates sheet from a ``metrics.ranking`` style row."""
    r, counts = row["rates"], row["rates"].counts
    return [
        row["org"].name,
        row["org"].get_kind_display(),
        row.get("rank"),
        counts["contact_due"],
        counts["contact_on_time"],
        counts["evaluations"],
        counts["solved"],
        counts["satisfied"],
        counts["basically"],
        counts["unsatisfied"],
        r.response_rate,
        r.resolution_rate,
        r.satisfaction_rate,
        None if r.score is None else round(r.score * 100, 1),
        _("样本不足，不参与排名") if row.get("insufficient_volume") else "",
    ]


RATE_COLUMNS = (10, 11, 12)  # response, resolution, satisfaction: shown as percentages


def _cells(ws, values: Iterable, *, bold: bool = False, percent: tuple[int, ...] = ()) -> list:
    # Text a worker typed must never become a formula in the reader's Excel (core).
    return spreadsheets.row(ws, values, bold=bold, formats=dict.fromkeys(percent, "0.0%"))


def workbook(
    appeals: Iterable[Appeal], rates: list[dict], *, start: date, end: date
) -> tuple[bytes, int]:
    """Return the .xlsx bytes with an appeals sheet and a rates sheet, and the appeal count."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("诉求工单"))
    sheet.append(_cells(sheet, appeal_headers(), bold=True))
    count = 0
    for appeal in appeals:
        sheet.append(_cells(sheet, appeal_row(appeal)))
        count += 1
    rates_sheet = wb.create_sheet(_("三率"))
    period = _("统计区间：%(start)s 至 %(end)s") % {"start": start, "end": end}
    rates_sheet.append(_cells(rates_sheet, [period], bold=True))
    rates_sheet.append(_cells(rates_sheet, rate_headers(), bold=True))
    for row in rates:
        rates_sheet.append(_cells(rates_sheet, rate_row(row), percent=RATE_COLUMNS))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), count
