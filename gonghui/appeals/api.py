"""The appeals API: intake, tracking and evaluation for workers; actions, metrics for staff."""

from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import OrgApiKey, WorkerBearer, staff_user_auth
from gonghui.accounts.models import AccessToken, Worker
from gonghui.accounts.services import resolve_token
from gonghui.appeals import access as appeal_access
from gonghui.appeals import metrics, search, services, tracking, workflow
from gonghui.appeals.choices import (
    Category,
    Channel,
    Kind,
    RouteReason,
    Satisfaction,
    Status,
    Urgency,
)
from gonghui.appeals.models import Appeal
from gonghui.core import pii
from gonghui.core.api_routes import register_transitions
from gonghui.core.audit import client_ip
from gonghui.core.errors import ServiceError
from gonghui.core.inputs import DbInt, choice, choice_out
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import CRS_CHOICES
from gonghui.orgs.models import Org, StaffRole
from gonghui.orgs.schemas import OrgRef

router = Router(tags=["appeals"])
Crs = Literal[CRS_CHOICES]
staff_auth = staff_user_auth
intake_auth = [OrgApiKey(), WorkerBearer()]


class DeadlinesOut(Schema):
    accept_by: datetime | None
    contact_by: datetime | None
    resolve_by: datetime | None


class AppealIn(Schema):
    text: str = Field(max_length=8000)
    phone: str | None = Field(None, max_length=30)
    kind: choice(Kind, blank=True) | None = None
    category: choice(Category, blank=True) | None = None
    urgency: choice(Urgency, blank=True) | None = None
    name: str | None = Field(None, max_length=80)
    anonymous: bool = False
    address: str | None = Field(None, max_length=400)
    lat: float | None = None
    lng: float | None = None
    crs: Crs = "wgs84"
    employer_name: str | None = Field(None, max_length=300)
    employer_uscc: str | None = Field(None, max_length=40)
    channel: choice(Channel, blank=True) | None = None


class AppealCreated(Schema):
    id: int
    ticket_no: str
    status: choice_out(Status)
    kind: choice_out(Kind)
    category: choice_out(Category)
    urgency: choice_out(Urgency)
    assigned_org: OrgRef | None
    deadlines: DeadlinesOut
    tracking_url: str


def _org_ref(org):
    return None if org is None else {"id": org.pk, "name": org.name}


def _created(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "ticket_no": appeal.ticket_no,
        "status": appeal.status,
        "kind": appeal.kind,
        "category": appeal.category,
        "urgency": appeal.urgency,
        "assigned_org": _org_ref(appeal.assigned_org),
        "deadlines": {
            "accept_by": appeal.accept_by,
            "contact_by": appeal.contact_by,
            "resolve_by": appeal.resolve_by,
        },
        "tracking_url": f"/h5/track/?ticket_no={appeal.ticket_no}",
    }


@router.post("", response={201: AppealCreated}, auth=intake_auth, summary="File an appeal")
def create(request, payload: AppealIn):
    principal = request.auth
    if isinstance(principal, Worker):
        # A worker files for their own verified phone, on the H5 channel.
        phone, channel, worker, label = principal.phone, "h5", principal, f"worker:{principal.pk}"
    else:
        if not payload.phone:
            raise ValidationError(_("请填写职工的手机号，便于回访。"), code="invalid_phone")
        phone, channel, worker = payload.phone, payload.channel or "hotline", None
        label = f"apikey:{principal.prefix}"
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise ValidationError(
            _("Idempotency-Key 过长（最多100个字符）。"), code="invalid_idempotency_key"
        )
    intake = services.Intake(
        text=payload.text,
        phone=phone,
        channel=channel,
        kind=payload.kind,
        category=payload.category,
        urgency=payload.urgency,
        name=payload.name or "",
        anonymous=payload.anonymous,
        address=payload.address or "",
        lat=payload.lat,
        lng=payload.lng,
        crs=payload.crs,
        employer_name=payload.employer_name or "",
        employer_uscc=payload.employer_uscc or "",
    )
    appeal, _created_now = services.create_appeal(
        intake,
        actor_label=label,
        worker=worker,
        idempotency_key=f"{label}:{key}" if key else None,
        request=request,
    )
    return HttpStatus(201, _created(appeal))


