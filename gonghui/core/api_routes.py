"""API routes for a case type's workflow steps, registered from its transition table.

Every case type answers ``POST /{id}/{action}`` the same way: fetch the case with
permission (404 outside scope), run the service (409 for a status that does not allow
the step, 403 for a role that does not, 422 for bad input), and return the case. The
routes and their documented responses come from the ``Workflow`` table, so a step added
to the table is a route, with no view written for it.
"""

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from ninja import Router, Schema

from gonghui.core.workflow import SYSTEM, WORKER, Workflow


class ErrorOut(Schema):
    """Every API error: a Chinese ``detail`` (English in the ``en`` locale), a stable
    ``code`` for programs, and per-field ``errors`` where a schema refused the body."""

    detail: str
    code: str
    errors: Any = None


ERROR_STATUSES = (401, 403, 404, 409, 422)


def register_transitions(
    router: Router,
    workflow: Workflow,
    *,
    get: Callable[[Any, int], Any],
    act: Callable[..., Any],
    respond: Callable[[Any, str, Any], Any],
    response: type,
    payload: type[Schema] | None,
    payload_required: bool = True,
    auth: Any,
    id_name: str = "pk",
    prefix: str = "",
    actions: Iterable[str] | None = None,
    summary: str = "Step: {action}",
    name: str | None = None,
) -> list[str]:
    """Register ``POST <prefix>/{<id_name>}/<action>`` on ``router`` for each staff step.

    ``prefix`` (e.g. ``"/applications"``) lets one router hold several case types'
    steps (members: join applications and transfers).

    ``get(principal, pk)`` fetches with permission (404), ``act(case, action, actor=,
    request=, **payload)`` is the service, ``respond(request, action, case)`` makes the
    body. ``actions`` defaults to the table's staff steps (worker and system steps have
    their own entry points). Returns the actions registered."""
    if actions is None:
        actions = [tr.action for tr in workflow.transitions if tr.where not in (WORKER, SYSTEM)]
    actions = list(actions)
    responses: dict[int, Any] = {200: response}
    responses.update({status: ErrorOut for status in ERROR_STATUSES})
    for action in actions:
        workflow[action]  # an action the table does not have is a mistake in the caller
        view = _view(
            action,
            get=get,
            act=act,
            respond=respond,
            id_name=id_name,
            payload=payload,
            payload_required=payload_required,
        )
        view.__name__ = f"{name or workflow.name}_{action.replace('/', '_')}"
        # The operation id (module + name) stays that of the app's own api module.
        view.__module__ = respond.__module__
        router.post(
            f"{prefix}/{{int:{id_name}}}/{action}",
            response=responses,
            auth=auth,
            summary=summary.format(action=action),
        )(view)
    return actions


def _view(action, *, get, act, respond, id_name, payload, payload_required):
    def view(request, **kwargs):
        case = get(request.auth, kwargs[id_name])
        body = kwargs.get("payload")
        data = body.dict(exclude_none=True) if body is not None else {}
        case = act(case, action, actor=request.auth, request=request, **data)
        return respond(request, action, case)

    # ninja reads the parameters from the signature: the path id, then the body.
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int),
    ]
    if payload is not None:
        params.append(
            inspect.Parameter(
                "payload",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=payload if payload_required else payload | None,
                **({} if payload_required else {"default": None}),
            )
        )
    view.__signature__ = inspect.Signature(params)
    return view
