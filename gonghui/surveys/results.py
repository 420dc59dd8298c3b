"""Results per question, counted in PostgreSQL (one pass over the answers' JSON), with
every cell under five respondents suppressed so no small group can be picked out."""

from django.db import connection

from gonghui.surveys.forms import SELECT_TYPES
from gonghui.surveys.models import AnonymousResponse, Response, Survey

MIN_CELL = 5
TEXT_LISTED = 50


def _table(survey: Survey):
    return AnonymousResponse if survey.anonymous else Response


def _filters(survey: Survey, org_path: str | None) -> tuple[str, list]:
    where, params = "survey_id = %s", [survey.pk]
    if org_path:
        # Anonymous answers keep their union to street level: a deeper filter is widened
        # to that level's prefix by the caller (see coarse_filter).
        where += " AND org_path LIKE %s"
        params.append(org_path.replace("%", r"\%").replace("_", r"\_") + "%")
    return where, params


def results(survey: Survey, org_path: str | None = None) -> dict:
    definition = survey.current.definition if survey.current else {"questions": [], "choices": {}}
    model = _table(survey)
    table = model._meta.db_table
    where, params = _filters(survey, org_path)
    questions = [q for q in definition["questions"] if q["type"] not in ("note",)]
    rank = [q["name"] for q in questions if q["type"] == "rank"]
    text = [q["name"] for q in questions if q["type"] == "text"]
    counted: dict[str, dict[str, int]] = {}
    # The table name comes from the model, never from a request; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)  # noqa: S608
        total = cursor.fetchone()[0]
        # Arrays (select_multiple) count each chosen option, a ranking its first place.
        cursor.execute(
            f"""
            SELECT e.key, v.val, count(*)
            FROM {table} t
            CROSS JOIN LATERAL jsonb_each(t.answers) AS e(key, value)
            CROSS JOIN LATERAL (
                SELECT jsonb_array_elements_text(e.value) AS val
                WHERE jsonb_typeof(e.value) = 'array' AND NOT e.key = ANY(%s)
                UNION ALL
                SELECT e.value ->> 0 WHERE jsonb_typeof(e.value) = 'array' AND e.key = ANY(%s)
                UNION ALL
                SELECT e.value #>> '{{}}' WHERE jsonb_typeof(e.value) <> 'array'
            ) AS v
            WHERE {where} AND NOT e.key = ANY(%s)
            GROUP BY 1, 2
            """,  # noqa: S608
            [rank, rank, *params, text],
        )
        for key, val, n in cursor.fetchall():
            counted.setdefault(key, {})[val] = n
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
        if q["type"] == "text":
            item["texts"] = texts.get(name, [])
        out.append(item)
    return {"responses": total, "questions": out, "suppressed": suppressed}