# --- tracking and evaluation (public, by ticket number + last 4 digits) ----------------------


class TimelineItem(Schema):
    at: datetime
    event: str
    label: str
    note: str


class TrackOut(Schema):
    ticket_no: str
    status: choice_out(Status)
    status_label: str
    category: choice_out(Category)
    timeline: list[TimelineItem]
    can_evaluate: bool


TRACK_LIMIT = tracking.TRACK_LIMIT


def _tracked(request, ticket_no: str, phone_last4: str) -> Appeal:
    appeal = tracking.look_up(ticket_no, phone_last4, ip=client_ip(request))
    if appeal is None:
        raise ServiceError(
            _("没有找到该工单，请核对工单号和手机号后四位。"), code="not_found", status=404
        )
    return appeal


def track_payload(appeal: Appeal) -> dict:
    events = appeal.events.filter(public=True).order_by("at", "id")
    return {
        "ticket_no": appeal.ticket_no,
        "status": appeal.status,
        "status_label": str(Status(appeal.status).label),
        "category": appeal.category,
        "timeline": [
            {"at": e.at, "event": e.action, "label": workflow.label(e.action), "note": e.note}
            for e in events
        ],
        "can_evaluate": appeal.status == Status.RESOLVED,
    }


class TrackQuery(Schema):
    ticket_no: str = Field(max_length=30)
    phone_last4: str = Field(max_length=4)


@router.get("/track", response=TrackOut, auth=None, summary="Track an appeal")
def track(request, query: Query[TrackQuery]):
    return track_payload(_tracked(request, query.ticket_no, query.phone_last4))


class EvaluateIn(Schema):
    ticket_no: str = Field(max_length=30)
    # The same proof as for tracking; left out only by the filing worker's own bearer.
    phone_last4: str | None = Field(None, max_length=4)
    resolved: bool
    satisfaction: choice(Satisfaction)
    comment: str | None = Field(None, max_length=1000)


def _bearer_worker(request) -> Worker | None:
    """The worker of an ``Authorization: Bearer wk_…`` header, if any (the route is public)."""
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = resolve_token(raw.strip(), AccessToken.Kind.WORKER)
    return token.worker if token is not None else None


@router.post("/track/evaluate", response=TrackOut, auth=None, summary="Rate a resolved appeal")
def evaluate(request, payload: EvaluateIn):
    """Rate with the tracking proof (ticket + last 4 digits) or as the filing worker."""
    worker = _bearer_worker(request)
    appeal = None
    if worker is not None:
        appeal = (
            appeal_access.worker_appeals(worker).filter(ticket_no=payload.ticket_no.strip()).first()
        )
    if appeal is None:
        appeal = _tracked(request, payload.ticket_no, payload.phone_last4 or "")
    appeal = services.evaluate(
        appeal,
        resolved=payload.resolved,
        satisfaction=payload.satisfaction,
        comment=payload.comment or "",
        actor_label=f"worker:{worker.pk}"
        if worker is not None and appeal.worker_id == worker.pk
        else "worker",
    )
    return track_payload(appeal)


# --- staff ---------------------------------------------------------------------------------


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    actor: str
    from_status: str
    to_status: str
    note: str
    public: bool


class AppealOut(Schema):
    id: int
    ticket_no: str
    channel: choice_out(Channel)
    kind: choice_out(Kind)
    category: choice_out(Category)
    urgency: choice_out(Urgency)
    status: choice_out(Status)
    status_label: str
    text: str
    name: str
    phone: str
    anonymous: bool
    address: str
    district: OrgRef | None
    street: OrgRef | None
    employer_name: str
    dispatcher_org: OrgRef
    assigned_org: OrgRef | None
    grassroots_union: OrgRef | None
    route_reason: RouteReason | None = Field(
        None, description="Why it went where it went (派单依据), a code"
    )
    route_note: str = Field(..., description="route_reason in the caller's language")
    deadlines: DeadlinesOut
    overdue: bool
    supervised: bool
    return_count: int
    reopen_count: int
    extension_count: int
    reply: str
    created_at: datetime


