"""Birth date and gender give a masked ID number back, so they appear only beside the full
number: in a detail view, to operator, dispatcher and handler roles, audited. Per role,
over the API, the console pages and the roster export."""

import io

import pytest
from openpyxl import load_workbook

from gonghui.core.models import AuditLog
from gonghui.members import services
from gonghui.members.models import JoinApplication
from gonghui.members.testing import make_id_number

pytestmark = pytest.mark.django_db

# The handler of 望京 needs them; the supervisor and the admin oversee and do not.
FULL = {"street_handler"}
MASKED = {"district_supervisor", "city_admin"}


@pytest.fixture
def application(wangjing, mobile_union, make_worker) -> JoinApplication:
    worker, _client = make_worker("13900000777")
    return services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="李四",
            id_number=make_id_number(777),
            job_type="other",
            street_id=wangjing.pk,
        ),
        worker=worker,
    )


def _views(app_or_member) -> int:
    return AuditLog.objects.filter(
        action="pii.view", object_id=str(app_or_member.pk), detail__field="id_number"
    ).count()


def test_the_api_detail_shows_them_with_the_full_number_to_roles_that_need_them(
    personas, application
):
    url = f"/api/v1/members/applications/{application.pk}"
    for name in FULL:
        body = personas[name].api().get(url).json()
        assert body["id_number"] == application.id_number
        assert body["gender"] == application.gender
        assert body["birth_date"] == application.birth_date.isoformat()
    assert _views(application) == len(FULL)  # each full view is audited
    for name in MASKED:
        body = personas[name].api().get(url).json()
        assert body["id_number"] != application.id_number and "*" in body["id_number"]
        assert body["gender"] is None and body["birth_date"] is None
    assert _views(application) == len(FULL)
    assert personas["outsider"].api().get(url).status_code == 404


def test_api_lists_never_show_them(personas, application):
    member = services.approve_application(application, actor=personas["street_handler"].user)
    for name in FULL | MASKED:
        client = personas[name].api()
        (app_row,) = [
            r
            for r in client.get("/api/v1/members/applications").json()["results"]
            if r["id"] == application.pk
        ]
        (member_row,) = client.get("/api/v1/members", {"q": member.member_number}).json()["results"]
        for row in (app_row, member_row):
            assert "*" in row["id_number"], name
            assert row["gender"] is None and row["birth_date"] is None, name
    detail = personas["street_handler"].api().get(f"/api/v1/members/{member.pk}").json()
    assert detail["id_number"] == member.id_number
    assert detail["birth_date"] == member.birth_date.isoformat()
    masked = personas["district_supervisor"].api().get(f"/api/v1/members/{member.pk}").json()
    assert masked["birth_date"] is None and "*" in masked["id_number"]


def test_console_pages_show_them_only_beside_the_full_number(personas, application):
    birth = application.birth_date.strftime("%Y-%m-%d")
    app_url = f"/console/members/applications/{application.pk}/"
    handler = personas["street_handler"].browser()
    page = handler.get(app_url).content.decode()
    assert application.id_number in page and birth in page and "出生日期" in page
    for name in MASKED:
        page = personas[name].browser().get(app_url).content.decode()
        assert application.id_number not in page, name
        assert birth not in page and "出生日期" not in page, name
    # The queue shows neither, to anyone.
    queue = handler.get("/console/members/?tab=pending").content.decode()
    table = queue.split('data-testid="applications"')[1]
    assert f'data-testid="application-{application.pk}"' in table
    assert str(application.birth_date.year) not in table

    member = services.approve_application(application, actor=personas["street_handler"].user)
    member_url = f"/console/members/{member.pk}/"
    page = handler.get(member_url).content.decode()
    assert member.id_number in page and birth in page
    for name in MASKED:
        page = personas[name].browser().get(member_url).content.decode()
        assert member.id_number not in page and birth not in page, name


def test_the_roster_export_shows_neither_to_anyone(personas, application):
    member = services.approve_application(application, actor=personas["street_handler"].user)
    for name in FULL | MASKED:
        response = personas[name].browser().get("/console/members/export.xlsx")
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert "出生日期" not in rows[0] and "性别" not in rows[0], name
        text = str(rows)
        assert member.member_number in text, name
        assert member.id_number not in text and member.birth_date.isoformat() not in text, name
