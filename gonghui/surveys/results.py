"""Results per question, summed from the cells kept at submit (``tallies.py``), with
every cell under five respondents suppressed so no small group can be picked out."""

from django.db import connection
from django.db.models import Sum

from gonghui.surveys.forms import SELECT_TYPES
from gonghui.surveys.models import AnonymousResponse, Response, Survey, SurveyTally

MIN_CELL = 5
TEXT_LISTED = 50


def _table(survey: Survey):
    return AnonymousResponse if survey.anonymous else Response


def _filters(survey: Survey, org_path: str | None) -> tuple[str, list]:
    where, params = "survey_id = %s", [survey.pk]
    if org_path:
        # Anonymous answers keep their union to street level; the API refuses a deeper filter.
        where += " AND org_path LIKE %s"
        params.append(org_path.replace("%", r"\%").replace("_", r"\_") + "%")
    return where, params


def results(survey: Survey, org_path: str | None = None) -> dict:
    definition = survey.current.definition if survey.current else {"questions": [], "choices": {}}
    model = _table(survey)
    table = model._meta.db_table
    where, params = _filters(survey, org_path)
    questions = [q for q in definition["questions"] if q["type"] not in ("note",)]
    text = [q["name"] for q in questions if q["type"] == "text"]
    counted: dict[str, dict[str, int]] = {}
    # Counts come from the cells kept at submit (tallies.py), never from a scan.
    cells = SurveyTally.objects.filter(survey=survey)
    if org_path:
        cells = cells.filter(org_path__startswith=org_path)
    total = 0
    summed = cells.values("question", "value").annotate(total=Sum("n"))
    for question, value, n in summed.values_list("question", "value", "total"):
        if question == "":
            total += n
        else:
            counted.setdefault(question, {})[value] = n
    # The table name comes from the model, never from a request; values are parameters.
    with connection.cursor() as cursor:
        texts: dict[str, list[str]] = {}
        if text and total >= MIN_CELL:
            for name in text:
                cursor.execute(
                    f"SELECT answers ->> %s FROM {table} WHERE {where} AND answers ? %s "  # noqa: S608
                    f"LIMIT {TEXT_LISTED}",
                    [name, *params, name],
                )
                texts[name] = [row[0] for row in cursor.fetchall()]
    suppressed: list[str] = []
    out = []
    for q in questions:
        name = q["name"]
        raw = counted.get(name, {})
        keys = (
            [c["name"] for c in definition["choices"].get(q.get("list", ""), [])]
            if (q["type"] in SELECT_TYPES)
            else []
        )
        if q["type"] == "rating":
            keys = [str(n) for n in range(1, int(q.get("max", 5)) + 1)]
        elif q["type"] == "matrix":
            keys = [
                f"{r['name']}={c['name']}"
                for r in q.get("rows", [])
                for c in definition["choices"].get(q.get("list", ""), [])
            ]
        keys += sorted(k for k in raw if k not in keys)
        counts: dict[str, int | None] = {}
        for key in keys:
            n = raw.get(key, 0)
            if n < MIN_CELL:
                counts[key] = None
                suppressed.append(f"{name}:{key}")
            else:
                counts[key] = n
        item = {
            "name": name,
            "type": q["type"],
            "label": q.get("label", ""),
            "counts": counts,
            "choices": {
                c["name"]: c["label"] for c in definition["choices"].get(q.get("list", ""), [])
            },
        }
        if q["type"] == "matrix":
            item["rows"] = {r["name"]: r["label"] for r in q.get("rows", [])}
        if q["type"] == "text":
            item["texts"] = texts.get(name, [])
        out.append(item)
    return {"responses": total, "questions": out, "suppressed": suppressed}
