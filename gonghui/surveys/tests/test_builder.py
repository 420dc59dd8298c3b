"""The console builder: sections, every question type (rating and matrix too), required,
show-if and choice lists; the survey it makes is answered, checked and counted like an
imported one."""

import io

from django.test import Client
from openpyxl import load_workbook

from gonghui.core.testing import check_matrix
from gonghui.surveys import builder, results
from gonghui.surveys.models import Survey
from gonghui.surveys.tests.conftest import workers

ROWS = [
    {"type": "section", "name": "basic", "label": "基本情况"},
    {
        "type": "select_one",
        "name": "used",
        "label": "是否去过驿站",
        "required": True,
        "choices": "yes=去过\nno=没去过",
    },
    {"type": "section", "name": "visit", "label": "驿站评价", "relevant": "${used} = 'yes'"},
    {"type": "rating", "name": "stars", "label": "总体评分", "required": True, "scale": "5"},
    {
        "type": "matrix",
        "name": "grid",
        "label": "各项评价",
        "required": True,
        "choices": "good=满意\nok=一般\nbad=不满意",
        "rows": "clean=卫生\nwarm=温度",
    },
    {
        "type": "select_multiple",
        "name": "wants",
        "label": "希望增加",
        "choices": "water=饮水\nwifi=无线网",
    },
    {"type": "rank", "name": "prio", "label": "请排序", "choices": "a=甲\nb=乙"},
    {"type": "integer", "name": "times", "label": "每周去几次"},
    {"type": "decimal", "name": "km", "label": "离驿站几公里"},
    {"type": "date", "name": "last", "label": "最近一次"},
    {"type": "text", "name": "say", "label": "其他建议"},
    {"type": "note", "name": "bye", "label": "谢谢参与"},
]


def _post_rows(rows: list[dict], **extra) -> dict:
    body = {"n": str(len(rows)), "action": "save", **extra}
    for i, r in enumerate(rows):
        for k, v in r.items():
            if k == "required":
                if v:
                    body[f"required-{i}"] = "on"
            else:
                body[f"{k}-{i}"] = v
    return body


def test_it_builds_every_type_with_sections_and_show_if():
    d = builder.build("驿站满意度", ROWS)
    kinds = [q["type"] for q in d["questions"]]
    assert kinds == [
        "select_one",
        "rating",
        "matrix",
        "select_multiple",
        "rank",
        "integer",
        "decimal",
        "date",
        "text",
        "note",
    ]
    assert [g["name"] for g in d["groups"]] == ["basic", "visit"]
    assert d["groups"][1]["relevant"] == "${used} = 'yes'"
    stars = next(q for q in d["questions"] if q["name"] == "stars")
    assert stars["groups"] == ["visit"] and stars["max"] == 5 and stars["required"]
    grid = next(q for q in d["questions"] if q["name"] == "grid")
    assert [r["name"] for r in grid["rows"]] == ["clean", "warm"]
    assert [c["name"] for c in d["choices"][grid["list"]]] == ["good", "ok", "bad"]


def test_it_names_each_bad_row_and_field():
    rows = [
        {"type": "text", "name": "a", "label": "甲", "relevant": "${later} = 1"},
        {},  # a blank row on the page keeps its number
        {"type": "select_one", "name": "b", "label": "乙", "choices": "只有一个"},
        {"type": "rating", "name": "c", "label": "丙", "scale": "50"},
        {"type": "matrix", "name": "d", "label": "丁", "choices": "x\ny"},
        {"type": "text", "name": "a", "label": "重名"},
        {"type": "text", "name": "later", "label": "后面的题"},
    ]
    try:
        builder.build("有误", rows)
    except builder.BuildErrors as exc:
        got = [(e["row"], e["field"]) for e in exc.errors]
    assert got == [(1, "relevant"), (3, "choices"), (4, "scale"), (5, "rows"), (6, "name")]


def test_a_built_survey_is_answered_checked_and_counted(district_supervisor, chaoyang, wangjing):
    page = district_supervisor.browser().post(
        "/console/surveys/new/",
        _post_rows(ROWS, title="驿站满意度", org_id=str(chaoyang.pk), audience="members"),
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    survey = Survey.objects.get(title="驿站满意度")
    assert survey.status == "draft" and survey.current.source_name == "builder.json"
    assert district_supervisor.api().post(f"/api/v1/surveys/{survey.pk}/open").status_code == 200
    people = workers(wangjing, 6)
    url = f"/api/v1/surveys/{survey.pk}/responses"

    def answer(token, answers):
        return Client(headers={"Authorization": f"Bearer {token}"}).post(
            url, {"answers": answers}, content_type="application/json"
        )

    good = {"used": "yes", "stars": 4, "grid": {"clean": "good", "warm": "bad"}, "say": "=1+1"}
    bad_star = answer(people[0][1], good | {"stars": 6})
    assert bad_star.status_code == 422 and "stars" in bad_star.json()["errors"]
    half = answer(people[0][1], good | {"grid": {"clean": "good"}})
    assert half.status_code == 422 and "grid" in half.json()["errors"]
    wrong = answer(people[0][1], good | {"grid": {"clean": "great", "warm": "ok"}})
    assert wrong.status_code == 422
    for _w, token in people[:5]:
        r = answer(token, good)
        assert r.status_code == 201, r.content
        assert r.json()["stored"]["grid"] == {"clean": "good", "warm": "bad"}
    # Not a visitor: the hidden section's answers are dropped, its required rows not asked.
    skipped = answer(people[5][1], {"used": "no", "stars": 5, "grid": {"clean": "ok"}})
    assert skipped.status_code == 201 and skipped.json()["stored"] == {"used": "no"}
    data = results.results(survey)
    by_name = {q["name"]: q for q in data["questions"]}
    assert by_name["stars"]["counts"]["4"] == 5 and by_name["stars"]["counts"]["5"] is None
    assert by_name["grid"]["counts"]["clean=good"] == 5
    assert by_name["grid"]["counts"]["warm=good"] is None
    assert by_name["grid"]["rows"] == {"clean": "卫生", "warm": "温度"}
    xlsx = district_supervisor.api().get(f"/api/v1/surveys/{survey.pk}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content))["答卷"].iter_rows(values_only=True))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["grid/clean"], first["grid/warm"], first["stars"]) == ("good", "bad", 4)


def test_it_starts_from_a_template_and_keeps_typed_rows_on_more(district_supervisor):
    client = district_supervisor.browser()
    page = client.get("/console/surveys/new/?template=satisfaction")
    assert page.status_code == 200
    assert "服务满意度" in page.content.decode()
    assert len(page.context["rows"]) > 5
    more = client.post(
        "/console/surveys/new/", _post_rows(ROWS[:2], title="t") | {"action": "more"}
    )
    assert more.status_code == 200 and len(more.context["rows"]) == 2 + 5
    assert "是否去过驿站" in more.content.decode()


def test_the_builder_page_is_for_staff_in_scope(personas, wangjing):
    def get(p):
        client = Client() if p.worker is not None else p.browser()
        return client.get("/console/surveys/new/")

    check_matrix(
        personas,
        get,
        {"street_handler": 200, "district_supervisor": 200, "outsider": 200, "courier": 302},
    )

    def save(p):
        client = Client() if p.worker is not None else p.browser()
        body = _post_rows(ROWS[:2], title="越权", org_id=str(wangjing.pk), audience="members")
        return client.post("/console/surveys/new/", body)

    check_matrix(personas, save, {"outsider": 422, "courier": 302, "street_handler": 302})
    assert Survey.objects.filter(title="越权").count() == 1
