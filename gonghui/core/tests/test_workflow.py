"""The one workflow module: status checks (409), role checks (403), allowed steps."""

from dataclasses import dataclass

import pytest

from gonghui.core import workflow as wf
from gonghui.core.errors import Conflict, Forbidden, UnknownAction
from gonghui.orgs.choices import Role


@dataclass
class Case:
    status: str
    org: object


FLOW = wf.Workflow(
    name="test-case",
    transitions=[
        wf.t("accept", {"new"}, "open", {Role.HANDLER}, "org", "签收"),
        wf.t("supervise", {"new", "open"}, None, {Role.SUPERVISOR}, "org", "督办", above=True),
        wf.t("withdraw", {"new"}, "withdrawn", (), wf.WORKER, "撤回"),
    ],
    orgs={"org": lambda case: case.org},
)


def test_it_refuses_a_step_the_status_does_not_allow_with_409(street_handler):
    with pytest.raises(Conflict) as exc:
        FLOW.check(Case("open", street_handler.org), "accept", street_handler.user)
    assert exc.value.status == 409 and exc.value.code == "invalid_transition"


def test_it_refuses_a_role_that_may_not_take_the_step_with_403(district_supervisor):
    with pytest.raises(Forbidden):
        FLOW.check(Case("new", district_supervisor.org), "accept", district_supervisor.user)


def test_it_needs_the_role_strictly_above_for_supervision(street_handler, district_supervisor):
    street_case = Case("open", street_handler.org)
    assert FLOW.check(street_case, "supervise", district_supervisor.user).action == "supervise"
    with pytest.raises(Forbidden):
        FLOW.check(Case("open", district_supervisor.org), "supervise", district_supervisor.user)


def test_it_lists_only_the_steps_the_actor_may_take(street_handler, district_supervisor):
    case = Case("new", street_handler.org)
    assert [t.action for t in FLOW.allowed(case, street_handler.user)] == ["accept"]
    assert [t.action for t in FLOW.allowed(case, district_supervisor.user)] == ["supervise"]


def test_it_answers_an_unknown_step_with_404():
    with pytest.raises(UnknownAction) as exc:
        FLOW["fly"]
    assert exc.value.status == 404


def test_it_refuses_a_table_with_an_unknown_org_name():
    with pytest.raises(ValueError):
        wf.Workflow(
            name="broken",
            transitions=[wf.t("go", {"a"}, "b", {Role.ADMIN}, "nowhere", "go")],
            orgs={},
        )
