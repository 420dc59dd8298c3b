"""The health-check API under /api/v1/rights/ (mounted in ``gonghui/api.py`` beside the
mediation router): the current indicator tree, checks, answers, steps, follow-ups, the
report PDF and the coverage figures."""

from datetime import date, datetime

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import staff_user_auth
from gonghui.core.api_routes import ERROR_STATUSES, ErrorOut, register_transitions
from gonghui.orgs import access as org_access
from gonghui.rights.health import access, documents, services, stats
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.choices import CheckStatus
from gonghui.rights.health.models import HealthCheck
from gonghui.rights.health.workflow import HEALTH_CHECK, label

router = Router(tags=["rights"])
ERRORS = {status: ErrorOut for status in ERROR_STATUSES}


class ArticleRef(Schema):
    source: str
    article: int


class CheckOut(Schema):
    id: str
    text: str
    weight: int
    severity: str
    articles: list[ArticleRef]


class ItemOut(Schema):
    id: str
    name: str
    checks: list[CheckOut]


class AreaOut(Schema):
    id: str
    name: str
    items: list[ItemOut]


class ChecklistOut(Schema):
    version: str
    title: str
    areas: list[AreaOut]
    risk_rules: list[dict]


def tree_out(tree: dict) -> dict:
    return {
        "version": tree["version"],
        "title": tree["title"],
        "risk_rules": tree.get("risk_rules", []),
        "areas": [
            {
                "id": a["id"],
                "name": a["name"],
                "items": [
                    {
                        "id": i["id"],
                        "name": i["name"],
                        "checks": [
                            {
                                "id": c["id"],
                                "text": c["text"],
                                "weight": int(c.get("weight", 1)),
                                "severity": c.get("severity", "normal"),
                                "articles": c.get("articles", []),
                            }
                            for c in i["checks"]
                        ],
                    }
                    for i in a["items"]
                ],
            }
            for a in tree["areas"]
        ],
    }


@router.get(
    "/checklists/current",
    response={200: ChecklistOut, **ERRORS},
    auth=staff_user_auth,
    summary="The current health-check indicator tree",
)
def current_checklist(request):
    return tree_out(services.current_checklist().tree)


class CreateIn(Schema):
    enterprise_id: int
    chair_name: str = Field("", max_length=40)


class Created(Schema):
    id: int
    status: str


class AnswerOut(Schema):
    check_id: str
    result: str
    note: str
    stage: str
    evidence: bool


class FindingOut(Schema):
    id: int
    check_id: str
    text: str
    advice: str
    articles: list[ArticleRef]
    due: date
    status: str
    owner: str
    overdue: bool
    follow_ups: list[dict]


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    actor: str
    note: str


class HealthCheckOut(Schema):
    id: int
    status: str
    status_label: str
    enterprise: dict
    street: dict
    district: dict
    year: int
    checklist_version: str
    score: float | None
    risk: str
    created_at: datetime


class HealthCheckDetail(HealthCheckOut):
    answers: list[AnswerOut]
    areas: list[dict]
    findings: list[FindingOut]
    actions: list[str]
    self_assessment_url: str | None
    timeline: list[EventOut]


class HealthCheckList(Schema):
    count: int
    results: list[HealthCheckOut]


def check_out(hc: HealthCheck) -> dict:
    return {
        "id": hc.pk,
        "status": hc.status,
        "status_label": str(CheckStatus(hc.status).label),
        "enterprise": {"id": hc.enterprise_id, "name": hc.enterprise.name},
        "street": {"id": hc.street_id, "name": hc.street.name},
        "district": {"id": hc.district_id, "name": hc.district.name},
        "year": hc.year,
        "checklist_version": hc.checklist.version,
        "score": float(hc.score) if hc.score is not None else None,
        "risk": hc.risk,
        "created_at": hc.created_at,
    }


def detail_out(request, hc: HealthCheck) -> dict:
    checks = cl.by_id(hc.checklist.tree)
    today = timezone.localdate()
    url = None
    if hc.status == CheckStatus.SELF_ASSESSMENT:
        url = request.build_absolute_uri(
            reverse("rights_h5:health_check", args=[services.link_token(hc)])
        )
    return {
        **check_out(hc),
        "answers": [
            {
                "check_id": a.check_id,
                "result": a.result,
                "note": a.note,
                "stage": a.stage,
                "evidence": bool(a.evidence),
            }
            for a in hc.answers.order_by("check_id")
        ],
        "areas": [
            {**a, "score": float(a["score"]) if a["score"] is not None else None}
            for a in cl.area_scores(hc.checklist.tree, services.results_of(hc))
        ],
        "findings": [
            {
                "id": f.pk,
                "check_id": f.check_id,
                "text": f.text,
                "advice": f.advice,
                "articles": checks.get(f.check_id, {}).get("articles", []),
                "due": f.due,
                "status": f.status,
                "owner": f.owner.get_username() if f.owner else "",
                "overdue": f.status == "open" and f.due < today,
                "follow_ups": [
                    {"visited_on": v.visited_on, "note": v.note, "closed": v.closed}
                    for v in f.follow_ups.all()
                ],
            }
            for f in hc.findings.select_related("owner").prefetch_related("follow_ups")
        ],
        "actions": [t.action for t in HEALTH_CHECK.allowed(hc, request.auth)],
        "self_assessment_url": url,
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "label": label(e.action),
                "actor": e.actor_label,
                "note": e.note,
            }
            for e in hc.events.all()
        ],
    }


