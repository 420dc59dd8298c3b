"""The permission matrix of every survey and needs route: staff see and act on their org
subtree only (404 outside it), a worker's token is refused on staff routes (401) and a
worker never reaches a console page (302 to the sign-in)."""

from datetime import date, timedelta

import pytest
from django.test import Client

from gonghui.appeals.services import Intake, create_appeal
from gonghui.core.testing import check_matrix
from gonghui.surveys import services
from gonghui.surveys.choices import Audience
from gonghui.surveys.models import Need, Survey
from gonghui.surveys.testing import make_xlsx

FORM = make_xlsx(
    [["select_one yn", "ok", "满意吗", "", "", "", "yes", "", ""]],
    [["yn", "yes", "满意", ""], ["yn", "no", "不满意", ""]],
    settings={"form_title": "望京满意度矩阵测试"},
)
SCOPED = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404}
API = SCOPED | {"courier": 401}
CONSOLE = SCOPED | {"courier": 302}
EVERY_STAFF = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200}


def _console(persona, url, method="get", data=None):
    """A console request as the persona; a worker has no console account, so anonymous."""
    client = Client() if persona.worker is not None else persona.browser()
    return getattr(client, method)(url, data or {})


def _survey(street_handler, wangjing, *, audience=Audience.MEMBERS, open_it=True) -> Survey:
    survey, _v = services.import_xlsform(
        street_handler.user, wangjing, FORM, "form.xlsx", anonymous=False, audience=audience
    )
    if open_it:
        services.set_survey_status(street_handler.user, survey.pk, "open")
    return survey


@pytest.fixture
def survey(street_handler, wangjing):
    return _survey(street_handler, wangjing, audience=Audience.PUBLIC)


@pytest.fixture
def need(street_handler, wangjing):
    return services.create_need(
        street_handler.user,
        wangjing,
        title="望京矩阵测试需求",
        due=date.today() + timedelta(days=5),
    )


def test_it_scopes_the_survey_api_reads(personas, survey):
    for suffix in ("", "/results", "/export.xlsx"):
        check_matrix(
            personas, lambda p, s=suffix: p.api().get(f"/api/v1/surveys/{survey.pk}{s}"), API
        )
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/surveys"),
        EVERY_STAFF | {"outsider": 200, "courier": 401},
    )
    assert personas["outsider"].api().get("/api/v1/surveys").json() == []
    listed = personas["district_supervisor"].api().get("/api/v1/surveys").json()
    assert [s["id"] for s in listed] == [survey.pk]


def test_it_scopes_opening_closing_and_reminding(personas, street_handler, wangjing):
    def fresh(p, action):
        s = _survey(street_handler, wangjing, open_it=action != "open")
        return p.api().post(f"/api/v1/surveys/{s.pk}/{action}")

    for action in ("open", "close"):
        check_matrix(personas, lambda p, a=action: fresh(p, a), API)
    check_matrix(personas, lambda p: fresh(p, "remind"), API)
    # The outsider's refused steps changed nothing.
    assert not Survey.objects.filter(status="draft", opened_at__isnull=False).exists()


def test_it_scopes_public_links(personas, survey):
    check_matrix(
        personas,
        lambda p: p.api().post(
            f"/api/v1/surveys/{survey.pk}/distributions",
            {"label": "海报"},
            content_type="application/json",
        ),
        {k: (201 if v == 200 else v) for k, v in API.items()},
    )
    assert survey.distributions.count() == 3


def test_it_scopes_the_needs_lists(personas, need):
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/needs"),
        EVERY_STAFF | {"outsider": 200, "courier": 401},
    )
    assert personas["outsider"].api().get("/api/v1/needs").json()["count"] == 0
    assert personas["street_handler"].api().get("/api/v1/needs").json()["count"] == 1
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/needs/stats"),
        EVERY_STAFF | {"outsider": 200, "courier": 401},
    )
    assert personas["outsider"].api().get("/api/v1/needs/stats").json() == []
    check_matrix(
        personas,
        lambda p: _console(p, "/console/surveys/needs/"),
        EVERY_STAFF | {"outsider": 200, "courier": 302},
    )
    assert (
        need.title not in _console(personas["outsider"], "/console/surveys/needs/").content.decode()
    )
    assert (
        need.title
        in _console(personas["street_handler"], "/console/surveys/needs/").content.decode()
    )


