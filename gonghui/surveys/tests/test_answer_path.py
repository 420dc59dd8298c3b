"""The answer path stays lean: three statements per answer sheet (the worker's token
with their union, the survey, one write of the sheet, its result cells and audit row),
and that one write is all or nothing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.core.models import AuditLog
from gonghui.surveys import templates_xlsx
from gonghui.surveys.models import AnonymousResponse, Participation, Response, SurveyTally
from gonghui.surveys.tests.conftest import opened, workers
from gonghui.surveys.tests.test_surveys_api import GOOD


def _statements(ctx) -> list[str]:
    # The test's own transaction turns the write into a savepoint pair; production has none.
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("anonymous", [False, True])
def test_it_answers_in_three_statements(district_supervisor, chaoyang, wangjing, anonymous):
    pk = opened(district_supervisor, chaoyang, templates_xlsx.build("needs"), anonymous=anonymous)
    ((worker, token),) = workers(wangjing, 1)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(
            f"/api/v1/surveys/{pk}/responses", {"answers": GOOD}, content_type="application/json"
        )
    assert r.status_code == 201, r.content
    statements = _statements(ctx)
    assert len(statements) == 3, statements
    model = AnonymousResponse if anonymous else Response
    sheet = model.objects.get(survey_id=pk)
    assert sheet.answers == r.json()["stored"]
    cells = dict(SurveyTally.objects.filter(survey_id=pk, question="age").values_list("value", "n"))
    assert cells == {"30": 1}
    if anonymous:
        assert sheet.org_path == "/".join(wangjing.path.split("/")[:4]) + "/"
        assert Participation.objects.filter(survey_id=pk, worker=worker).count() == 1
        row = AuditLog.objects.get(action="surveys.answered_anonymously")
        assert (row.actor_id, row.actor_label, row.object_id) == (None, "", str(pk))
    else:
        assert (sheet.worker, sheet.org_id, sheet.org_path) == (worker, wangjing.pk, wangjing.path)
        row = AuditLog.objects.get(action="surveys.answered")
        assert (row.object_type, row.object_id) == ("surveys.response", str(sheet.pk))
        assert row.actor_label == f"worker:{worker.pk}" and row.org_path == chaoyang.path


def test_a_second_answer_stores_nothing_not_even_counts(district_supervisor, chaoyang, wangjing):
    pk = opened(district_supervisor, chaoyang, templates_xlsx.build("needs"), anonymous=True)
    ((_worker, token),) = workers(wangjing, 1)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/surveys/{pk}/responses"
    assert client.post(url, {"answers": GOOD}, content_type="application/json").status_code == 201
    again = client.post(url, {"answers": GOOD}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    assert AnonymousResponse.objects.filter(survey_id=pk).count() == 1
    total = SurveyTally.objects.get(survey_id=pk, question="", value="")
    assert total.n == 1
    assert AuditLog.objects.filter(action="surveys.answered_anonymously").count() == 1


def test_a_revoked_or_unknown_bearer_is_refused(district_supervisor, chaoyang, wangjing):
    from django.utils import timezone

    from gonghui.accounts.models import AccessToken

    pk = opened(district_supervisor, chaoyang, templates_xlsx.build("needs"))
    ((worker, token),) = workers(wangjing, 1)
    AccessToken.objects.filter(worker=worker).update(revoked_at=timezone.now())
    for raw in (token, "nonsense"):
        r = Client(headers={"Authorization": f"Bearer {raw}"}).post(
            f"/api/v1/surveys/{pk}/responses", {"answers": GOOD}, content_type="application/json"
        )
        assert r.status_code == 401
    assert not Response.objects.exists()
