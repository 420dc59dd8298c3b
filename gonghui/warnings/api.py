"""``/api/v1/warnings`` (scoped list, one warning, workflow steps) and
``/api/v1/appeals/hot-topics`` (the monthly hot topic)."""

from datetime import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.accounts.auth import staff_auth
from gonghui.core.api_routes import register_transitions
from gonghui.core.inputs import choice_out
from gonghui.orgs.schemas import OrgRef
from gonghui.warnings import hot_topics, services, workflow
from gonghui.warnings.choices import Level, WarningKind, WarningStatus

router = Router(tags=["warnings"])
hot_router = Router(tags=["appeals"])


class WarningOut(Schema):
    id: int
    kind: choice_out(WarningKind)
    level: choice_out(Level)
    status: choice_out(WarningStatus)
    title: str
    org: OrgRef
    category: str
    term: str
    stats: dict
    evidence: list[int]
    study_notes: str
    invited_orgs: list[OrgRef]
    action_taken: str
    close_note: str
    due_at: datetime
    overdue: bool
    supervised: bool
    created_at: datetime


class WarningList(Schema):
    count: int
    results: list[WarningOut]


def warning_out(w) -> dict:
    return {
        "id": w.pk,
        "kind": w.kind,
        "level": w.level,
        "status": w.status,
        "title": w.title,
        "org": {"id": w.org.pk, "name": w.org.name},
        "category": w.category,
        "term": w.term,
        "stats": w.stats,
        "evidence": sorted(a.pk for a in w.evidence.all()),
        "study_notes": w.study_notes,
        "invited_orgs": [{"id": o.pk, "name": o.name} for o in w.invited_orgs.all()],
        "action_taken": w.action_taken,
        "close_note": w.close_note,
        "due_at": w.due_at,
        "overdue": w.overdue,
        "supervised": w.supervised,
        "created_at": w.created_at,
    }


class WarningFilter(Schema):
    status: WarningStatus | None = None
    kind: WarningKind | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response=WarningList, auth=staff_auth, summary="Early warnings in your scope")
def list_warnings(request, filters: Query[WarningFilter]):
    qs = services.visible_warnings(request.auth).select_related("org").defer("org__boundary")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = qs.prefetch_related("evidence", "invited_orgs")
    rows = list(qs.order_by("-created_at")[: filters.limit])
    return {"count": qs.count(), "results": [warning_out(w) for w in rows]}


@router.get("/{int:warning_id}", response=WarningOut, auth=staff_auth, summary="One warning")
def get_warning(request, warning_id: int):
    return warning_out(services.access_warning(request.auth, warning_id))


class StepIn(Schema):
    note: str = Field("", max_length=4000)
    invited_org_ids: list[int] = []


def _step_out(request, action: str, warning) -> dict:
    return warning_out(services.access_warning(request.auth, warning.pk))


register_transitions(
    router,
    workflow.WORKFLOW,
    get=services.access_warning,
    act=services.act,
    respond=_step_out,
    response=WarningOut,
    payload=StepIn,
    auth=staff_auth,
    id_name="warning_id",
    summary="Warning step: {action}",
)


class HotQuery(Schema):
    month: str | None = Field(None, max_length=7)


@hot_router.get("", auth=staff_auth, summary="Monthly hot topic")
def hot(request, query: Query[HotQuery]):
    return hot_topics.report(request.auth, hot_topics.parse_month(query.month))
