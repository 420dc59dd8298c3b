"""The surveys contract of issue 16: import, open/close, the form, answers (201 with what
was stored, 409 on a second, 422 on a broken rule), results with suppression, export,
public links with signed tokens and the possible-machine flag, and who may do what."""

import hashlib
import io
import time

from django.core import signing
from django.test import Client
from openpyxl import load_workbook

from gonghui.core.testing import check_matrix
from gonghui.surveys import services
from gonghui.surveys.models import AnonymousResponse, Participation, Response, Survey, SurveyVersion
from gonghui.surveys.testing import make_xlsx
from gonghui.surveys.tests.conftest import opened, upload, workers

GOOD = {
    "district": "cy",
    "street": "wj",
    "age": 30,
    "has_need": "no",
    "hours": 8,
    "since": "2020-01-01",
    "prio": ["pay", "rest", "safety"],
}
SIMPLE = [
    ["select_one yn", "ok", "满意吗", "", "", "", "yes", "", ""],
    ["text", "why", "原因", "${ok} = 'no'", "", "", "", "", ""],
]
SIMPLE_CHOICES = [["yn", "yes", "满意", ""], ["yn", "no", "不满意", ""]]


def _bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_it_imports_an_xlsform_and_keeps_the_file_with_its_hash(
    district_supervisor, chaoyang, full_form
):
    r = upload(district_supervisor, chaoyang, full_form)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["version"] == 1 and body["questions"] == 12
    version = SurveyVersion.objects.get(survey_id=body["id"], number=1)
    assert bytes(version.source_file) == full_form
    assert version.source_sha256 == hashlib.sha256(full_form).hexdigest()
    assert Survey.objects.get(pk=body["id"]).title == "职工需求调查"


def test_it_refuses_an_unsupported_form_with_sheet_row_and_column(district_supervisor, chaoyang):
    data = make_xlsx(
        [["text", "a", "A"], ["geopoint", "p", "位置"]], header=["type", "name", "label"]
    )
    r = upload(district_supervisor, chaoyang, data)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "unsupported"
    assert body["errors"][0] | {"message": ""} == {
        "sheet": "survey",
        "row": 3,
        "column": "A",
        "message": "",
    }
    assert not Survey.objects.filter(org=chaoyang).exists()


def test_it_scopes_the_import_to_the_org_subtree(personas, chaoyang, full_form):
    check_matrix(
        personas,
        lambda p: upload(p, chaoyang, full_form),
        {
            "street_handler": 404,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
            "courier": 401,
        },
    )


def test_it_freezes_the_version_on_open_and_a_change_makes_a_new_one(
    district_supervisor, chaoyang, full_form
):
    pk = opened(district_supervisor, chaoyang, full_form)
    assert SurveyVersion.objects.get(survey_id=pk, number=1).frozen
    assert district_supervisor.api().post(f"/api/v1/surveys/{pk}/open").status_code == 409
    r = upload(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES), survey_id=pk)
    assert r.status_code == 201 and r.json()["version"] == 2
    v2 = SurveyVersion.objects.get(survey_id=pk, number=2)
    assert v2.frozen and Survey.objects.get(pk=pk).current_id == v2.pk
    # Version 1 is unchanged by the new one.
    assert len(SurveyVersion.objects.get(survey_id=pk, number=1).definition["questions"]) == 12
    assert district_supervisor.api().post(f"/api/v1/surveys/{pk}/close").status_code == 200
    assert district_supervisor.api().post(f"/api/v1/surveys/{pk}/close").status_code == 409


def test_it_gives_the_form_to_members_of_the_subtree_only(
    personas, member_courier, district_supervisor, chaoyang, full_form
):
    pk = opened(district_supervisor, chaoyang, full_form)
    r = member_courier.api().get(f"/api/v1/surveys/{pk}/form")
    assert r.status_code == 200
    form = r.json()
    street = next(q for q in form["questions"] if q["name"] == "street")
    assert street["type"] == "select_one" and street["choice_filter"] == "district=${district}"
    assert [c["name"] for c in street["choices"]] == ["wj", "zgc"]
    assert Client().get(f"/api/v1/surveys/{pk}/form").status_code == 401
    assert _bearer("nonsense").get(f"/api/v1/surveys/{pk}/form").status_code == 401
    ((outside, token),) = workers(personas["outsider"].org, 1)
    assert _bearer(token).get(f"/api/v1/surveys/{pk}/form").status_code == 404


