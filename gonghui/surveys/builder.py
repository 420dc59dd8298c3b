"""The console builder: a survey made row by row on a page instead of in Excel.

Each row is one section or question: ``{"type", "name", "label", "required", "relevant"
(show if), "choices" (lines ``name=label``, or just labels), "scale" (rating: 2..10),
"rows" (matrix: lines like choices)}``. ``build`` turns the rows into the same
``definition`` an XLSForm import makes (``forms.py``), so the H5 page, the server-side
logic, results and export treat both alike; every mistake is reported with its row
number and field (``BuildErrors``). A section starts a group that runs to the next
section; its show-if hides all of it. Show-if may name only questions above it.
Rating and matrix questions exist only here (XLSForm has no such types).
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.surveys import expressions
from gonghui.surveys.forms import RATING_MAX

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# type -> label shown in the builder's type menu
TYPES = {
    "section": gettext_lazy("分节"),
    "select_one": gettext_lazy("单选"),
    "select_multiple": gettext_lazy("多选"),
    "text": gettext_lazy("文字"),
    "integer": gettext_lazy("整数"),
    "decimal": gettext_lazy("数字"),
    "rating": gettext_lazy("评分"),
    "matrix": gettext_lazy("矩阵单选"),
    "date": gettext_lazy("日期"),
    "rank": gettext_lazy("排序"),
    "note": gettext_lazy("说明文字"),
}
WITH_CHOICES = {"select_one", "select_multiple", "rank", "matrix"}
MAX_ROWS = 200


class BuildErrors(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _options(text: str, prefix: str) -> list[dict]:
    """``name=label`` lines (or bare labels, named ``prefix1``, ``prefix2``...)."""
    out = []
    for i, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        name, sep, label = line.partition("=")
        if not sep:
            name, label = f"{prefix}{i}", line
        out.append({"name": name.strip(), "label": label.strip()[:200]})
    return out


def build(title: str, rows: list[dict]) -> dict:
    """Return the definition of ``rows``; raise ``BuildErrors`` naming each bad field."""
    errors: list[dict] = []

    def err(row: int, field: str, message: str) -> None:
        errors.append({"row": row, "field": field, "message": message})

    if not (title or "").strip():
        err(0, "title", _("请填写问卷标题。"))
    if len(rows) > MAX_ROWS:
        err(0, "rows", _("题目过多（最多 %(n)s 行）。") % {"n": MAX_ROWS})
        rows = rows[:MAX_ROWS]
    questions: list[dict] = []
    groups: list[dict] = []
    choices: dict[str, list[dict]] = {}
    seen: dict[str, str] = {}  # name -> type, of the rows above
    section: str | None = None
    for number, row in enumerate(rows, 1):  # numbered as on the page, blanks included
        if not any(str(v).strip() for k, v in row.items() if k != "required"):
            continue
        kind = (row.get("type") or "").strip()
        name = (row.get("name") or "").strip() or f"q{number}"
        label = (row.get("label") or "").strip()
        if kind not in TYPES:
            err(number, "type", _("请选择题型。"))
            continue
        if not NAME.match(name):
            err(number, "name", _("名称只能用英文字母、数字和下划线，且不以数字开头。"))
            continue
        if name in seen:
            err(number, "name", _("名称“%(n)s”重复。") % {"n": name})
            continue
        if not label:
            err(number, "label", _("请填写题目文字。"))
            continue
        above = dict(seen)  # show-if may name only these
        seen[name] = kind
        item: dict = {"name": name, "label": label[:500]}
        relevant = (row.get("relevant") or "").strip()
        if relevant:
            try:
                expressions.parse(relevant)
                refs = expressions.references(relevant)
                if expressions.columns(relevant):
                    raise expressions.ExpressionError(_("引用题目请写 ${名称}"))
            except expressions.ExpressionError as exc:
                err(number, "relevant", _("显示条件无法识别：%(e)s。") % {"e": str(exc)})
                continue
            unknown = sorted(r for r in refs if above.get(r) in (None, "section", "note", "matrix"))
            if unknown:
                err(
                    number,
                    "relevant",
                    _("显示条件只能引用上方的题目（矩阵题除外）：${%(n)s}。") % {"n": unknown[0]},
                )
                continue
            item["relevant"] = relevant
        if kind == "section":
            groups.append(item | {"groups": []})
            section = name
            continue
        item["type"] = kind
        item["groups"] = [section] if section else []
        if row.get("required") and kind != "note":
            item["required"] = "true()"
        if kind in WITH_CHOICES:
            options = _options(row.get("choices", ""), "c")
            names = [o["name"] for o in options]
            if len(options) < 2 or len(set(names)) != len(names):
                err(number, "choices", _("请至少填写两个不重复的选项（每行一个）。"))
                continue
            if any(not NAME.match(n) for n in names):
                err(number, "choices", _("选项名称只能用英文字母、数字和下划线。"))
                continue
            item["list"] = f"{name}_list"
            choices[item["list"]] = options
        if kind == "matrix":
            item["rows"] = _options(row.get("rows", ""), "r")
            rnames = [r["name"] for r in item["rows"]]
            if not rnames or len(set(rnames)) != len(rnames):
                err(number, "rows", _("矩阵题请填写至少一行（每行一个）。"))
                continue
        if kind == "rating":
            try:
                scale = int(row.get("scale") or 5)
            except (TypeError, ValueError):
                scale = 0
            if not 2 <= scale <= RATING_MAX:
                err(number, "scale", _("评分须为 2 到 %(n)s 分。") % {"n": RATING_MAX})
                continue
            item["max"] = scale
        questions.append(item)
    if not questions and not errors:
        err(0, "rows", _("问卷中没有题目。"))
    if errors:
        raise BuildErrors(errors)
    return {
        "title": title.strip()[:200],
        "form_id": "",
        "form_version": "",
        "questions": questions,
        "groups": groups,
        "choices": choices,
    }


def rows_of(definition: dict) -> list[dict]:
    """The builder rows of a definition (to start from a template or an earlier version)."""
    out: list[dict] = []
    lists = definition.get("choices", {})
    placed: set[str] = set()
    groups = {g["name"]: g for g in definition.get("groups", [])}

    def lines(items) -> str:
        return "\n".join(f"{c['name']}={c['label']}" for c in items)

    for q in definition["questions"]:
        if q["type"] == "calculate":
            continue  # the builder has no calculations; a template's is left out
        for g in q.get("groups", [])[-1:]:
            if g not in placed and g in groups:
                placed.add(g)
                out.append(
                    {
                        "type": "section",
                        "name": g,
                        "label": groups[g].get("label", ""),
                        "relevant": groups[g].get("relevant", ""),
                    }
                )
        out.append(
            {
                "type": q["type"],
                "name": q["name"],
                "label": q.get("label", ""),
                "required": bool(q.get("required")),
                "relevant": q.get("relevant", ""),
                "choices": lines(lists.get(q.get("list", ""), [])),
                "rows": lines(q.get("rows", [])),
                "scale": q.get("max", ""),
            }
        )
    return out