def test_it_scopes_the_console_survey_pages(personas, survey, street_handler):
    dist = services.create_distribution(street_handler.user, survey, "海报")
    check_matrix(personas, lambda p: _console(p, f"/console/surveys/{survey.pk}/"), CONSOLE)
    check_matrix(
        personas,
        lambda p: _console(p, f"/console/surveys/{survey.pk}/poster/{dist.pk}.pdf"),
        CONSOLE,
    )
    check_matrix(
        personas,
        lambda p: _console(p, "/console/surveys/"),
        EVERY_STAFF | {"outsider": 200, "courier": 302},
    )
    assert survey.title not in _console(personas["outsider"], "/console/surveys/").content.decode()
    check_matrix(
        personas,
        lambda p: _console(p, "/console/surveys/templates/satisfaction.xlsx"),
        EVERY_STAFF | {"outsider": 200, "courier": 302},
    )


def test_it_refuses_an_import_into_an_org_out_of_scope(personas, wangjing):
    def post(p):
        return _console(
            p,
            "/console/surveys/",
            "post",
            {"org_id": wangjing.pk, "file": _upload(), "audience": "members"},
        )

    check_matrix(
        personas,
        post,
        {"street_handler": 302, "district_supervisor": 302, "outsider": 200, "courier": 302},
    )
    assert Survey.objects.filter(org=wangjing).count() == 2
    # An audience the form does not offer is refused, not stored as a survey nobody can open.
    bad = _console(
        personas["street_handler"],
        "/console/surveys/",
        "post",
        {"org_id": wangjing.pk, "file": _upload(), "audience": "everyone"},
    )
    assert bad.status_code == 200 and Survey.objects.filter(org=wangjing).count() == 2


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("form.xlsx", FORM)


def test_it_scopes_turning_an_appeal_into_a_need(personas, wangjing):
    appeal, _ = create_appeal(
        Intake(text="希望园区增设充电桩，电动车经常没电", phone="13600003333")
    )
    appeal.assigned_org = wangjing
    appeal.save(update_fields=["assigned_org"])
    url = f"/console/surveys/needs/from-appeal/{appeal.pk}/"
    check_matrix(
        personas,
        lambda p: _console(p, url, "post"),
        {"outsider": 404, "courier": 302, "street_handler": 302, "district_supervisor": 302},
    )
    assert Need.objects.filter(appeal=appeal).count() == 1


def test_it_scopes_turning_an_answer_into_a_need(personas, street_handler, wangjing):
    from gonghui.surveys.tests.conftest import workers

    survey = _survey(street_handler, wangjing)
    ((_w, token),) = workers(wangjing, 1)
    Client(headers={"Authorization": f"Bearer {token}"}).post(
        f"/api/v1/surveys/{survey.pk}/responses",
        {"answers": {"ok": "no"}},
        content_type="application/json",
    )
    response = survey.responses.get()
    page = _console(street_handler, f"/console/surveys/{survey.pk}/").content.decode()
    assert f'data-testid="to-need-{response.pk}"' in page
    url = f"/console/surveys/answers/{response.pk}/to-need/"
    check_matrix(
        personas,
        lambda p: _console(p, url, "post"),
        {"outsider": 404, "courier": 302, "street_handler": 302},
    )
    need = Need.objects.get(response=response)
    assert (need.org, need.source) == (wangjing, "survey")
    assert need.title == "问卷反映：满意吗：不满意"
    # The answer now links to its need instead of offering the button again.
    page = _console(street_handler, f"/console/surveys/{survey.pk}/").content.decode()
    assert f'data-testid="to-need-{response.pk}"' not in page and f"#need-{need.pk}" in page


def test_the_needs_page_shows_each_needs_loop(street_handler, wangjing):
    need = services.create_need(
        street_handler.user, wangjing, title="闭环展示", due=date.today() + timedelta(days=3)
    )
    services.act_on_need(street_handler.user, need.pk, "assign", assignee="行政部")
    services.act_on_need(street_handler.user, need.pk, "reply", reply="已解决")
    page = _console(street_handler, "/console/surveys/needs/")
    loop = dict(
        (step["label"], step["done"])
        for n, steps in page.context["rows"]
        if n.pk == need.pk
        for step in steps
    )
    assert loop == {"登记": True, "交办": True, "答复职工": True, "职工确认": False, "办结": False}
    assert "答复：已解决" in page.content.decode()