def test_it_stores_only_relevant_answers_once_per_member(
    member_courier, district_supervisor, chaoyang, full_form
):
    pk = opened(district_supervisor, chaoyang, full_form)
    url = f"/api/v1/surveys/{pk}/responses"
    client = member_courier.api()
    sent = GOOD | {"kinds": ["housing"], "other": "不该存", "phone": "13800000000"}
    r = client.post(url, {"answers": sent}, content_type="application/json")
    assert r.status_code == 201, r.content
    stored = r.json()["stored"]
    assert "kinds" not in stored and "other" not in stored  # has_need = no hides them
    assert stored["overtime"] == "no" and stored["phone"] == "13800000000"
    response = Response.objects.get(survey_id=pk)
    assert response.answers == stored and response.worker == member_courier.worker
    assert response.org_path.startswith(chaoyang.path)
    again = client.post(url, {"answers": sent}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    assert Response.objects.filter(survey_id=pk).count() == 1


def test_it_refuses_a_broken_constraint_with_422_and_stores_nothing(
    member_courier, district_supervisor, chaoyang, full_form
):
    pk = opened(district_supervisor, chaoyang, full_form)
    url = f"/api/v1/surveys/{pk}/responses"
    r = member_courier.api().post(
        url, {"answers": GOOD | {"age": 99}}, content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"]["age"] == ["年龄应在16到70之间"]
    r = member_courier.api().post(url, {"answers": {"age": 30}}, content_type="application/json")
    assert r.status_code == 422 and "district" in r.json()["errors"]
    assert not Response.objects.filter(survey_id=pk).exists()
    r = member_courier.api().post(url, "{bad json", content_type="application/json")
    assert r.status_code in (400, 422)


def test_it_refuses_answers_to_a_closed_or_draft_survey(
    member_courier, district_supervisor, chaoyang, full_form
):
    r = upload(district_supervisor, chaoyang, full_form)
    pk = r.json()["id"]
    url = f"/api/v1/surveys/{pk}/responses"
    assert (
        member_courier.api()
        .post(url, {"answers": GOOD}, content_type="application/json")
        .status_code
        == 404
    )


def test_it_keeps_anonymous_answers_apart_from_who_answered(
    member_courier, district_supervisor, chaoyang, wangjing
):
    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES), anonymous=True)
    r = member_courier.api().post(
        f"/api/v1/surveys/{pk}/responses",
        {"answers": {"ok": "no", "why": "太远"}},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert not Response.objects.filter(survey_id=pk).exists()
    answer = AnonymousResponse.objects.get(survey_id=pk)
    assert answer.answers == {"ok": "no", "why": "太远"}
    assert answer.org_path == wangjing.path  # street level at most
    assert Participation.objects.filter(survey_id=pk, worker=member_courier.worker).exists()
    second = member_courier.api().post(
        f"/api/v1/surveys/{pk}/responses",
        {"answers": {"ok": "yes"}},
        content_type="application/json",
    )
    assert second.status_code == 409 and second.json()["code"] == "already_answered"


def test_it_has_no_column_that_joins_anonymous_answers_to_people():
    answer_cols = {f.column for f in AnonymousResponse._meta.concrete_fields}
    part_cols = {f.column for f in Participation._meta.concrete_fields}
    assert answer_cols == {
        "id",
        "survey_id",
        "version_id",
        "org_path",
        "answers",
        "possible_machine",
        "submitted_on",
    }
    assert part_cols == {"id", "survey_id", "worker_id"}
    # Only the survey is shared; keys are random UUIDs (no sequence to line up).
    assert answer_cols & part_cols == {"id", "survey_id"}
    assert AnonymousResponse._meta.pk.get_internal_type() == "UUIDField"
    assert Participation._meta.pk.get_internal_type() == "UUIDField"
    assert AnonymousResponse._meta.get_field("submitted_on").get_internal_type() == "DateField"
    # No foreign key from either table points at the other or at a person's answers.
    related = {f.related_model for f in AnonymousResponse._meta.concrete_fields if f.is_relation}
    assert {m._meta.label for m in related} == {"surveys.Survey", "surveys.SurveyVersion"}


def test_it_suppresses_result_cells_under_five(
    district_supervisor, street_handler, outsider, chaoyang, wangjing
):
    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES))
    people = workers(wangjing, 7)
    for i, (_w, token) in enumerate(people):
        answers = {"ok": "yes"} if i < 5 else {"ok": "no", "why": "排队久"}
        r = _bearer(token).post(
            f"/api/v1/surveys/{pk}/responses", {"answers": answers}, content_type="application/json"
        )
        assert r.status_code == 201
    body = district_supervisor.api().get(f"/api/v1/surveys/{pk}/results").json()
    assert body["responses"] == 7
    ok = next(q for q in body["questions"] if q["name"] == "ok")
    assert ok["counts"] == {"yes": 5, "no": None}
    assert "ok:no" in body["suppressed"]
    why = next(q for q in body["questions"] if q["name"] == "why")
    assert sorted(why["texts"]) == ["排队久", "排队久"]
    filtered = (
        district_supervisor.api().get(f"/api/v1/surveys/{pk}/results?org={wangjing.pk}").json()
    )
    assert filtered["responses"] == 7
    # The street handler cannot see a district's survey; the outsider cannot filter by it.
    assert street_handler.api().get(f"/api/v1/surveys/{pk}/results").status_code == 404
    assert outsider.api().get(f"/api/v1/surveys/{pk}/results").status_code == 404
    other = district_supervisor.api().get(f"/api/v1/surveys/{pk}/results?org={outsider.org.pk}")
    assert other.status_code == 404


