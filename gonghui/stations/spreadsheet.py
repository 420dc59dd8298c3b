"""Excel import and export of positions, with a row-by-row report.

Each row is validated and stored in its own savepoint: a bad row is reported with its
row number and the reason, good rows are stored, and no row is ever half stored.
The export writes the same columns, so an exported file can be edited and imported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gonghui.core import spreadsheets
from gonghui.core.errors import ServiceError, error_message
from gonghui.orgs import access as org_access
from gonghui.stations import hours as hours_mod
from gonghui.stations import services
from gonghui.stations.access import visible_positions
from gonghui.stations.choices import Amenity, ChangeAction, Group, Host, Kind, Status

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def headers() -> list[str]:
    return [
        "编号",
        "名称",
        "类型",
        "主管工会",
        "依托单位类型",
        "依托单位",
        "地址",
        "纬度",
        "经度",
        "坐标系",
        "服务功能",
        "服务对象",
        *WEEKDAYS,
        "法定节假日闭馆",
        "联系人",
        "服务电话",
        "状态",
        "星级",
    ]


def _label_map(choices) -> dict[str, str]:
    out = {}
    for c in choices:
        out[str(c.label)] = c.value
        out[c.value] = c.value
    return out


def _split(text) -> list[str]:
    text = str(text or "").replace("，", ",").replace("、", ",").replace(";", ",")
    return [t.strip() for t in text.split(",") if t.strip()]


@dataclass
class RowResult:
    row: int
    ok: bool
    message: str
    position_id: int | None = None
    created: bool = False


def _message(exc: Exception) -> str:
    return error_message(exc, field_sep="；", sep="；")


def _owner(actor, name: str, cache: dict):
    if name in cache:
        return cache[name]
    orgs = list(org_access.visible_orgs(actor).filter(name=name).defer("boundary")[:2]) or list(
        org_access.visible_orgs(actor).filter(short_name=name).defer("boundary")[:2]
    )
    if not orgs:
        raise ValidationError(
            _("主管工会“%(name)s”不存在或不在您的管辖范围内。") % {"name": name},
            code="invalid_owner",
        )
    if len(orgs) > 1:
        raise ValidationError(
            _("主管工会“%(name)s”有重名，请写全称。") % {"name": name}, code="invalid_owner"
        )
    cache[name] = orgs[0]
    return orgs[0]


def _row_data(values: dict, actor, owners: dict) -> tuple[int | None, dict, str | None]:
    kinds, hosts = _label_map(Kind), _label_map(Host)
    amenities, groups, statuses = _label_map(Amenity), _label_map(Group), _label_map(Status)
    kind_text = str(values.get("类型") or "").strip()
    if kind_text not in kinds:
        raise ValidationError(_("类型“%(v)s”不正确。") % {"v": kind_text}, code="invalid_kind")
    host_text = str(values.get("依托单位类型") or "").strip() or Host.UNION.value
    if host_text not in hosts:
        raise ValidationError(
            _("依托单位类型“%(v)s”不正确。") % {"v": host_text}, code="invalid_host_kind"
        )
    bad = [a for a in _split(values.get("服务功能")) if a not in amenities]
    if bad:
        raise ValidationError(
            _("服务功能“%(v)s”不在清单中。") % {"v": "、".join(bad)}, code="invalid_amenities"
        )
    bad = [g for g in _split(values.get("服务对象")) if g not in groups]
    if bad:
        raise ValidationError(
            _("服务对象“%(v)s”不正确。") % {"v": "、".join(bad)}, code="invalid_served_groups"
        )
    week = []
    for day in WEEKDAYS:
        try:
            week.append(hours_mod.day_from_text(str(values.get(day) or "")))
        except ValidationError as exc:
            raise ValidationError(f"{day}：{_message(exc)}", code="invalid_hours") from exc
    status_text = str(values.get("状态") or "").strip()
    status = statuses.get(status_text) if status_text else None
    if status_text and status is None:
        raise ValidationError(_("状态“%(v)s”不正确。") % {"v": status_text}, code="invalid_status")
    pk = values.get("编号")
    try:
        pk = int(pk) if pk not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("编号应为数字。"), code="invalid_id") from exc
    data = {
        "name": values.get("名称"),
        "kind": kinds[kind_text],
        "owner": _owner(actor, str(values.get("主管工会") or "").strip(), owners),
        "host_kind": hosts[host_text],
        "host_name": values.get("依托单位") or "",
        "address": values.get("地址"),
        "lat": values.get("纬度"),
        "lng": values.get("经度"),
        "crs": str(values.get("坐标系") or "gcj02").strip().lower(),
        "amenities": [amenities[a] for a in _split(values.get("服务功能"))],
        "served_groups": [groups[g] for g in _split(values.get("服务对象"))],
        "hours": week,
        "closed_on_holidays": str(values.get("法定节假日闭馆") or "").strip()
        in ("是", "yes", "1", "true"),
        "contact_name": values.get("联系人") or "",
        "contact_phone": str(values.get("服务电话") or ""),
    }
    return pk, data, status


def import_workbook(content: bytes, *, actor, request=None) -> list[RowResult]:
    """Import positions from the first sheet; return one result per data row."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(
            _("无法读取该文件，请上传 .xlsx 格式的 Excel 文件。"), code="invalid_file"
        ) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    head = [str(h or "").strip() for h in next(rows, [])]
    missing = [h for h in ("名称", "类型", "主管工会", "地址", "纬度", "经度") if h not in head]
    if missing:
        raise ValidationError(
            _("表头缺少：%(cols)s。请使用导出的模板。") % {"cols": "、".join(missing)},
            code="invalid_file",
        )
    results: list[RowResult] = []
    owners: dict = {}
    for number, raw in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ValidationError(
                _("一次最多导入%(n)d行。") % {"n": MAX_ROWS}, code="too_many_rows"
            )
        if raw is None or all(v in (None, "") for v in raw):
            continue
        values = dict(zip(head, raw, strict=False))
        try:
            with transaction.atomic():
                pk, data, status = _row_data(values, actor, owners)
                if pk is None:
                    position = services.create_position(
                        data, actor=actor, request=request, action=ChangeAction.IMPORT
                    )
                    created = True
                else:
                    existing = visible_positions(actor).filter(pk=pk).first()
                    if existing is None:
                        raise ValidationError(
                            _("编号%(id)s的阵地不存在或不在您的管辖范围内。") % {"id": pk},
                            code="invalid_id",
                        )
                    position = services.update_position(
                        existing, data, actor=actor, request=request
                    )
                    created = False
                if status and status != position.status:
                    services.set_status(position, status, actor=actor, request=request)
            results.append(
                RowResult(
                    number, True, _("已新建") if created else _("已更新"), position.pk, created
                )
            )
        except (ValidationError, ServiceError) as exc:
            results.append(RowResult(number, False, _message(exc)))
        except Exception as exc:  # a 404 from scope checks
            from django.http import Http404

            if isinstance(exc, Http404):
                results.append(RowResult(number, False, _("主管工会不在您的管辖范围内。")))
            else:
                raise
    return results


def export_workbook(positions) -> bytes:
    """Write positions with the import columns (points in GCJ-02)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("服务阵地"))
    ws.append(spreadsheets.row(ws, headers(), bold=True))
    for p in positions:
        ws.append(
            spreadsheets.row(
                ws,
                [
                    p.pk,
                    p.name,
                    str(Kind(p.kind).label),
                    p.owner.name,
                    str(Host(p.host_kind).label),
                    p.host_name,
                    p.address,
                    p.lat,
                    p.lng,
                    "gcj02",
                    "、".join(str(Amenity(a).label) for a in p.amenities),
                    "、".join(str(Group(g).label) for g in p.served_groups),
                    *[hours_mod.day_to_text(day) for day in p.hours],
                    "是" if p.closed_on_holidays else "否",
                    p.contact_name,
                    p.contact_phone,
                    str(Status(p.status).label),
                    p.stars,
                ],
            )
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
