"""Quota cells (as LimeSurvey has): once a cell is full, answers that fall in it are
refused (409 quota_full) and others still come in; the last place goes to one answer
only, even when two arrive at once (PostgreSQL, two real connections)."""

import pytest
from django.test import Client

from gonghui.appeals.tests.conftest import _base_rows_back, concurrent_db, in_threads  # noqa: F401
from gonghui.core.errors import Conflict
from gonghui.core.testing import load_personas
from gonghui.surveys import services
from gonghui.surveys.models import Response, Survey, SurveyQuota, SurveyTally
from gonghui.surveys.testing import make_member, make_xlsx
from gonghui.surveys.tests.conftest import opened, workers

FORM = make_xlsx(
    [["select_one yn", "ok", "满意吗", "", "", "", "yes", "", ""]],
    [["yn", "yes", "满意", ""], ["yn", "no", "不满意", ""]],
)


def _answer(token, pk, value):
    return Client(headers={"Authorization": f"Bearer {token}"}).post(
        f"/api/v1/surveys/{pk}/responses",
        {"answers": {"ok": value}},
        content_type="application/json",
    )


def test_a_full_cell_refuses_its_answers_and_keeps_nothing(district_supervisor, chaoyang, wangjing):
    pk = opened(district_supervisor, chaoyang, FORM)
    survey = Survey.objects.get(pk=pk)
    page = district_supervisor.browser().post(
        f"/console/surveys/{pk}/", {"action": "quota", "question": "ok", "value": "yes", "cap": "2"}
    )
    assert page.status_code == 302
    services.set_quota(district_supervisor.user, survey, "", "", 4)
    people = workers(wangjing, 5)
    codes = [
        _answer(t, pk, v).status_code
        for (_w, t), v in zip(people, ["yes", "yes", "yes", "no", "no"], strict=True)
    ]
    assert codes == [201, 201, 409, 201, 201]  # the third "yes": its cell is full
    # Four sheets in all: the whole survey is full now, for "no" too.
    assert _answer(people[2][1], pk, "no").status_code == 409
    assert Response.objects.filter(survey_id=pk).count() == 4
    assert dict(SurveyQuota.objects.filter(survey_id=pk).values_list("value", "filled")) == {
        "yes": 2,
        "": 4,
    }
    # A refused answer counted nowhere.
    assert SurveyTally.objects.get(survey_id=pk, question="", value="").n == 4
    detail = district_supervisor.browser().get(f"/console/surveys/{pk}/").content.decode()
    assert "2 / 2" in detail and "4 / 4" in detail


def test_a_second_answer_gives_its_place_back(district_supervisor, chaoyang, wangjing):
    pk = opened(district_supervisor, chaoyang, FORM)
    services.set_quota(district_supervisor.user, Survey.objects.get(pk=pk), "ok", "yes", 5)
    ((_w, token),) = workers(wangjing, 1)
    assert _answer(token, pk, "yes").status_code == 201
    assert _answer(token, pk, "yes").status_code == 409
    assert SurveyQuota.objects.get(survey_id=pk).filled == 1


def test_it_refuses_a_quota_for_a_question_the_form_lacks(district_supervisor, chaoyang):
    pk = opened(district_supervisor, chaoyang, FORM)
    page = district_supervisor.browser().post(
        f"/console/surveys/{pk}/",
        {"action": "quota", "question": "nope", "value": "x", "cap": "3"},
        follow=True,
    )
    assert "问卷中没有这道题" in page.content.decode()
    assert not SurveyQuota.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_answer(concurrent_db, in_threads):  # noqa: F811
    personas = load_personas()
    actor = personas["district_supervisor"]
    survey, _v = services.import_xlsform(actor.user, actor.org, FORM, "f.xlsx", anonymous=False)
    services.set_survey_status(actor.user, survey.pk, "open")
    services.set_quota(actor.user, survey, "ok", "yes", 1)
    from gonghui.accounts.models import Worker

    people = []
    for i in range(2):
        w = Worker.objects.create(phone=f"1398888000{i}")
        make_member(w, personas["street_handler"].org, 8100 + i)
        people.append(w)
    survey = Survey.objects.select_related("current", "org").get(pk=survey.pk)
    results = in_threads(
        lambda: services.submit(survey, {"ok": "yes"}, worker=people[0]),
        lambda: services.submit(survey, {"ok": "yes"}, worker=people[1]),
    ).results()
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].code == "quota_full", results
    assert Response.objects.filter(survey=survey).count() == 1
    assert SurveyQuota.objects.get(survey=survey).filled == 1