def test_it_exports_versions_merged_with_stable_columns(district_supervisor, chaoyang, wangjing):
    v1 = make_xlsx(
        [
            ["select_multiple k", "kinds", "需求", "", "", "", "yes", "", ""],
            ["text", "note", "备注", "", "", "", "", "", ""],
        ],
        [["k", "housing", "住房", ""], ["k", "training", "培训", ""], ["k", "care", "托育", ""]],
    )
    v2 = make_xlsx(
        [
            ["select_multiple k", "kinds", "需求", "", "", "", "yes", "", ""],
            ["integer", "age", "年龄", "", "", "", "", "", ""],
            ["text", "note", "备注", "", "", "", "", "", ""],
        ],
        [["k", "housing", "住房", ""], ["k", "care", "托育", ""]],  # 培训 removed
    )
    pk = opened(district_supervisor, chaoyang, v1)
    (a, ta), (b, tb) = workers(wangjing, 2)
    url = f"/api/v1/surveys/{pk}/responses"
    _bearer(ta).post(
        url,
        {"answers": {"kinds": ["training", "care"], "note": "=1+1"}},
        content_type="application/json",
    )
    assert upload(district_supervisor, chaoyang, v2, survey_id=pk).status_code == 201
    r = _bearer(tb).post(
        url, {"answers": {"kinds": ["care"], "age": 40}}, content_type="application/json"
    )
    assert r.status_code == 201
    xlsx = district_supervisor.api().get(f"/api/v1/surveys/{pk}/export.xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content))["答卷"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[5:] == ["kinds/housing", "kinds/training", "kinds/care", "note", "age"]
    first, second = (dict(zip(header, row, strict=True)) for row in rows[1:])
    assert first["版本"] == 1 and second["版本"] == 2
    assert (first["kinds/training"], first["kinds/care"], first["note"]) == (1, 1, "=1+1")
    # Text that looks like a formula stays text (core's quote prefix, as Excel stores it).
    note = ws.cell(row=2, column=header.index("note") + 1)
    assert (note.data_type, note.quotePrefix) == ("s", True)
    assert (second["kinds/training"], second["kinds/care"], second["age"]) == (0, 1, 40)


def test_it_answers_public_links_by_signed_token_and_flags_machines(district_supervisor, chaoyang):
    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES), audience="public")
    r = district_supervisor.api().post(
        f"/api/v1/surveys/{pk}/distributions", {"label": "海报"}, content_type="application/json"
    )
    assert r.status_code == 201
    token = r.json()["token"]
    anon = Client()
    form = anon.get(f"/api/v1/surveys/{pk}/form?t={token}")
    assert form.status_code == 200
    url = f"/api/v1/surveys/{pk}/responses?t={token}"
    fast = anon.post(
        url,
        {"answers": {"ok": "yes"}, "started": form.json()["started"]},
        content_type="application/json",
    )
    assert fast.status_code == 201
    slow_start = signing.dumps(time.time() - 30, salt=services.STARTED_SALT)
    anon.post(
        url, {"answers": {"ok": "no"}, "started": slow_start}, content_type="application/json"
    )
    flags = dict(
        Response.objects.filter(survey_id=pk).values_list("answers__ok", "possible_machine")
    )
    assert flags == {"yes": True, "no": False}
    assert anon.get(f"/api/v1/surveys/{pk}/form?t={token}x").status_code == 404
    forged = signing.dumps({"s": pk + 1, "d": 1}, salt=services.TOKEN_SALT, compress=True)
    assert anon.get(f"/api/v1/surveys/{pk}/form?t={forged}").status_code == 404


