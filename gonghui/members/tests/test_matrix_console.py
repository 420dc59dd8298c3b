"""The permission matrix of every members console page for the five staff personas and a
worker (who has no console account and is sent to the login page).

The records belong to 望京 (朝阳区): the street handler decides, the district supervisor
oversees (sees, does not decide), the city admin sees everything, the city dispatcher
(12351 desk) sees the city's subtree but holds no deciding role, the 海淀 outsider gets
404 on each record. Console steps answer with a redirect and a message either way, so
each step's matrix is followed by what it changed.
"""

from datetime import date

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.members import drives, services
from gonghui.members.drives import TaskInput
from gonghui.members.models import FoundingCase, JoinApplication, Member, Transfer
from gonghui.members.testing import make_id_number
from gonghui.orgs.services import create_enterprise

pytestmark = pytest.mark.django_db

STAFF = ("street_handler", "district_supervisor", "city_admin", "dispatcher", "outsider")
PERSONAS = ("courier", *STAFF)
# A list page: every staff member opens it (the outsider's is empty), the worker logs in.
LIST_PAGE = {
    "courier": 302,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}
# A 望京 record's page.
RECORD_PAGE = {**LIST_PAGE, "outsider": 404}
# A step on a 望京 record: a redirect with a message, 404 outside the scope.
STEP = {name: 302 for name in LIST_PAGE} | {"outsider": 404}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


@pytest.fixture
def apply(wangjing, mobile_union, make_worker):
    counter = iter(range(300, 400))

    def apply() -> JoinApplication:
        n = next(counter)
        worker, _client = make_worker(f"137{n:08d}")
        return services.submit_application(
            services.JoinRequest(
                name="王五",
                id_number=make_id_number(n),
                job_type="other",
                street_id=wangjing.pk,
                declaration=True,
                privacy_consent=True,
            ),
            worker=worker,
        )

    return apply


@pytest.fixture
def member(apply, street_handler) -> Member:
    return services.approve_application(apply(), actor=street_handler.user)


def _per_persona(make):
    return {name: make() for name in PERSONAS}


def test_the_application_queue_and_an_application(everyone, apply):
    app = apply()
    check_matrix(everyone, lambda p: p.console().get("/console/members/"), LIST_PAGE)
    queued = {
        name: [a.pk for a in everyone[name].console().get("/console/members/").context["page"]]
        for name in STAFF
    }
    assert queued == {
        "street_handler": [app.pk],
        "district_supervisor": [app.pk],
        "city_admin": [app.pk],
        "dispatcher": [app.pk],
        "outsider": [],
    }
    check_matrix(
        everyone,
        lambda p: p.console().get(f"/console/members/applications/{app.pk}/"),
        RECORD_PAGE,
    )


def test_approving_in_the_console(everyone, apply):
    apps = _per_persona(apply)
    check_matrix(
        everyone,
        lambda p: p.console().post(f"/console/members/applications/{apps[p.name].pk}/approve/"),
        STEP,
    )
    statuses = {n: JoinApplication.objects.get(pk=a.pk).status for n, a in apps.items()}
    assert statuses == {
        "courier": "pending",
        "street_handler": "approved",
        "district_supervisor": "pending",  # oversees, does not decide
        "city_admin": "approved",
        "dispatcher": "pending",
        "outsider": "pending",
    }


def test_member_search_and_steps(everyone, apply, street_handler):
    members = {
        name: services.approve_application(apply(), actor=street_handler.user) for name in PERSONAS
    }
    check_matrix(
        everyone, lambda p: p.console().get("/console/members/search/", {"q": "王五"}), LIST_PAGE
    )
    found = everyone["outsider"].console().get("/console/members/search/", {"q": "王五"})
    assert list(found.context["rows"]) == []
    page = everyone["street_handler"].console().get("/console/members/search/", {"q": "王五"})
    number = members["street_handler"].id_number
    # A list shows the masked number only: no birth date, gender digit or check digit.
    assert page.context["rows"] and number not in page.content.decode()
    assert number[:3] + "*" * 11 + number[14:16] + "**" in page.content.decode()
    check_matrix(
        everyone,
        lambda p: p.console().post(
            f"/console/members/{members[p.name].pk}/lapse/", {"note": "欠缴会费"}
        ),
        STEP,
    )
    statuses = {n: Member.objects.get(pk=m.pk).status for n, m in members.items()}
    assert statuses == {
        "courier": "active",
        "street_handler": "lapsed",
        "district_supervisor": "active",
        "city_admin": "lapsed",
        "dispatcher": "active",
        "outsider": "active",
    }