class AppealDetail(AppealOut):
    timeline: list[EventOut]


class AppealList(Schema):
    count: int
    page: int
    results: list[AppealOut]


def _identity_visible(appeal: Appeal, user) -> bool:
    """Anonymous appeals show the worker only to staff of the handling org itself."""
    if not appeal.anonymous:
        return True
    org = appeal.assigned_org or appeal.dispatcher_org
    return StaffRole.objects.filter(user=user, org=org).exists()


def appeal_out(appeal: Appeal, user, request=None, *, detail: bool = False) -> dict:
    org = appeal.assigned_org or appeal.dispatcher_org
    visible = _identity_visible(appeal, user)
    if not visible:
        name, phone = _("匿名"), "***********"
    else:
        name = appeal.name
        phone = (
            pii.display(appeal, "phone", viewer=user, org=org, request=request)
            if detail
            else pii.mask(pii.PHONE, appeal.phone)
        )
    out = {
        "id": appeal.pk,
        "ticket_no": appeal.ticket_no,
        "channel": appeal.channel,
        "kind": appeal.kind,
        "category": appeal.category,
        "urgency": appeal.urgency,
        "status": appeal.status,
        "status_label": str(Status(appeal.status).label),
        "text": appeal.text,
        "name": name,
        "phone": phone,
        "anonymous": appeal.anonymous,
        "address": appeal.address,
        "district": _org_ref(appeal.district),
        "street": _org_ref(appeal.street),
        "employer_name": appeal.employer_name,
        "dispatcher_org": _org_ref(appeal.dispatcher_org),
        "assigned_org": _org_ref(appeal.assigned_org),
        "grassroots_union": _org_ref(appeal.grassroots_union),
        "route_reason": appeal.route_reason or None,
        "route_note": appeal.get_route_reason_display() if appeal.route_reason else "",
        "deadlines": {
            "accept_by": appeal.accept_by,
            "contact_by": appeal.contact_by,
            "resolve_by": appeal.resolve_by,
        },
        "overdue": appeal.overdue,
        "supervised": appeal.supervised,
        "return_count": appeal.return_count,
        "reopen_count": appeal.reopen_count,
        "extension_count": appeal.extension_count,
        "reply": appeal.reply,
        "created_at": appeal.created_at,
    }
    if detail:
        out["timeline"] = [
            {
                "at": e.at,
                "action": e.action,
                "label": workflow.label(e.action),
                "actor": e.actor_label,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "public": e.public,
            }
            for e in appeal.events.order_by("at", "id")
        ]
    return out


class AppealFilter(Schema):
    status: Status | None = None
    category: Category | None = None
    org: DbInt | None = None
    overdue: bool | None = None
    q: str = Field(
        "",
        max_length=100,
        description="Search: ticket number, an 11-digit mobile (exact), words of the text, "
        "employer or address; space-separated terms must all match. Within your scope.",
    )
    page: int = Field(1, ge=1, le=10000)


PAGE_SIZE = 50


