"""``/api/v1/surveys`` (XLSForm import, open/close, the form, answers, results, Excel
export) and ``/api/v1/needs`` (the needs list and its steps). The contract is issue 16's."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from gonghui.accounts.auth import staff_auth, staff_user_auth
from gonghui.core.api_routes import ErrorOut
from gonghui.core.audit import client_ip
from gonghui.core.errors import NotAuthenticated
from gonghui.orgs.access import get_org_for
from gonghui.surveys import export, forms, results, services, xlsform
from gonghui.surveys.access import get_need_for, get_survey_for, visible_needs, visible_surveys
from gonghui.surveys.choices import Audience, NeedStatus
from gonghui.surveys.models import Response
from gonghui.surveys.workflow import NEED_WORKFLOW

router = Router(tags=["surveys"])
needs_router = Router(tags=["needs"])


def _user(principal):
    return principal if hasattr(principal, "staff_roles") else None


def _worker_from_header(request):
    """The worker of a bearer token, None without one; a bad token is a 401 (not a
    silent anonymous answer)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, token = header.partition(" ")
    worker = services.worker_for_bearer(token.strip()) if scheme.lower() == "bearer" else None
    if worker is None:
        raise NotAuthenticated(_("请先登录或提供有效的令牌。"), code="not_authenticated")
    return worker


class Imported(Schema):
    id: int
    version: int
    questions: int


@router.post(
    "/import-xlsform",
    response={201: Imported, 422: dict},
    auth=staff_user_auth,
    summary="Import an XLSForm as a new survey (or a new version of survey_id)",
)
def import_form(
    request,
    file: File[UploadedFile],
    org_id: Form[int],
    anonymous: Form[bool] = False,
    audience: Form[Audience] = Audience.MEMBERS,
    survey_id: Form[int | None] = None,
):
    org = get_org_for(request.auth, org_id)
    survey = get_survey_for(request.auth, survey_id) if survey_id else None
    if file.size and file.size > xlsform.MAX_BYTES:
        data = b"x" * (xlsform.MAX_BYTES + 1)
    else:
        data = file.read()
    try:
        survey, version = services.import_xlsform(
            request.auth,
            org,
            data,
            file.name or "form.xlsx",
            anonymous=anonymous,
            survey=survey,
            audience=audience,
            request=request,
        )
    except xlsform.ImportErrors as exc:
        return 422, {
            "detail": _("表单中有不支持或有误的内容，请按所列位置修改。"),
            "code": "unsupported",
            "errors": exc.errors,
        }
    return 201, {
        "id": survey.pk,
        "version": version.number,
        "questions": len(version.definition["questions"]),
    }


class SurveyOut(Schema):
    id: int
    title: str
    org_id: int
    anonymous: bool
    audience: str
    status: str
    version: int | None


def survey_out(s) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "org_id": s.org_id,
        "anonymous": s.anonymous,
        "audience": s.audience,
        "status": s.status,
        "version": s.current.number if s.current else None,
    }


@router.get("", response=list[SurveyOut], auth=staff_auth, summary="Surveys in your scope")
def list_surveys(request, limit: int = Query(50, ge=1, le=200)):
    qs = visible_surveys(request.auth).select_related("current")[:limit]
    return [survey_out(s) for s in qs]


@router.get("/{survey_id}", response=SurveyOut, auth=staff_auth, summary="One survey")
def get_survey(request, survey_id: int):
    return survey_out(get_survey_for(request.auth, survey_id))


@router.post("/{survey_id}/open", response=SurveyOut, auth=staff_user_auth, summary="Open")
def open_survey(request, survey_id: int):
    return survey_out(services.set_survey_status(request.auth, survey_id, "open", request=request))


@router.post("/{survey_id}/close", response=SurveyOut, auth=staff_user_auth, summary="Close")
def close_survey(request, survey_id: int):
    return survey_out(services.set_survey_status(request.auth, survey_id, "close", request=request))


@router.post(
    "/{survey_id}/remind", auth=staff_user_auth, summary="Text members who have not answered"
)
def remind(request, survey_id: int):
    return {"sent": services.remind(request.auth, survey_id, request=request)}


class DistributionIn(Schema):
    label: str = Field("", max_length=100)


@router.post(
    "/{survey_id}/distributions",
    response={201: dict},
    auth=staff_user_auth,
    summary="A public link (signed token) for one channel",
)
def add_distribution(request, survey_id: int, payload: DistributionIn):
    survey = get_survey_for(request.auth, survey_id)
    if survey.audience != Audience.PUBLIC:
        from gonghui.core.errors import Conflict

        raise Conflict(_("只有公开链接问卷可以生成链接。"), code="not_public")
    dist = services.create_distribution(request.auth, survey, payload.label, request=request)
    token = services.distribution_token(dist)
    return 201, {"id": dist.pk, "token": token, "url": f"/h5/surveys/{survey.pk}/?t={token}"}


@router.get(
    "/{survey_id}/form",
    response={200: dict, 401: ErrorOut},
    auth=None,
    summary="The questions (worker bearer or ?t=)",
)
def get_form(request, survey_id: int, t: str = ""):
    worker = _worker_from_header(request)
    if not t and worker is None:
        raise NotAuthenticated(_("请先登录或提供有效的令牌。"), code="not_authenticated")
    survey, _dist = services.survey_for_respondent(survey_id, worker=worker, token=t or None)
    return {
        "id": survey.pk,
        "version": survey.current.number,
        "anonymous": survey.anonymous,
        **forms.form_out(survey.current.definition),
        "started": services.started_token(),
    }


