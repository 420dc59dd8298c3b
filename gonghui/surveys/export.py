"""Excel export of a survey's answers, merged across versions by question name.

Columns are the union of every version's questions in the order they first appeared,
a multiple choice has one column per option ever offered (a removed option keeps its
column, empty in later versions, so no other column moves) and a matrix one column per
row ever asked, holding the chosen option."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.spreadsheets import row
from gonghui.surveys.models import AnonymousResponse, Response, Survey


def columns(survey: Survey) -> list[tuple[str, str, str | None]]:
    """``(header, question name, option)`` per answer column, stable across versions."""
    cols: list[tuple[str, str, str | None]] = []
    seen: set[tuple[str, str | None]] = set()
    for version in survey.versions.order_by("number"):
        d = version.definition
        for q in d["questions"]:
            if q["type"] == "note":
                continue
            if q["type"] == "select_multiple":
                for c in d["choices"].get(q["list"], []):
                    key = (q["name"], c["name"])
                    if key not in seen:
                        seen.add(key)
                        cols.append((f"{q['name']}/{c['name']}", q["name"], c["name"]))
            elif q["type"] == "matrix":
                for r in q.get("rows", []):
                    key = (q["name"], "row:" + r["name"])
                    if key not in seen:
                        seen.add(key)
                        cols.append((f"{q['name']}/{r['name']}", q["name"], "row:" + r["name"]))
            elif (q["name"], None) not in seen:
                seen.add((q["name"], None))
                cols.append((q["name"], q["name"], None))
    return cols


def _cell(answers: dict, name: str, option: str | None):
    value = answers.get(name)
    if option is not None and option.startswith("row:"):  # a matrix row: the chosen column
        return value.get(option[4:]) if isinstance(value, dict) else None
    if option is not None:
        if value is None:
            return None
        return 1 if option in value else 0
    if isinstance(value, list):
        return " > ".join(value) if value else None
    return value


def export_xlsx(survey: Survey) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("答卷"))
    cols = columns(survey)
    numbers = dict(survey.versions.values_list("pk", "number"))
    if survey.anonymous:
        fixed = [_("版本"), _("提交日期"), _("所在工会"), _("疑似机器作答")]
        rows = AnonymousResponse.objects.filter(survey=survey).order_by("submitted_on")
        ws.append(row(ws, fixed + [h for h, _n, _o in cols], bold=True))
        for r in rows.values_list(
            "version_id", "submitted_on", "org_path", "possible_machine", "answers"
        ).iterator(chunk_size=2000):
            ws.append(
                row(
                    ws,
                    [numbers[r[0]], r[1], r[2], int(r[3])]
                    + [_cell(r[4], n, o) for _h, n, o in cols],
                )
            )
    else:
        fixed = [_("版本"), _("提交时间"), _("所在工会"), _("用时（秒）"), _("疑似机器作答")]
        rows = Response.objects.filter(survey=survey).order_by("pk")
        ws.append(row(ws, fixed + [h for h, _n, _o in cols], bold=True))
        for r in rows.values_list(
            "version_id", "submitted_at", "org_path", "seconds", "possible_machine", "answers"
        ).iterator(chunk_size=2000):
            ws.append(
                row(
                    ws,
                    [numbers[r[0]], r[1].replace(tzinfo=None), r[2], r[3], int(r[4])]
                    + [_cell(r[5], n, o) for _h, n, o in cols],
                )
            )
    info = wb.create_sheet(_("版本"))
    info.append(row(info, [_("版本"), _("来源文件"), _("SHA-256"), _("创建时间")], bold=True))
    for v in survey.versions.order_by("number"):
        info.append(
            row(info, [v.number, v.source_name, v.source_sha256, v.created_at.replace(tzinfo=None)])
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
