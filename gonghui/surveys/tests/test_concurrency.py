"""Two simultaneous submits by one member store one answer sheet (PostgreSQL, two real
connections): the unique constraints decide, for identified and anonymous surveys."""

import pytest

from gonghui.appeals.tests.conftest import _base_rows_back, concurrent_db, in_threads  # noqa: F401
from gonghui.core.errors import Conflict
from gonghui.core.testing import load_personas
from gonghui.surveys import services
from gonghui.surveys.models import AnonymousResponse, Participation, Response, Survey
from gonghui.surveys.testing import make_member, make_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

FORM = make_xlsx(
    [["select_one yn", "ok", "满意吗", "", "", "", "yes", "", ""]],
    [["yn", "yes", "满意", ""], ["yn", "no", "不满意", ""]],
)


def _open_survey(anonymous: bool) -> tuple[Survey, object]:
    personas = load_personas()
    actor = personas["district_supervisor"]
    survey, _v = services.import_xlsform(actor.user, actor.org, FORM, "f.xlsx", anonymous=anonymous)
    services.set_survey_status(actor.user, survey.pk, "open")
    worker = personas["courier"].worker
    make_member(worker, personas["street_handler"].org, 7001)
    return Survey.objects.select_related("current", "org").get(pk=survey.pk), worker


@pytest.mark.parametrize("anonymous", [False, True])
def test_it_stores_one_answer_when_one_member_submits_twice_at_once(
    concurrent_db,  # noqa: F811
    in_threads,  # noqa: F811
    anonymous,
):
    survey, worker = _open_survey(anonymous)
    results = in_threads(
        lambda: services.submit(survey, {"ok": "yes"}, worker=worker),
        lambda: services.submit(survey, {"ok": "no"}, worker=worker),
    ).results()
    stored = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert refused[0].code == "already_answered"
    if anonymous:
        assert AnonymousResponse.objects.filter(survey=survey).count() == 1
        assert Participation.objects.filter(survey=survey).count() == 1
    else:
        assert Response.objects.filter(survey=survey).count() == 1