def test_it_throttles_a_public_link_per_address(district_supervisor, chaoyang, monkeypatch):
    monkeypatch.setattr(services, "PUBLIC_PER_MINUTE", 3)
    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES), audience="public")
    token = (
        district_supervisor.api()
        .post(f"/api/v1/surveys/{pk}/distributions", {}, content_type="application/json")
        .json()["token"]
    )
    url = f"/api/v1/surveys/{pk}/responses?t={token}"
    codes = [
        Client().post(url, {"answers": {"ok": "yes"}}, content_type="application/json").status_code
        for _ in range(services.PUBLIC_PER_MINUTE + 1)
    ]
    assert codes.count(201) == services.PUBLIC_PER_MINUTE and codes[-1] == 429


def test_it_reminds_members_who_have_not_answered_once_a_day(
    district_supervisor, chaoyang, wangjing
):
    from gonghui.core.models import OutboxMessage

    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES))
    people = workers(wangjing, 3)
    _bearer(people[0][1]).post(
        f"/api/v1/surveys/{pk}/responses",
        {"answers": {"ok": "yes"}},
        content_type="application/json",
    )
    before = OutboxMessage.objects.count()
    r = district_supervisor.api().post(f"/api/v1/surveys/{pk}/remind")
    assert r.status_code == 200 and r.json()["sent"] >= 2
    texted = set(OutboxMessage.objects.order_by("pk")[before:].values_list("to", flat=True))
    assert people[1][0].phone in texted and people[2][0].phone in texted
    assert people[0][0].phone not in texted
    again = district_supervisor.api().post(f"/api/v1/surveys/{pk}/remind")
    assert again.status_code == 409 and again.json()["code"] == "already_reminded"


def test_it_prints_a_poster_of_a_public_link(district_supervisor, outsider, chaoyang):
    from gonghui.surveys.models import Distribution

    pk = opened(district_supervisor, chaoyang, make_xlsx(SIMPLE, SIMPLE_CHOICES), audience="public")
    page = district_supervisor.browser().post(
        f"/console/surveys/{pk}/", {"action": "link", "label": "食堂"}
    )
    assert page.status_code == 200 and "poster" in page.content.decode()
    dist = Distribution.objects.get(survey_id=pk)
    pdf = district_supervisor.browser().get(f"/console/surveys/{pk}/poster/{dist.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert outsider.browser().get(f"/console/surveys/{pk}/poster/{dist.pk}.pdf").status_code == 404


def test_it_keeps_the_result_counts_equal_to_a_recount(
    member_courier, district_supervisor, chaoyang, wangjing, full_form
):
    from gonghui.surveys import tallies
    from gonghui.surveys.models import SurveyTally

    pk = opened(district_supervisor, chaoyang, full_form)
    people = workers(wangjing, 6)
    for i, (_w, token) in enumerate(people):
        answers = GOOD | {
            "has_need": "yes",
            "kinds": ["housing", "other"][: 1 + i % 2],
            "other": "x",
            "age": 20 + i,
            "prio": ["rest", "pay", "safety"] if i % 2 else ["pay", "rest", "safety"],
        }
        r = _bearer(token).post(
            f"/api/v1/surveys/{pk}/responses", {"answers": answers}, content_type="application/json"
        )
        assert r.status_code == 201, r.content

    def snapshot():
        return sorted(
            SurveyTally.objects.filter(survey_id=pk).values_list(
                "org_path", "question", "value", "n"
            )
        )

    kept = snapshot()
    assert any(q == "prio" and v == "rest" and n == 3 for _p, q, v, n in kept)  # first places
    tallies.rebuild(Survey.objects.select_related("current").get(pk=pk))
    assert snapshot() == kept
    body = district_supervisor.api().get(f"/api/v1/surveys/{pk}/results").json()
    assert body["responses"] == 6
    kinds = next(q for q in body["questions"] if q["name"] == "kinds")
    assert kinds["counts"]["housing"] == 6 and kinds["counts"]["other"] is None
