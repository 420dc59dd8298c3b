"""A version's ``definition`` and what the server does with answers to it.

``definition``: ``{"title", "questions": [...], "groups": [...], "choices": {list: [...]}}``;
a question is ``{"name", "type", "label", "groups": [enclosing group names], "list"?,
"relevant"?, "constraint"?, "constraint_message"?, "required"?, "required_message"?,
"choice_filter"?, "calculation"?, "hint"?, "max"? (rating), "rows"? (matrix: [{"name",
"label"}], one choice of ``list`` per row)}``, a group ``{"name", "label", "relevant"?}``.

``clean_answers`` walks the questions in order as the form does: a question is asked
only if its groups and itself are relevant given the answers before it; an answer to
anything not asked is dropped; a required answer missing or a constraint broken is a
ValidationError naming the question (the API's 422).
"""

import math
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.surveys import expressions

MAX_TEXT = 2000
SELECT_TYPES = {"select_one", "select_multiple", "rank"}
ANSWERED_TYPES = SELECT_TYPES | {"text", "integer", "decimal", "date", "rating", "matrix"}
RATING_MAX = 10  # a rating is 1..max stars, max at most this


def question_names(definition: dict) -> list[str]:
    return [q["name"] for q in definition["questions"] if q["type"] in ANSWERED_TYPES]


def choices_for(definition: dict, question: dict, values: dict) -> list[dict]:
    items = definition["choices"].get(question.get("list", ""), [])
    flt = question.get("choice_filter")
    if not flt:
        return items
    return [c for c in items if expressions.truthy(flt, values, row=c)]


def _coerce(q: dict, raw: Any) -> Any:
    """Return the answer in its stored form, None when empty; raise ValueError if wrong."""
    kind = q["type"]
    if raw is None or raw == "" or raw == []:
        return None
    if kind == "text":
        if not isinstance(raw, str):
            raise ValueError(_("应为文字。"))
        text = raw.strip()
        if len(text) > MAX_TEXT:
            raise ValueError(_("文字过长（最多 %(n)s 字）。") % {"n": MAX_TEXT})
        return text or None
    if kind == "integer":
        if isinstance(raw, bool):
            raise ValueError(_("应为整数。"))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            raw = int(raw.strip())
        if not isinstance(raw, int) or abs(raw) > 10**12:
            raise ValueError(_("应为整数。"))
        return raw
    if kind == "decimal":
        if isinstance(raw, bool):
            raise ValueError(_("应为数字。"))
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(_("应为数字。")) from None
        if not math.isfinite(value) or abs(value) > 1e12:
            raise ValueError(_("应为数字。"))
        return value
    if kind == "date":
        if not isinstance(raw, str):
            raise ValueError(_("应为日期（年-月-日）。"))
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            raise ValueError(_("应为日期（年-月-日）。")) from None
    if kind == "rating":
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        top = int(q.get("max", 5))
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= top:
            raise ValueError(_("应为 1 到 %(n)s 之间的评分。") % {"n": top})
        return raw
    if kind == "matrix":
        # One choice of the question's list per row: {"row name": "choice name"}.
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            raise ValueError(_("应为每一行选择一项。"))
        return {k: v for k, v in raw.items() if v} or None
    if kind == "select_one":
        if not isinstance(raw, str):
            raise ValueError(_("应为一个选项。"))
        return raw
    # select_multiple and rank: a list of option names (or ODK's space-separated string).
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ValueError(_("应为选项列表。"))
    if len(set(raw)) != len(raw):
        raise ValueError(_("选项重复。"))
    return raw


def _relevant(definition: dict, q: dict, values: dict, groups: dict) -> bool:
    for name in q.get("groups", []):
        g = groups.get(name)
        if g and g.get("relevant") and not expressions.truthy(g["relevant"], values):
            return False
    return not q.get("relevant") or expressions.truthy(q["relevant"], values)