class AnswersIn(Schema):
    answers: dict
    started: str | None = None


@router.post(
    "/{survey_id}/responses",
    response={201: dict, 401: ErrorOut},
    auth=None,
    summary="Answer (worker bearer or ?t=)",
)
def post_response(request, survey_id: int, payload: AnswersIn, t: str = ""):
    worker = _worker_from_header(request)
    if not t and worker is None:
        raise NotAuthenticated(_("请先登录或提供有效的令牌。"), code="not_authenticated")
    survey, dist = services.survey_for_respondent(survey_id, worker=worker, token=t or None)
    stored = services.submit(
        survey,
        payload.answers,
        worker=worker,
        distribution=dist,
        started=payload.started,
        ip=client_ip(request),
    )
    return 201, {"stored": stored}


@router.get(
    "/{survey_id}/results", auth=staff_auth, summary="Counts per question (cells < 5 hidden)"
)
def get_results(request, survey_id: int, org: int | None = None):
    survey = get_survey_for(request.auth, survey_id)
    path = None
    if org is not None:
        path = get_org_for(request.auth, org).path
        if survey.anonymous and len([p for p in path.split("/") if p]) > 3:
            raise ValidationError(
                _("匿名问卷的结果只能按街道及以上单位查看。"), code="too_fine_for_anonymous"
            )
    return results.results(survey, path)


@router.get("/{survey_id}/export.xlsx", auth=staff_auth, summary="Excel export, versions merged")
def get_export(request, survey_id: int):
    survey = get_survey_for(request.auth, survey_id)
    from gonghui.core import audit

    audit.record("surveys.exported", actor=_user(request.auth), obj=survey, request=request)
    response = HttpResponse(
        export.export_xlsx(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


# --- needs --------------------------------------------------------------------------


class NeedIn(Schema):
    org_id: int
    title: str = Field(..., max_length=200)
    detail: str = Field("", max_length=5000)
    due: date
    worker_phone: str | None = None
    appeal_id: int | None = None
    response_id: int | None = None


def need_out(n, actor=None) -> dict:
    return {
        "id": n.pk,
        "org_id": n.org_id,
        "title": n.title,
        "detail": n.detail,
        "due": n.due,
        "status": n.status,
        "source": n.source,
        "appeal_id": n.appeal_id,
        "response_id": n.response_id,
        "assignee": n.assignee,
        "reply": n.reply,
        "worker_word": n.worker_word,
        "unreachable_reason": n.unreachable_reason,
        "overdue": n.status != NeedStatus.CLOSED and n.due < date.today(),
        "actions": [tr.action for tr in NEED_WORKFLOW.allowed(n, actor)] if actor else [],
        "notes": [{"action": x.action, "text": x.text, "at": x.created_at} for x in n.notes.all()],
    }


@needs_router.post("", response={201: dict}, auth=staff_user_auth, summary="Record a need")
def create_need(request, payload: NeedIn):
    org = get_org_for(request.auth, payload.org_id)
    appeal = response = None
    if payload.appeal_id is not None:
        from gonghui.appeals.services import access_appeal

        appeal = access_appeal(request.auth, payload.appeal_id)
    if payload.response_id is not None:
        response = Response.objects.filter(
            pk=payload.response_id, survey__in=visible_surveys(request.auth)
        ).first()
        if response is None:
            raise Http404
    need = services.create_need(
        request.auth,
        org,
        title=payload.title,
        detail=payload.detail,
        due=payload.due,
        worker_phone=payload.worker_phone,
        appeal=appeal,
        response=response,
        request=request,
    )
    return 201, need_out(need, request.auth)


@needs_router.get("", auth=staff_auth, summary="Needs in your scope")
def list_needs(request, status: NeedStatus | None = None, limit: int = Query(50, ge=1, le=200)):
    qs = visible_needs(request.auth).prefetch_related("notes")
    if status:
        qs = qs.filter(status=status)
    return {"count": qs.count(), "results": [need_out(n) for n in qs[:limit]]}


@needs_router.get("/stats", auth=staff_auth, summary="Counts, overdue and closure rate per org")
def need_stats(request):
    from django.db.models import Count, Q

    today = date.today()
    rows = (
        visible_needs(request.auth)
        .values("org_id", "org__name")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(status=NeedStatus.CLOSED)),
            overdue=Count("id", filter=~Q(status=NeedStatus.CLOSED) & Q(due__lt=today)),
        )
        .order_by("-total")[:200]
    )
    return [
        {
            "org_id": r["org_id"],
            "org": r["org__name"],
            "total": r["total"],
            "closed": r["closed"],
            "overdue": r["overdue"],
            "closure_rate": round(r["closed"] / r["total"], 4) if r["total"] else None,
        }
        for r in rows
    ]


@needs_router.get("/{need_id}", auth=staff_auth, summary="One need with its notes")
def get_need(request, need_id: int):
    return need_out(get_need_for(request.auth, need_id), _user(request.auth))


class StepIn(Schema):
    note: str = Field("", max_length=2000)
    assignee: str = Field("", max_length=100)
    reply: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)


@needs_router.post("/{need_id}/{action}", auth=staff_user_auth, summary="A step of a need")
def need_step(request, need_id: int, action: str, payload: StepIn | None = None):
    NEED_WORKFLOW[action]  # 404 for a step the workflow does not have
    data = payload.dict() if payload else {}
    need = services.act_on_need(request.auth, need_id, action, request=request, **data)
    return need_out(need, request.auth)
