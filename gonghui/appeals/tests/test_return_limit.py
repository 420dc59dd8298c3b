"""首接负责: after two returns the handling org keeps the appeal unless a supervisor decides."""

import json

import pytest
from django.contrib.auth import get_user_model

from gonghui.accounts.services import issue_staff_token
from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.core.testing import Persona
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role

pytestmark = pytest.mark.django_db


def post(persona: Persona, appeal: Appeal, action: str, **body):
    return persona.api().post(
        f"/api/v1/appeals/{appeal.pk}/{action}", json.dumps(body), content_type="application/json"
    )


def staff(username: str, role: str, org: Org) -> Persona:
    user = get_user_model().objects.create_user(username)
    grant_role(user=user, org=org, role=role)
    token, _expires = issue_staff_token(user)
    return Persona(username, user=user, org=org, _token=token)


@pytest.fixture
def twice_returned(personas, unionised_employer):
    """An appeal 望京 has returned twice and the city has dispatched to it a third time."""
    handler, admin = personas["street_handler"], personas["city_admin"]
    appeal, _created = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone="13912345678",
            employer_uscc=unionised_employer.uscc,
        )
    )
    for n in (1, 2):
        returned = post(handler, appeal, "return", reason=f"不属于本街道（第{n}次）")
        assert returned.status_code == 200, returned.content
        assert returned.json()["return_count"] == n
        assert returned.json()["status"] == "received"
        assert post(admin, appeal, "dispatch", org_id=handler.org.pk).status_code == 200
    appeal.refresh_from_db()
    assert (appeal.status, appeal.return_count) == ("dispatched", 2)
    return appeal


def _unchanged(appeal: Appeal, before: dict, events: int) -> None:
    appeal.refresh_from_db()
    assert {f: getattr(appeal, f) for f in before} == before
    assert appeal.events.count() == events


def test_it_refuses_a_third_return_by_the_handler_with_409(twice_returned, personas):
    handler = personas["street_handler"]
    dispatcher = staff("p-wangjing-dispatcher", "dispatcher", handler.org)
    before = {"status": "dispatched", "return_count": 2, "assigned_org_id": handler.org.pk}
    events = twice_returned.events.count()
    for persona in (handler, dispatcher):
        response = post(persona, twice_returned, "return", reason="还是不归我们管")
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "return_limit"
        _unchanged(twice_returned, before, events)
    # The handling org can still do its job.
    assert post(handler, twice_returned, "accept").json()["status"] == "accepted"


@pytest.mark.parametrize("where", ["assigned", "above"])
def test_it_lets_a_supervisor_at_or_above_the_handling_org_decide_a_third_return(
    twice_returned, personas, where
):
    supervisor = (
        personas["district_supervisor"]
        if where == "above"
        else staff("p-wangjing-leader", "supervisor", personas["street_handler"].org)
    )
    response = post(supervisor, twice_returned, "return", reason="经研究确属市级事项，退回重派")
    assert response.status_code == 200, response.content
    assert response.json()["return_count"] == 3
    twice_returned.refresh_from_db()
    assert (twice_returned.status, twice_returned.assigned_org) == ("received", None)
    event = twice_returned.events.last()
    assert (event.action, event.actor, event.to_status) == ("return", supervisor.user, "received")


def test_it_keeps_supervisors_of_other_districts_and_early_returns_out(
    twice_returned, personas, unionised_employer
):
    haidian = staff("p-haidian-leader", "supervisor", Org.objects.get(admin_code="110108"))
    events = twice_returned.events.count()
    assert post(haidian, twice_returned, "return", reason="退回").status_code == 404
    with pytest.raises(services.Forbidden):
        services.act(twice_returned, "return", actor=haidian.user, reason="退回")
    _unchanged(twice_returned, {"status": "dispatched", "return_count": 2}, events)

    # Before the limit a return is the handling org's call, not a supervisor's.
    fresh, _created = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone="13912345679",
            employer_uscc=unionised_employer.uscc,
        )
    )
    response = post(personas["district_supervisor"], fresh, "return", reason="退回")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_role"
    _unchanged(fresh, {"status": "dispatched", "return_count": 0}, fresh.events.count())
