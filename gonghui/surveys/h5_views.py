"""The H5 page a worker answers a survey on (360 px phones): signed in for a members'
survey, or through a public link's ``?t=`` token. Which questions show is asked of the
server (the same evaluator as the submit), so the page never disagrees with the check."""

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.accounts.worker_session import _to_sign_in, current_worker
from gonghui.core.audit import client_ip
from gonghui.core.errors import ServiceError, validation_payload
from gonghui.surveys import forms, services


def _respondent(request: HttpRequest, survey_id: int):
    token = request.GET.get("t") or None
    worker = None if token else current_worker(request)
    if token is None and worker is None:
        return None
    survey, dist = services.survey_for_respondent(survey_id, worker=worker, token=token)
    return survey, dist, worker, token


def answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    found = _respondent(request, survey_id)
    if found is None:
        return _to_sign_in(request)
    survey, _dist, _worker, token = found
    definition = survey.current.definition
    shown = set(forms.visible_questions(definition, {})["visible"])
    questions = []
    for q in definition["questions"]:
        if q["type"] == "calculate":
            continue
        item = dict(q)
        item["choices"] = definition["choices"].get(q.get("list", ""), [])
        item["hidden"] = q["name"] not in shown
        if q["type"] == "rating":
            item["scale"] = range(1, int(q.get("max", 5)) + 1)
        questions.append(item)
    suffix = f"?t={token}" if token else ""
    return render(
        request,
        "surveys/h5/answer.html",
        {
            "title": survey.title,
            "anonymous": survey.anonymous,
            "questions": questions,
            "started": services.started_token(),
            "submit_url": reverse("surveys_h5:submit", args=[survey.pk]) + suffix,
            "visible_url": reverse("surveys_h5:visible", args=[survey.pk]) + suffix,
        },
    )


def _body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    return data if isinstance(data, dict) else {}


@require_POST
def visible(request: HttpRequest, survey_id: int) -> JsonResponse:
    found = _respondent(request, survey_id)
    if found is None:
        raise Http404
    answers = _body(request).get("answers", {})
    return JsonResponse(forms.visible_questions(found[0].current.definition, answers))


@require_POST
def submit(request: HttpRequest, survey_id: int) -> JsonResponse:
    found = _respondent(request, survey_id)
    if found is None:
        raise Http404
    survey, dist, worker, _token = found
    body = _body(request)
    try:
        stored = services.submit(
            survey,
            body.get("answers", {}),
            worker=worker,
            distribution=dist,
            started=body.get("started"),
            ip=client_ip(request),
        )
    except ValidationError as exc:
        return JsonResponse(validation_payload(exc), status=422)
    except ServiceError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status)
    return JsonResponse({"stored": stored}, status=201)
