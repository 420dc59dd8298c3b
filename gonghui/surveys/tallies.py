"""Result counts kept at submit (``SurveyTally``), and their rebuild from the answers.

A submit adds one to each (question, value) cell of its respondent's union in the same
transaction as the answer, in sorted order so two submits never deadlock. Results read
these cells (a few hundred rows) instead of scanning every answer's JSON; ``rebuild``
recounts a survey from its answers (after a bulk load, or to check the counts)."""

import json

from django.db import connection

from gonghui.surveys.models import AnonymousResponse, Response, Survey, SurveyTally

TOTAL = ""


def cells(definition: dict, stored: dict) -> list[tuple[str, str]]:
    """The (question, value) cells an answer sheet counts in, as results show them."""
    kinds = {q["name"]: q["type"] for q in definition["questions"]}
    out = [(TOTAL, TOTAL)]
    for name, value in stored.items():
        kind = kinds.get(name)
        if kind in (None, "text", "note"):
            continue
        if isinstance(value, dict):  # a matrix: one cell per row and choice
            out.extend((name, f"{row}={choice}"[:200]) for row, choice in value.items())
        elif isinstance(value, list):
            chosen = value[:1] if kind == "rank" else value
            out.extend((name, str(v)[:200]) for v in chosen)
        else:
            out.append((name, (value if isinstance(value, str) else json.dumps(value))[:200]))
    return out


def upsert_sql(survey: Survey, org_path: str, definition: dict, stored: dict):
    """The ``INSERT … ON CONFLICT DO UPDATE`` that counts one answer sheet, and its
    parameters (rows sorted, so two submits never deadlock), to run alone or in a CTE."""
    rows = sorted(set(cells(definition, stored)))
    table = SurveyTally._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, 1)"] * len(rows))
    params: list = []
    for question, value in rows:
        params += [survey.pk, org_path, question, value]
    sql = (
        f"INSERT INTO {table} (survey_id, org_path, question, value, n) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (survey_id, org_path, question, value) "
        f"DO UPDATE SET n = {table}.n + EXCLUDED.n"
    )
    return sql, params


def rebuild(survey: Survey) -> int:
    """Recount a survey's cells from its answers in SQL; return the number of cells."""
    answers = (AnonymousResponse if survey.anonymous else Response)._meta.db_table
    table = SurveyTally._meta.db_table
    definition = survey.current.definition if survey.current else {"questions": []}
    skip = [q["name"] for q in definition["questions"] if q["type"] in ("text", "note")]
    rank = [q["name"] for q in definition["questions"] if q["type"] == "rank"]
    SurveyTally.objects.filter(survey=survey).delete()
    if connection.vendor != "postgresql":
        return _rebuild_in_python(survey, definition)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (survey_id, org_path, question, value, n)
            SELECT %s, org_path, '', '', count(*) FROM {answers} WHERE survey_id = %s
            GROUP BY org_path
            UNION ALL
            SELECT %s, t.org_path, e.key, left(v.val, 200), count(*)
            FROM {answers} t
            CROSS JOIN LATERAL jsonb_each(t.answers) AS e(key, value)
            CROSS JOIN LATERAL (
                SELECT jsonb_array_elements_text(e.value) AS val
                WHERE jsonb_typeof(e.value) = 'array' AND NOT e.key = ANY(%s)
                UNION ALL
                SELECT e.value ->> 0 WHERE jsonb_typeof(e.value) = 'array' AND e.key = ANY(%s)
                UNION ALL
                SELECT m.key || '=' || (m.value #>> '{{}}')
                FROM jsonb_each(CASE WHEN jsonb_typeof(e.value) = 'object'
                                     THEN e.value ELSE '{{}}'::jsonb END) AS m
                UNION ALL
                SELECT e.value #>> '{{}}' WHERE jsonb_typeof(e.value) NOT IN ('array', 'object')
            ) AS v
            WHERE t.survey_id = %s AND NOT e.key = ANY(%s)
            GROUP BY t.org_path, e.key, left(v.val, 200)
            """,  # noqa: S608
            [survey.pk, survey.pk, survey.pk, rank, rank, survey.pk, skip],
        )
    return SurveyTally.objects.filter(survey=survey).count()


def _rebuild_in_python(survey: Survey, definition: dict) -> int:
    """The same recount for databases without JSONB (SQLite under ``make run``): the
    cells each sheet counts in at submit, summed."""
    from collections import Counter

    model = AnonymousResponse if survey.anonymous else Response
    counts: Counter = Counter()
    for org_path, stored in model.objects.filter(survey=survey).values_list("org_path", "answers"):
        for question, value in set(cells(definition, stored or {})):
            counts[(org_path, question, value)] += 1
    SurveyTally.objects.bulk_create(
        [
            SurveyTally(survey=survey, org_path=path, question=q, value=v, n=n)
            for (path, q, v), n in counts.items()
        ],
        batch_size=2000,
    )
    return len(counts)
