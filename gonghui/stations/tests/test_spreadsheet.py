"""Excel import with bad rows (reported, not stored), good rows (stored) and round trip."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from gonghui.stations import spreadsheet
from gonghui.stations.hours import day_from_text, day_to_text
from gonghui.stations.models import Position, PositionChange


def _book(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(spreadsheet.headers())
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(**over):
    base = {
        "编号": None,
        "名称": "导入驿站",
        "类型": "暖心驿站",
        "主管工会": "望京街道总工会",
        "依托单位类型": "加油站",
        "依托单位": "中石化望京加油站",
        "地址": "朝阳区望京西路1号",
        "纬度": 39.9968,
        "经度": 116.4803,
        "坐标系": "gcj02",
        "服务功能": "饮水、充电、歇脚",
        "服务对象": "户外劳动者、外卖送餐员",
        "周一": "08:00-20:00",
        "周二": "08:00-20:00",
        "周三": "08:00-20:00",
        "周四": "08:00-20:00",
        "周五": "22:00-02:00",
        "周六": "24小时",
        "周日": "",
        "法定节假日闭馆": "是",
        "联系人": "张师傅",
        "服务电话": "010-64700000",
        "状态": "开放",
        "星级": None,
    }
    base.update(over)
    return [base[h] for h in spreadsheet.headers()]


def test_good_rows_are_stored_and_bad_rows_reported(city_admin):
    content = _book(
        [
            _row(),
            _row(名称="坏类型", 类型="酒吧"),
            _row(名称="上海的", 纬度=31.23, 经度=121.47),
            _row(名称="坏时间", 周一="8点到晚上"),
            _row(名称="坏功能", 服务功能="饮水、桑拿"),
            _row(名称="无主", 主管工会="不存在的工会"),
            _row(名称="第二个好的", 状态="暂停服务"),
        ]
    )
    results = spreadsheet.import_workbook(content, actor=city_admin.user)
    by_row = {r.row: r for r in results}
    assert [r.row for r in results if r.ok] == [2, 8]
    assert "酒吧" in by_row[3].message
    assert "北京市范围" in by_row[4].message
    assert "周一" in by_row[5].message
    assert "桑拿" in by_row[6].message
    assert "不存在的工会" in by_row[7].message
    assert set(Position.objects.values_list("name", flat=True)) == {"导入驿站", "第二个好的"}
    p = Position.objects.get(name="导入驿站")
    assert (
        p.hours[4] == [["22:00", "02:00"]]
        and p.hours[5] == [["00:00", "24:00"]]
        and p.hours[6] == []
    )
    assert p.amenities == ["water", "rest", "charging"] and p.closed_on_holidays
    assert Position.objects.get(name="第二个好的").status == "suspended"
    assert PositionChange.objects.filter(action="import").count() == 2


def test_a_row_that_fails_half_way_leaves_nothing(city_admin, monkeypatch):
    # The position is created, then setting its status fails: the row's savepoint must
    # take the position, its history and its audit event back with it.
    from gonghui.core.models import AuditLog
    from gonghui.stations import services

    def refuse(*args, **kwargs):
        raise ValidationError("状态写入失败", code="invalid_status")

    monkeypatch.setattr(services, "set_status", refuse)
    results = spreadsheet.import_workbook(
        _book([_row(状态="暂停服务"), _row(名称="好的")]), actor=city_admin.user
    )
    assert [r.ok for r in results] == [False, True]
    assert list(Position.objects.values_list("name", flat=True)) == ["好的"]
    assert PositionChange.objects.count() == 1
    assert AuditLog.objects.filter(action="station.create").count() == 1
    assert not spreadsheet.import_workbook(_book([_row(状态="拆了")]), actor=city_admin.user)[0].ok


def test_staff_import_only_into_their_subtree(outsider, street_handler):
    results = spreadsheet.import_workbook(_book([_row()]), actor=outsider.user)
    assert not results[0].ok and not Position.objects.exists()
    results = spreadsheet.import_workbook(_book([_row()]), actor=street_handler.user)
    assert results[0].ok


def test_export_then_import_updates_the_same_positions(city_admin, make_position):
    p = make_position(
        hours=[[["08:00", "12:00"], ["14:00", "18:00"]]] * 5 + [[], [["00:00", "24:00"]]]
    )
    content = spreadsheet.export_workbook(Position.objects.select_related("owner"))
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == spreadsheet.headers()
    assert rows[1][1] == "望京暖心驿站" and rows[1][12] == "08:00-12:00, 14:00-18:00"
    # Edit the name in the exported file and import it back.
    wb = load_workbook(io.BytesIO(content))
    wb.active.cell(row=2, column=2, value="望京暖心驿站（新）")
    buf = io.BytesIO()
    wb.save(buf)
    results = spreadsheet.import_workbook(buf.getvalue(), actor=city_admin.user)
    assert results[0].ok and not results[0].created
    p.refresh_from_db()
    assert p.name == "望京暖心驿站（新）" and Position.objects.count() == 1
    assert p.hours[0] == [["08:00", "12:00"], ["14:00", "18:00"]]


def test_a_file_that_is_not_excel_is_refused(city_admin):
    with pytest.raises(ValidationError):
        spreadsheet.import_workbook(b"not a spreadsheet", actor=city_admin.user)


def test_day_text_round_trips():
    for text in ("08:00-20:00", "24小时", "", "08:00-12:00, 14:00-02:00"):
        assert day_to_text(day_from_text(text)) == text
    assert day_from_text("8:00～18:00") == [["08:00", "18:00"]]
