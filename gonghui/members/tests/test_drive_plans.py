"""Drive plans (区级工会加强年) created and edited in the staff console: the service's
validation and transaction, and who may do it (supervisors and admins at or above the
org; a handler 403, an outsider 404)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.members import drives, services
from gonghui.members.drives import TaskInput
from gonghui.members.models import DrivePlan, DriveTask

pytestmark = pytest.mark.django_db

STAFF = ("street_handler", "district_supervisor", "city_admin", "outsider")


def _task(number=1, *, metric="manual", target=10, title="走访职工", owner="办公室", id=None):
    return TaskInput(id=id, number=number, title=title, metric=metric, target=target, owner=owner)


def _plan(personas, org, tasks=None, **kw) -> DrivePlan:
    return drives.save_drive_plan(
        actor=personas["district_supervisor"].user,
        org=org,
        title=kw.get("title", "2026年加强年"),
        starts_on=kw.get("starts_on", date(2026, 1, 1)),
        ends_on=kw.get("ends_on", date(2026, 12, 31)),
        tasks=tasks if tasks is not None else [_task(1, metric="new_members"), _task(2)],
        plan=kw.get("plan"),
    )


def _form(org, title="望京加强年", rows=()):
    data = {
        "title": title,
        "org": org.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "rows": len(rows),
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"task-{i}-{key}"] = value
    return data


ROWS = [
    {
        "number": "1",
        "title": "发展会员",
        "metric": "new_members",
        "target": "500",
        "owner": "组织部",
    },
    {"number": "2", "title": "送温暖走访", "metric": "manual", "target": "40", "owner": "保障部"},
]


def test_a_supervisor_creates_a_plan_with_tasks_and_it_is_audited(personas, chaoyang):
    plan = _plan(personas, chaoyang)
    assert plan.org == chaoyang
    assert list(plan.tasks.values_list("number", "metric")) == [(1, "new_members"), (2, "manual")]
    log = AuditLog.objects.get(action="drive.plan_create")
    assert log.detail["tasks"] == 2


def test_editing_adds_changes_removes_and_swaps_numbers_keeping_reports(personas, chaoyang):
    plan = _plan(personas, chaoyang)
    one, two = plan.tasks.order_by("number")
    DriveTask.objects.filter(pk=two.pk).update(reported=7)
    _plan(
        personas,
        chaoyang,
        plan=plan,
        title="改名后的计划",
        tasks=[
            _task(1, id=two.pk, title="送温暖", target=50),
            _task(3, metric="worker_meetings", title="职工沟通会"),
        ],
    )
    plan.refresh_from_db()
    assert plan.title == "改名后的计划"
    tasks = list(plan.tasks.order_by("number"))
    assert [(t.number, t.title, t.target) for t in tasks] == [
        (1, "送温暖", 50),
        (3, "职工沟通会", 10),
    ]
    assert tasks[0].pk == two.pk and tasks[0].reported == 7
    assert not DriveTask.objects.filter(pk=one.pk).exists()
    assert AuditLog.objects.filter(action="drive.plan_update").count() == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 1)}, "invalid_period"),
        ({"ends_on": None}, "dates_required"),
        ({"tasks": []}, "no_tasks"),
        ({"tasks": [_task(1), _task(1)]}, "duplicate_number"),
        ({"tasks": [_task(None)]}, "invalid_number"),
        ({"tasks": [_task(1, target=0)]}, "invalid_target"),
        ({"tasks": [_task(1, target=None)]}, "invalid_target"),
        ({"tasks": [_task(1, metric="nope")]}, "invalid_metric"),
        ({"tasks": [_task(1, title="")]}, "title_required"),
        ({"tasks": [_task(1, owner=" ")]}, "owner_required"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_stored(personas, chaoyang, kw, code):
    with pytest.raises(ValidationError) as exc:
        _plan(personas, chaoyang, **kw)
    assert exc.value.code == code
    assert not DrivePlan.objects.exists()
    assert not DriveTask.objects.exists()


def test_a_failed_edit_leaves_the_plan_as_it_was(personas, chaoyang):
    plan = _plan(personas, chaoyang)
    other = _plan(personas, chaoyang, title="另一个计划")
    stranger = other.tasks.first()
    with pytest.raises(ValidationError) as exc:
        _plan(personas, chaoyang, plan=plan, title="不应保存", tasks=[_task(1, id=stranger.pk)])
    assert exc.value.code == "unknown_task"
    plan.refresh_from_db()
    assert plan.title == "2026年加强年"
    assert plan.tasks.count() == 2


def test_plans_belong_to_city_district_or_street_and_need_a_planner(personas, wangjing):
    from gonghui.orgs.services import create_org

    union = create_org(name="望京某公司工会", kind="grassroots", parent=wangjing)
    with pytest.raises(ValidationError) as exc:
        _plan(personas, union)
    assert exc.value.code == "invalid_org"
    with pytest.raises(services.Forbidden):
        drives.save_drive_plan(
            actor=personas["street_handler"].user,
            org=wangjing,
            title="t",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
            tasks=[_task(1)],
        )
    assert not DrivePlan.objects.exists()
    orgs = set(drives.planning_orgs(personas["district_supervisor"].user))
    assert wangjing in orgs and wangjing.parent in orgs and union not in orgs
    assert not drives.planning_orgs(personas["street_handler"].user).exists()


def test_new_plan_page_matrix(personas):
    check_matrix(
        personas,
        lambda p: p.browser().get("/console/members/drives/new/"),
        {
            "street_handler": 403,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 403,
        },
    )


def test_create_plan_matrix(personas, wangjing):
    check_matrix(
        personas,
        lambda p: p.browser().post(
            "/console/members/drives/new/", _form(wangjing, title=f"{p.name}的计划", rows=ROWS)
        ),
        {
            "street_handler": 403,
            "district_supervisor": 302,
            "city_admin": 302,
            "outsider": 403,
        },
    )
    titles = set(DrivePlan.objects.values_list("title", flat=True))
    assert titles == {"district_supervisor的计划", "city_admin的计划"}
    assert all(p.tasks.count() == 2 for p in DrivePlan.objects.all())


def test_a_supervisor_cannot_create_a_plan_outside_their_district(personas):
    from gonghui.orgs.models import Org

    zhongguancun = Org.objects.get(admin_code="110108011")
    r = (
        personas["district_supervisor"]
        .browser()
        .post("/console/members/drives/new/", _form(zhongguancun, rows=ROWS))
    )
    assert r.status_code == 200
    assert "请选择您负责的组织单位" in r.content.decode()
    assert not DrivePlan.objects.exists()


def test_edit_plan_matrix(personas, wangjing):
    plan = _plan(personas, wangjing)
    url = f"/console/members/drives/{plan.pk}/edit/"
    expected = {
        "street_handler": 403,
        "district_supervisor": 200,
        "city_admin": 200,
        "outsider": 404,
    }
    check_matrix(personas, lambda p: p.browser().get(url), expected)
    task = plan.tasks.order_by("number").first()
    rows = [{"id": str(task.pk), **ROWS[0]}]
    check_matrix(
        personas,
        lambda p: p.browser().post(url, _form(wangjing, title=f"{p.name}改", rows=rows)),
        {**expected, "district_supervisor": 302, "city_admin": 302},
    )
    plan.refresh_from_db()
    assert plan.title == "city_admin改"
    assert list(plan.tasks.values_list("pk", flat=True)) == [task.pk]


def test_the_form_shows_a_clear_message_and_stores_nothing(personas, wangjing):
    bad = [{**ROWS[0], "target": "0"}, ROWS[1]]
    r = (
        personas["district_supervisor"]
        .browser()
        .post("/console/members/drives/new/", _form(wangjing, rows=bad))
    )
    assert r.status_code == 200
    assert "目标须为大于0的整数" in r.content.decode()
    assert "望京加强年" in r.content.decode()  # what was typed is kept
    assert not DrivePlan.objects.exists()


def test_the_drives_page_shows_the_buttons_only_to_planners(personas, wangjing):
    _plan(personas, wangjing)
    sup = personas["district_supervisor"].browser().get("/console/members/drives/").content
    handler = personas["street_handler"].browser().get("/console/members/drives/").content
    assert "新建计划" in sup.decode() and "/edit/" in sup.decode()
    assert "新建计划" not in handler.decode() and "/edit/" not in handler.decode()
    assert "2026年加强年" in handler.decode()
