"""XLSForm import of the subset surveys answer: each cell outside it is refused by sheet,
row and column (Excel's own numbers and letters), so the author can find it.

The workbook is read twice: with openpyxl, cell by cell, to know where everything is
and to refuse what we do not support; then with pyxform (the reference reader of
ODK and KoboToolbox), whose own checks (duplicate names, unknown lists, unbalanced
groups) must pass too. The result is the version's ``definition`` (see forms.py).
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gonghui.surveys import expressions

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
QUESTION_TYPES = {"text", "integer", "decimal", "date", "note", "calculate"}
SELECT_TYPES = {"select_one", "select_multiple", "rank"}
GROUP_BEGIN = {"begin_group", "begin group"}
GROUP_END = {"end_group", "end group"}
# Columns of the survey sheet we read; a translated form (``label::中文 (zh)``) too.
SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "relevant",
    "constraint",
    "constraint_message",
    "required",
    "required_message",
    "choice_filter",
    "calculation",
}
TRANSLATABLE = {"label", "hint", "constraint_message", "required_message"}
EXPRESSION_COLUMNS = ("relevant", "constraint", "required", "choice_filter", "calculation")
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language", "instance_name"}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-.]*$")


@dataclass
class ImportErrors(Exception):
    errors: list[dict] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})


def _base(header: str) -> str:
    return header.split("::", 1)[0].strip()


def _pick_label(row: dict, key: str) -> str:
    """The Chinese text of a translatable column: ``key::…中文/zh…`` first, else ``key``."""
    for header, value in row.items():
        chinese = "zh" in header.lower() or "中文" in header
        if header.startswith(key + "::") and chinese and value:
            return value
    if row.get(key):
        return row[key]
    for header, value in row.items():
        if header.startswith(key + "::") and value:
            return value
    return ""


def _read_sheet(ws) -> tuple[list[str], list[tuple[int, dict, dict]]]:
    """Return the headers and, per non-empty row, (Excel row number, values, letters)."""
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None) or ()
    headers = [str(h).strip() if h is not None else "" for h in first]
    out = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            break
        values, letters = {}, {}
        for i, cell in enumerate(cells):
            if i >= len(headers) or not headers[i]:
                continue
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            values[headers[i]] = cell.strip() if isinstance(cell, str) else str(cell)
            letters[headers[i]] = get_column_letter(i + 1)
        if values:
            out.append((number, values, letters))
    return headers, out


def _is_expression_true(text: str) -> bool | None:
    low = text.strip().lower()
    if low in ("yes", "true", "true()", "1"):
        return True
    if low in ("no", "false", "false()", "0", ""):
        return False
    return None


def parse_xlsform(data: bytes) -> dict:
    """Return the definition of an XLSForm workbook, or raise ImportErrors."""
    errors = ImportErrors()
    if len(data) > MAX_BYTES:
        errors.add("", None, None, _("文件超过 2 MB。"))
        raise errors
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        errors.add("", None, None, _("不是有效的 Excel（.xlsx）文件。"))
        raise errors from None
    sheets = {name.strip().lower(): wb[name] for name in wb.sheetnames}
    for name in sheets:
        if name not in ("survey", "choices", "settings"):
            errors.add(name, 1, "A", _("不支持的工作表“%(name)s”。") % {"name": name})
    if "survey" not in sheets:
        errors.add("survey", None, None, _("缺少 survey 工作表。"))
        raise errors

    settings: dict = {}
    if "settings" in sheets:
        s_headers, s_rows = _read_sheet(sheets["settings"])
        for i, h in enumerate(s_headers):
            if h and h not in SETTINGS_COLUMNS:
                errors.add(
                    "settings", 1, get_column_letter(i + 1), _("不支持的列“%(c)s”。") % {"c": h}
                )
        if s_rows:
            settings = s_rows[0][1]

    choices: dict[str, list[dict]] = {}
    choice_rows: dict[str, int] = {}
    if "choices" in sheets:
        c_headers, c_rows = _read_sheet(sheets["choices"])
        normal = [h.replace(" ", "_") for h in c_headers]
        for i, h in enumerate(c_headers):
            if h and not NAME.match(_base(h).replace(" ", "_")):
                errors.add(
                    "choices", 1, get_column_letter(i + 1), _("不支持的列“%(c)s”。") % {"c": h}
                )
        if "list_name" not in normal:
            errors.add("choices", 1, None, _("choices 工作表缺少 list_name 列。"))
        for number, values, _letters in c_rows:
            values = {k.replace("list name", "list_name"): v for k, v in values.items()}
            list_name, name = values.get("list_name", ""), values.get("name", "")
            if not list_name or not name:
                errors.add("choices", number, "A", _("选项缺少 list_name 或 name。"))
                continue
            extra = {
                k: v
                for k, v in values.items()
                if _base(k) not in ("list_name", "name", "label", "image", "media")
            }
            choices.setdefault(list_name, []).append(
                {"name": name, "label": _pick_label(values, "label") or name, **extra}
            )
            choice_rows.setdefault(list_name, number)

    headers, rows = _read_sheet(sheets["survey"])
    for i, h in enumerate(headers):
        if not h:
            continue
        base = _base(h)
        if base not in SURVEY_COLUMNS or ("::" in h and base not in TRANSLATABLE):
            errors.add("survey", 1, get_column_letter(i + 1), _("不支持的列“%(c)s”。") % {"c": h})
    if "type" not in headers or "name" not in headers:
        errors.add("survey", 1, None, _("survey 工作表缺少 type 或 name 列。"))
        raise errors

    questions: list[dict] = []
    groups: list[dict] = []
    stack: list[str] = []
    names: dict[str, int] = {}
    pending_refs: list[tuple[int, str, str, set[str]]] = []
    for number, values, letters in rows:
        raw_type = " ".join(values.get("type", "").split())
        type_col = letters.get("type", "A")
        name = values.get("name", "")
        parts = raw_type.split(" ")
        kind = parts[0] if parts else ""
        if raw_type in GROUP_END:
            if not stack:
                errors.add("survey", number, type_col, _("end_group 没有对应的 begin_group。"))
            else:
                stack.pop()
            continue
        if not raw_type:
            errors.add("survey", number, type_col, _("缺少题型。"))
            continue
        if raw_type in GROUP_BEGIN:
            kind = "group"
        elif kind in SELECT_TYPES:
            if len(parts) != 2:
                errors.add(
                    "survey",
                    number,
                    type_col,
                    _("不支持的题型“%(t)s”（只支持“%(k)s 列表名”）。") % {"t": raw_type, "k": kind},
                )
                continue
            if parts[1] not in choices:
                errors.add(
                    "survey", number, type_col, _("选项列表“%(l)s”不存在。") % {"l": parts[1]}
                )
                continue
        elif raw_type not in QUESTION_TYPES:
            errors.add("survey", number, type_col, _("不支持的题型“%(t)s”。") % {"t": raw_type})
            continue
        if not name or not NAME.match(name):
            errors.add("survey", number, letters.get("name", "B"), _("题目名称缺失或不合规。"))
            continue
        if name in names:
            errors.add(
                "survey",
                number,
                letters.get("name", "B"),
                _("题目名称“%(n)s”与第 %(r)s 行重复。") % {"n": name, "r": names[name]},
            )
            continue
        names[name] = number
        item: dict = {"name": name, "label": _pick_label(values, "label")}
        for col in EXPRESSION_COLUMNS:
            text = values.get(col, "")
            if not text:
                continue
            if col == "required":
                fixed = _is_expression_true(text)
                if fixed is not None:
                    if fixed:
                        item["required"] = "true()"
                    continue
            if col == "calculation" and kind != "calculate":
                errors.add("survey", number, letters[col], _("只有 calculate 题可以填计算式。"))
                continue
            if col == "choice_filter" and kind not in SELECT_TYPES:
                errors.add("survey", number, letters[col], _("只有选择题可以填选项筛选。"))
                continue
            try:
                expressions.parse(text)
                refs = expressions.references(text)
                cols = expressions.columns(text)
            except expressions.ExpressionError as exc:
                errors.add(
                    "survey",
                    number,
                    letters[col],
                    _("表达式无法识别：%(e)s。") % {"e": str(exc)},
                )
                continue
            if cols and col != "choice_filter":
                errors.add(
                    "survey",
                    number,
                    letters[col],
                    _("表达式中的“%(w)s”无法识别（引用题目请写 ${名称}）。")
                    % {"w": sorted(cols)[0]},
                )
                continue
            pending_refs.append((number, letters[col], text, refs))
            item[col] = text
        if kind == "calculate" and "calculation" not in item:
            errors.add("survey", number, type_col, _("calculate 题缺少计算式。"))
            continue
        if kind == "group":
            item["groups"] = list(stack)
            groups.append(item)
            stack.append(name)
            continue
        item["type"] = kind
        item["groups"] = list(stack)
        for col in ("hint", "constraint_message", "required_message"):
            text = _pick_label(values, col)
            if text:
                item[col] = text
        if kind in SELECT_TYPES:
            item["list"] = parts[1]
        questions.append(item)
    if stack:
        errors.add("survey", None, None, _("begin_group “%(g)s”没有结束。") % {"g": stack[-1]})
    for number, col, _text, refs in pending_refs:
        for ref in sorted(refs):
            if ref not in names:
                errors.add(
                    "survey", number, col, _("表达式引用了不存在的题目 ${%(n)s}。") % {"n": ref}
                )
    if not questions and not errors.errors:
        errors.add("survey", None, None, _("表单中没有题目。"))
    if errors.errors:
        raise errors
    _check_with_pyxform(data, errors)
    used = {q["list"] for q in questions if "list" in q}
    return {
        "title": str(settings.get("form_title") or ""),
        "form_id": str(settings.get("form_id") or ""),
        "form_version": str(settings.get("version") or ""),
        "questions": questions,
        "groups": groups,
        "choices": {k: v for k, v in choices.items() if k in used},
    }


ROW_IN_MESSAGE = re.compile(r"\[row\s*:\s*(\d+)\]", re.IGNORECASE)
SHEET_IN_MESSAGE = re.compile(r"On the '(\w+)' sheet", re.IGNORECASE)


def _check_with_pyxform(data: bytes, errors: ImportErrors) -> None:
    """Run pyxform's own reader and checks; its message names the row it found."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    try:
        workbook_to_json(
            get_xlsform(io.BytesIO(data), file_type=".xlsx"), fallback_form_name="survey"
        )
    except PyXFormError as exc:
        message = str(exc)
        m = ROW_IN_MESSAGE.search(message)
        sheet = SHEET_IN_MESSAGE.search(message)
        errors.add(
            sheet.group(1).lower() if sheet else "survey",
            int(m.group(1)) if m else None,
            None,
            message[:500],
        )
        raise errors from None
