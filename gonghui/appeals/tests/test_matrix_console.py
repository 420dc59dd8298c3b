"""The permission matrix of the appeals console pages not covered by test_pages.py: the
callback queue, recording a callback and a workflow step taken from its form.

An appeal dispatched to 望京 (朝阳区) and resolved there; the persona set is the five
staff roles (with the city's 12351 dispatcher) and a worker, whom the console sends
to the login page.
"""

import pytest
from django.utils import timezone

from gonghui.appeals import services
from gonghui.appeals.models import Appeal, CallbackTask
from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

WANGJING = "110105026"
PERSONAS = (
    "courier",
    "street_handler",
    "district_supervisor",
    "city_admin",
    "dispatcher",
    "outsider",
)


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


def _dispatched(city_admin, n: int) -> Appeal:
    appeal, _ = services.create_appeal(
        services.Intake(text="公司已经三个月没有发工资了，老板一直拖着不给。", phone=f"139{n:08d}")
    )
    return services.act(
        appeal, "dispatch", actor=city_admin.user, org_id=Org.objects.get(admin_code=WANGJING).pk
    )


def _resolved(city_admin, street_handler, n: int) -> Appeal:
    appeal = _dispatched(city_admin, n)
    for action, data in (
        ("accept", {}),
        ("contact", {"note": "已联系"}),
        ("resolve", {"reply": "已协调单位补发工资。"}),
    ):
        appeal = services.act(appeal, action, actor=street_handler.user, **data)
    CallbackTask.objects.create(appeal=appeal, due_at=timezone.now())
    return appeal


def test_the_callback_queue_and_recording_a_callback(everyone, city_admin, street_handler):
    appeals = {name: _resolved(city_admin, street_handler, i) for i, name in enumerate(PERSONAS)}
    check_matrix(
        everyone,
        lambda p: p.console().get("/console/appeals/callbacks/"),
        {
            "courier": 302,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "dispatcher": 200,
            "outsider": 200,
        },
    )
    queue = everyone["outsider"].console().get("/console/appeals/callbacks/").context["page"]
    assert list(queue) == []
    check_matrix(
        everyone,
        lambda p: p.console().post(
            f"/console/appeals/callbacks/{appeals[p.name].pk}/",
            {"resolved": "1", "satisfaction": "satisfied"},
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
    statuses = {n: Appeal.objects.get(pk=a.pk).status for n, a in appeals.items()}
    assert statuses["outsider"] == "resolved" and statuses["courier"] == "resolved"
    assert statuses["street_handler"] == "resolved"  # the handler does not call back itself
    assert statuses["dispatcher"] == "closed"  # the 12351 desk does


def test_a_step_from_its_form(everyone, city_admin):
    appeals = {name: _dispatched(city_admin, 50 + i) for i, name in enumerate(PERSONAS)}
    check_matrix(
        everyone,
        lambda p: p.console().post(f"/console/appeals/{appeals[p.name].pk}/act/accept/"),
        {
            "courier": 302,
            "street_handler": 302,
            "district_supervisor": 403,
            "city_admin": 302,
            # A city dispatcher holds the handler steps only at its own org (core/workflow).
            "dispatcher": 403,
            "outsider": 404,
        },
    )
    statuses = {n: Appeal.objects.get(pk=a.pk).status for n, a in appeals.items()}
    assert statuses == {
        "courier": "dispatched",
        "street_handler": "accepted",
        "district_supervisor": "dispatched",
        "city_admin": "accepted",
        "dispatcher": "dispatched",
        "outsider": "dispatched",
    }
