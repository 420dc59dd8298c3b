"""Workflow steps become API routes from the table, each with its refusals documented."""

from gonghui.api import api
from gonghui.appeals import services as appeal_services
from gonghui.appeals import workflow as appeal_workflow
from gonghui.warnings import workflow as warning_workflow


def _posts() -> dict[str, dict]:
    spec = api.get_openapi_schema()
    return {path: ops["post"] for path, ops in spec["paths"].items() if "post" in ops}


def test_it_registers_every_staff_step_of_the_warning_table_with_its_refusals():
    posts = _posts()
    for action in warning_workflow.WORKFLOW.actions:
        op = posts[f"/api/v1/warnings/{{warning_id}}/{action}"]
        # The steps' own answers, plus the edge's refusals every operation documents.
        assert {int(s) for s in op["responses"]} >= {200, 401, 403, 404, 409, 422}
        assert op["operationId"] == f"gonghui_warnings_api_warning_{action}"


def test_it_registers_the_appeal_actions_but_not_the_workers_evaluation():
    posts = _posts()
    staff_steps = [a for a in appeal_workflow.WORKFLOW.actions if a in appeal_services.ACTIONS]
    assert "extension/approve" in staff_steps and "evaluate" not in staff_steps
    for action in staff_steps:
        op = posts[f"/api/v1/appeals/{{appeal_id}}/{action}"]
        assert {int(s) for s in op["responses"]} >= {403, 404, 409, 422}
        # The body stays optional: accept needs nothing, dispatch needs org_id.
        assert op["requestBody"].get("required", False) is False
    assert "/api/v1/appeals/{appeal_id}/evaluate" not in posts