def test_transfers_in_the_console(everyone, apply, street_handler, unionised_employer):
    target = unionised_employer.union

    def open_transfer():
        member = services.approve_application(apply(), actor=street_handler.user)
        return services.request_transfer(member, to_org=target, requested_by="worker:1")

    transfers = _per_persona(open_transfer)
    check_matrix(everyone, lambda p: p.console().get("/console/members/transfers/"), LIST_PAGE)
    listed = everyone["outsider"].console().get("/console/members/transfers/").context["rows"]
    assert listed == []
    check_matrix(
        everyone,
        lambda p: p.console().post(f"/console/members/transfers/{transfers[p.name].pk}/release/"),
        STEP,
    )
    statuses = {n: Transfer.objects.get(pk=t.pk).status for n, t in transfers.items()}
    assert statuses == {
        "courier": "requested",
        "street_handler": "released",
        "district_supervisor": "requested",
        "city_admin": "released",
        "dispatcher": "requested",
        "outsider": "requested",
    }


def test_roster_import_template_and_export(everyone, member):
    check_matrix(everyone, lambda p: p.console().get("/console/members/import/"), LIST_PAGE)
    check_matrix(
        everyone, lambda p: p.console().get("/console/members/import/template.xlsx"), LIST_PAGE
    )
    check_matrix(everyone, lambda p: p.console().get("/console/members/export.xlsx"), LIST_PAGE)
    # Another district's roster is out of the outsider's scope.
    wangjing = member.org.pk
    check_matrix(
        everyone,
        lambda p: p.console().get("/console/members/export.xlsx", {"org": wangjing}),
        RECORD_PAGE,
    )


def test_organising_pages(everyone, wangjing, street_handler):
    firms = {
        name: create_enterprise(name=f"望京某物流有限公司{i}", uscc=make_uscc(i), street=wangjing)
        for i, name in enumerate(PERSONAS)
    }
    check_matrix(everyone, lambda p: p.console().get("/console/members/organising/"), LIST_PAGE)
    check_matrix(
        everyone,
        lambda p: p.console().post(
            "/console/members/organising/open/",
            {"enterprise": firms[p.name].pk, "owner": "张组织"},
        ),
        {
            "courier": 302,
            "street_handler": 302,
            "district_supervisor": 302,
            "city_admin": 302,
            "dispatcher": 302,
            "outsider": 404,
        },
    )
    opened = set(FoundingCase.objects.values_list("enterprise__name", flat=True))
    # Organisers (handler, supervisor, admin) open cases; the dispatcher does not organise.
    assert opened == {
        firms[n].name for n in ("street_handler", "district_supervisor", "city_admin")
    }
    case = FoundingCase.objects.get(enterprise=firms["street_handler"])
    check_matrix(
        everyone, lambda p: p.console().get(f"/console/members/organising/{case.pk}/"), RECORD_PAGE
    )
    check_matrix(everyone, lambda p: p.console().get("/console/members/meetings/"), LIST_PAGE)


def test_drive_pages_and_progress_reports(everyone, wangjing, district_supervisor):
    plan = drives.save_drive_plan(
        actor=district_supervisor.user,
        org=wangjing,
        title="2026年望京加强年",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        tasks=[
            TaskInput(
                id=None, number=1, title="走访职工", metric="manual", target=10, owner="办公室"
            )
        ],
    )
    task = plan.tasks.get()
    check_matrix(everyone, lambda p: p.console().get("/console/members/drives/"), LIST_PAGE)
    values = {name: i + 1 for i, name in enumerate(PERSONAS)}
    reported = {}

    def report(p):
        response = p.console().post(
            f"/console/members/drives/tasks/{task.pk}/report/", {"value": values[p.name]}
        )
        task.refresh_from_db()
        reported[p.name] = task.reported
        return response

    check_matrix(everyone, report, STEP)
    # Each organiser's report lands; the dispatcher's and outsider's do not.
    assert reported["street_handler"] == values["street_handler"]
    assert reported["district_supervisor"] == values["district_supervisor"]
    assert reported["city_admin"] == values["city_admin"]
    assert reported["dispatcher"] == values["city_admin"]
    assert reported["outsider"] == values["city_admin"]


def test_statistics_page(everyone, member):
    check_matrix(everyone, lambda p: p.console().get("/console/members/stats/"), LIST_PAGE)
    check_matrix(
        everyone,
        lambda p: p.console().get("/console/members/stats/", {"org": member.org.pk}),
        RECORD_PAGE,
    )


def make_uscc(i: int) -> str:
    """A valid unified social credit code, different for each ``i``."""
    from stdnum.cn import uscc

    body = "91110105" + f"MA0{i:06d}"
    return body + uscc.calc_check_digit(body)