@router.get("", response=AppealList, auth=staff_auth, summary="Appeals in your scope")
def list_appeals(request, filters: Query[AppealFilter]):
    user = request.auth
    qs = services.visible_appeals(user).select_related(
        "dispatcher_org", "assigned_org", "district", "street", "grassroots_union"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.org is not None:
        org = access.get_org_for(user, filters.org)
        qs = qs.filter(
            Q(assigned_org__path__startswith=org.path)
            | Q(dispatcher_org__path__startswith=org.path)
        )
    if filters.overdue is not None:
        q = Q(overdue_accept=True) | Q(overdue_contact=True) | Q(overdue_resolve=True)
        qs = qs.filter(q) if filters.overdue else qs.exclude(q)
    qs = search.search(qs, filters.q)
    total = qs.count()
    start = (filters.page - 1) * PAGE_SIZE
    rows = qs.order_by("resolve_by", "created_at")[start : start + PAGE_SIZE]
    return {
        "count": total,
        "page": filters.page,
        "results": [appeal_out(a, user, request) for a in rows],
    }


class MetricsOut(Schema):
    org: OrgRef
    from_: date = Field(..., alias="from")
    to: date
    counts: dict
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float | None


def _period(from_: date | None, to: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    start = from_ or today.replace(day=1)
    end = to or today
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="invalid_period")
    if (end - start) > timedelta(days=366 * 3):
        raise ValidationError(_("统计区间最长三年。"), code="invalid_period")
    return start, end


def _rates_dict(org, start, end, r) -> dict:
    return {
        "org": _org_ref(org),
        "from": start,
        "to": end,
        "counts": r.counts,
        "response_rate": r.response_rate,
        "resolution_rate": r.resolution_rate,
        "satisfaction_rate": r.satisfaction_rate,
        "score": r.score,
    }


class MetricsFilter(Schema):
    org: DbInt | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get("/metrics", response=MetricsOut, auth=staff_auth, by_alias=True, summary="Three rates")
def rates(request, filters: Query[MetricsFilter]):
    user = request.auth
    if filters.org is None:
        target = Org.objects.filter(path__in=access.scope_paths(user)).order_by("path").first()
        if target is None:
            raise Http404
    else:
        target = access.get_org_for(user, filters.org)
    start, end = _period(filters.from_, filters.to)
    return _rates_dict(target, start, end, metrics.for_org(target, start, end))


class RankingRow(MetricsOut):
    rank: int | None
    insufficient_volume: bool


class RankingFilter(Schema):
    level: Literal["district", "street"] = "district"
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    min_volume: int = Field(metrics.MIN_VOLUME, ge=0, le=10000)


@router.get(
    "/ranking",
    response=list[RankingRow],
    auth=staff_auth,
    by_alias=True,
    summary="Ranking of districts or streets",
)
def ranking(request, filters: Query[RankingFilter]):
    if filters.level not in (OrgKind.DISTRICT, OrgKind.STREET):
        raise ValidationError(_("排名层级只能是 district 或 street。"), code="invalid_level")
    start, end = _period(filters.from_, filters.to)
    orgs = list(
        access.visible_orgs(request.auth)
        .filter(kind=filters.level)
        .defer("boundary")
        .order_by("path")
    )
    rows = metrics.ranking(orgs, start, end, min_volume=filters.min_volume)
    return [
        {
            **_rates_dict(r["org"], start, end, r["rates"]),
            "rank": r["rank"],
            "insufficient_volume": r["insufficient_volume"],
        }
        for r in rows
    ]


@router.get("/{int:appeal_id}", response=AppealDetail, auth=staff_auth, summary="One appeal")
def get_appeal(request, appeal_id: int):
    appeal = services.access_appeal(request.auth, appeal_id)
    return appeal_out(appeal, request.auth, request, detail=True)


class ActionIn(Schema):
    org_id: int | None = None
    note: str | None = Field(None, max_length=4000)
    reason: str | None = Field(None, max_length=1000)
    reply: str | None = Field(None, max_length=8000)
    answer: str | None = Field(None, max_length=8000)
    days: int | None = Field(None, ge=1, le=366)
    into_id: int | None = None
    category: choice(Category) | None = None


def _action_out(request, action: str, appeal: Appeal) -> dict:
    # A returned appeal has left the handler's scope: answer with the copy in hand.
    if action != "return":
        appeal = services.access_appeal(request.auth, appeal.pk)
    return appeal_out(appeal, request.auth, request, detail=True)


register_transitions(
    router,
    workflow.WORKFLOW,
    get=services.access_appeal,
    act=services.act,
    respond=_action_out,
    response=AppealDetail,
    payload=ActionIn,
    payload_required=False,
    auth=staff_auth,
    id_name="appeal_id",
    # Evaluation and reopening are the worker's (or a callback's), not POST actions.
    actions=[a for a in workflow.WORKFLOW.actions if a in services.ACTIONS],
    summary="Appeal action: {action}",
)