def clean_answers(definition: dict, answers: dict) -> dict:
    """Return what is stored of ``answers``: relevant, checked, with calculations."""
    if not isinstance(answers, dict):
        raise ValidationError(_("答案格式不对。"), code="invalid")
    groups = {g["name"]: g for g in definition.get("groups", [])}
    values: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for q in definition["questions"]:
        name, kind = q["name"], q["type"]
        if kind == "note":
            continue
        if not _relevant(definition, q, values, groups):
            continue
        if kind == "calculate":
            value = expressions.evaluate(q["calculation"], values)
            value = expressions.to_string(value) if not isinstance(value, str) else value
            values[name] = value
            stored[name] = value
            continue
        try:
            value = _coerce(q, answers.get(name))
        except ValueError as exc:
            errors[name] = [str(exc)]
            continue
        if value is None:
            if q.get("required") and expressions.truthy(q["required"], values):
                errors[name] = [q.get("required_message") or _("此题必答。")]
            continue
        if kind == "matrix":
            rows = [r["name"] for r in q.get("rows", [])]
            allowed = {c["name"] for c in definition["choices"].get(q.get("list", ""), [])}
            if any(k not in rows for k in value) or any(v not in allowed for v in value.values()):
                errors[name] = [_("选项不在本题的选项中。")]
                continue
            if (
                q.get("required")
                and expressions.truthy(q["required"], values)
                and len(value) != len(rows)
            ):
                errors[name] = [q.get("required_message") or _("每一行都须作答。")]
                continue
            value = {r: value[r] for r in rows if r in value}  # in the form's row order
        if kind in SELECT_TYPES:
            allowed = [c["name"] for c in choices_for(definition, q, values)]
            chosen = [value] if kind == "select_one" else value
            if any(c not in allowed for c in chosen):
                errors[name] = [_("选项不在本题的选项中。")]
                continue
            if kind == "rank" and sorted(chosen) != sorted(allowed):
                errors[name] = [_("排序题须为全部选项排出顺序。")]
                continue
        typed = date.fromisoformat(value) if kind == "date" else value
        if q.get("constraint") and not expressions.truthy(q["constraint"], values, current=typed):
            errors[name] = [q.get("constraint_message") or _("答案不符合本题的要求。")]
            continue
        values[name] = typed
        stored[name] = value
    if errors:
        raise ValidationError(
            {
                name: [ValidationError(m, code="invalid_answer") for m in msgs]
                for name, msgs in errors.items()
            }
        )
    return stored


def form_out(definition: dict) -> dict:
    """The form as a client needs it: questions with choices and their logic."""
    questions = []
    for q in definition["questions"]:
        item = {
            k: q[k]
            for k in (
                "name",
                "type",
                "label",
                "hint",
                "groups",
                "relevant",
                "constraint",
                "constraint_message",
                "required",
                "required_message",
                "choice_filter",
                "calculation",
                "max",
                "rows",
            )
            if k in q
        }
        if "list" in q:
            item["choices"] = definition["choices"].get(q["list"], [])
        questions.append(item)
    return {
        "title": definition.get("title", ""),
        "groups": definition.get("groups", []),
        "questions": questions,
    }


def visible_questions(definition: dict, answers: dict) -> dict:
    """What the form shows for the answers so far: the relevant question names and the
    choices each filtered question offers. Lenient (a half-typed answer counts as none);
    the page asks this of the server, so the page and the submit never disagree."""
    groups = {g["name"]: g for g in definition.get("groups", [])}
    values: dict[str, Any] = {}
    visible: list[str] = []
    filtered: dict[str, list[str]] = {}
    for q in definition["questions"]:
        if not _relevant(definition, q, values, groups):
            continue
        visible.append(q["name"])
        if q["type"] == "calculate":
            values[q["name"]] = expressions.evaluate(q["calculation"], values)
            continue
        if q["type"] == "note":
            continue
        if q.get("choice_filter"):
            filtered[q["name"]] = [c["name"] for c in choices_for(definition, q, values)]
        try:
            value = _coerce(q, answers.get(q["name"]) if isinstance(answers, dict) else None)
        except ValueError:
            value = None
        if value is not None:
            values[q["name"]] = date.fromisoformat(value) if q["type"] == "date" else value
    return {"visible": visible, "choices": filtered}
