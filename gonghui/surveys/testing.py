"""Test and demo helpers: an XLSForm workbook from rows, a member behind a worker."""

import io
from datetime import date

from openpyxl import Workbook

SURVEY_HEADER = [
    "type",
    "name",
    "label::中文 (zh)",
    "relevant",
    "constraint",
    "constraint_message",
    "required",
    "choice_filter",
    "calculation",
]


def make_xlsx(
    survey_rows: list[list],
    choices_rows: list[list] | None = None,
    *,
    header: list[str] | None = None,
    settings: dict | None = None,
    extra_sheets: dict[str, list[list]] | None = None,
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(header or SURVEY_HEADER)
    for row in survey_rows:
        ws.append(row)
    if choices_rows is not None:
        c = wb.create_sheet("choices")
        c.append(["list_name", "name", "label::中文 (zh)", "district"])
        for row in choices_rows:
            c.append(row)
    if settings:
        s = wb.create_sheet("settings")
        s.append(list(settings))
        s.append(list(settings.values()))
    for name, rows in (extra_sheets or {}).items():
        x = wb.create_sheet(name)
        for row in rows:
            x.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_member(worker, org, n: int):
    """A member of ``org`` signed in as ``worker`` (n makes the ID number unique)."""
    from gonghui.members.models import Member
    from gonghui.members.testing import make_id_number

    return Member.objects.create(
        name="问卷测试",
        id_number=make_id_number(n),
        gender="female",
        birth_date=date(1990, 1, 1),
        worker=worker,
        org=org,
        member_number=f"SV{n:08d}",
        joined_on=date(2024, 1, 1),
    )


# Every supported type and expression, in one form (used by tests and the demo).
FULL_FORM_ROWS = [
    ["note", "intro", "欢迎参加调查", "", "", "", "", "", ""],
    ["begin_group", "basic", "基本情况", "", "", "", "", "", ""],
    ["select_one district", "district", "您所在的区", "", "", "", "yes", "", ""],
    ["select_one street", "street", "您所在的街道", "", "", "", "yes", "district=${district}", ""],
    ["integer", "age", "年龄", "", ". >= 16 and . <= 70", "年龄应在16到70之间", "yes", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["select_one yn", "has_need", "您是否有需求", "", "", "", "yes", "", ""],
    ["begin_group", "needs", "需求", "${has_need} = 'yes'", "", "", "", "", ""],
    [
        "select_multiple need",
        "kinds",
        "需求类型",
        "",
        "count-selected(.) <= 2",
        "最多选两项",
        "yes",
        "",
        "",
    ],
    [
        "text",
        "other",
        "其他需求",
        "selected(${kinds}, 'other')",
        "string-length(.) <= 50",
        "",
        "",
        "",
        "",
    ],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["decimal", "hours", "每天工作小时数", "", ". > 0 and . < 24", "", "", "", ""],
    ["date", "since", "入职日期", "", ". <= today()", "不能晚于今天", "", "", ""],
    ["rank prio", "prio", "请排序", "", "", "", "", "", ""],
    ["calculate", "overtime", "", "", "", "", "", "", "if(${hours} > 8, 'yes', 'no')"],
    ["text", "phone", "联系电话", "${age} >= 18", "regex(., '^1[0-9]{10}$')", "", "", "", ""],
]
FULL_FORM_CHOICES = [
    ["district", "cy", "朝阳", ""],
    ["district", "hd", "海淀", ""],
    ["street", "wj", "望京", "cy"],
    ["street", "zgc", "中关村", "hd"],
    ["yn", "yes", "是", ""],
    ["yn", "no", "否", ""],
    ["need", "housing", "住房", ""],
    ["need", "training", "培训", ""],
    ["need", "other", "其他", ""],
    ["prio", "pay", "工资", ""],
    ["prio", "rest", "休息", ""],
    ["prio", "safety", "安全", ""],
]