@router.post(
    "/health-checks",
    response={201: Created, **ERRORS},
    auth=staff_user_auth,
    summary="Start a legal health check of an enterprise",
)
def create_health_check(request, payload: CreateIn):
    from gonghui.rights import validation as v

    try:
        enterprise = access.get_enterprise_for(request.auth, payload.enterprise_id)
    except Exception as exc:  # Http404: unknown or outside the scope is bad input
        raise v.invalid(
            "enterprise_id", _("用人单位不存在或不在您的辖区内。"), "invalid_enterprise"
        ) from exc
    hc = services.create(
        enterprise, actor=request.auth, chair_name=payload.chair_name, request=request
    )
    return HttpStatus(201, {"id": hc.pk, "status": hc.status})


class ListFilter(Schema):
    status: CheckStatus | None = None
    org: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    page: int = Field(1, ge=1, le=10000)


PAGE_SIZE = 50


@router.get(
    "/health-checks",
    response={200: HealthCheckList, **ERRORS},
    auth=staff_user_auth,
    summary="Legal health checks in scope",
)
def list_health_checks(request, filters: Query[ListFilter]):
    qs = (
        access.visible_health_checks(request.auth)
        .select_related("enterprise", "street", "district", "checklist")
        .defer("street__boundary", "district__boundary")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.org:
        org = org_access.get_org_for(request.auth, filters.org)
        qs = qs.filter(org_path__startswith=org.path)
    start = (filters.page - 1) * PAGE_SIZE
    return {"count": qs.count(), "results": [check_out(h) for h in qs[start : start + PAGE_SIZE]]}


class CoverageFilter(Schema):
    org: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


def coverage_org(principal, org_id: int | None):
    if org_id:
        return org_access.get_org_for(principal, org_id)
    root = org_access.visible_orgs(principal).defer("boundary").order_by("path").first()
    if root is None:
        raise Http404
    return root


@router.get(
    "/health-checks/coverage",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="Health-check coverage of an org and year",
)
def health_check_coverage(request, filters: Query[CoverageFilter]):
    org = coverage_org(request.auth, filters.org)
    return stats.coverage(org, filters.year or timezone.localdate().year)


@router.get(
    "/health-checks/{int:check_id}",
    response={200: HealthCheckDetail, **ERRORS},
    auth=staff_user_auth,
    summary="One health check with its score, risk and findings",
)
def get_health_check(request, check_id: int):
    return detail_out(request, access.get_health_check_for(request.auth, check_id))


class AnswerIn(Schema):
    check_id: str = Field(max_length=60)
    result: str = Field(max_length=5)
    note: str | None = Field(None, max_length=2000)


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(max_length=200)


@router.post(
    "/health-checks/{int:check_id}/answers",
    response={200: HealthCheckDetail, **ERRORS},
    auth=staff_user_auth,
    summary="Record answers for the stage the check is at",
)
def post_answers(request, check_id: int, payload: AnswersIn):
    hc = access.get_health_check_for(request.auth, check_id)
    services.save_answers(
        hc, [a.dict() for a in payload.answers], actor=request.auth, request=request
    )
    return detail_out(request, access.get_health_check_for(request.auth, check_id))


class FollowUpIn(Schema):
    note: str = Field(max_length=2000)
    closed: bool = False
    visited_on: date | None = None


@router.post(
    "/health-checks/{int:check_id}/findings/{int:finding_id}/follow-ups",
    response={201: HealthCheckDetail, **ERRORS},
    auth=staff_user_auth,
    summary="Record a follow-up visit to a finding",
)
def post_follow_up(request, check_id: int, finding_id: int, payload: FollowUpIn):
    hc = access.get_health_check_for(request.auth, check_id)
    finding = access.get_finding_for(request.auth, hc, finding_id)
    services.follow_up(
        finding,
        actor=request.auth,
        note=payload.note,
        closed=payload.closed,
        visited_on=payload.visited_on,
        request=request,
    )
    return HttpStatus(201, detail_out(request, access.get_health_check_for(request.auth, check_id)))


@router.get(
    "/health-checks/{int:check_id}/report.pdf",
    response={200: None, **ERRORS},
    auth=staff_user_auth,
    summary="The health-check report (PDF)",
)
def report_pdf(request, check_id: int):
    hc = access.get_health_check_for(request.auth, check_id)
    response = HttpResponse(documents.report_pdf(hc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="health-check-{hc.pk}.pdf"'
    return response


class StepIn(Schema):
    note: str | None = Field(None, max_length=2000)


def _respond(request, action, hc):
    return detail_out(request, access.get_health_check_for(request.auth, hc.pk))


# The steps' paths are relative to the router they go on: /health-checks/{id}/{action}.
steps_router = Router(tags=["rights"])
register_transitions(
    steps_router,
    HEALTH_CHECK,
    get=access.get_health_check_for,
    act=services.act,
    respond=_respond,
    response=HealthCheckDetail,
    payload=StepIn,
    payload_required=False,
    auth=staff_user_auth,
    id_name="check_id",
    summary="Health-check step: {action}",
)
router.add_router("/health-checks", steps_router)
