"""The members API: join and "my membership" for workers; applications, search,
transfers and statistics for staff (scoped; outside the scope is a 404)."""

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import WorkerBearer, staff_user_auth
from gonghui.core import pii
from gonghui.core.api_routes import register_transitions
from gonghui.core.errors import ServiceError
from gonghui.core.inputs import DbInt, choice, choice_out
from gonghui.members import access as members_access
from gonghui.members import search, services, stats, workflow
from gonghui.members.choices import (
    ApplicationStatus,
    Employment,
    Gender,
    GigPlatform,
    JobType,
    MemberStatus,
    TransferStatus,
)
from gonghui.members.models import JoinApplication, Member, Transfer
from gonghui.orgs import access
from gonghui.orgs.models import Org
from gonghui.orgs.schemas import OrgRef

router = Router(tags=["members"])
staff_auth = staff_user_auth
worker_auth = [WorkerBearer()]


def _org_ref(org: Org | None) -> dict | None:
    return None if org is None else {"id": org.pk, "name": org.name}


# --- worker ----------------------------------------------------------------------------------


class JoinIn(Schema):
    name: str = Field(max_length=80)
    id_number: str = Field(max_length=40)
    employer_name: str | None = Field(None, max_length=300)
    employer_uscc: str | None = Field(None, max_length=40)
    gig_platform: choice(GigPlatform, blank=True) | None = None
    job_type: choice(JobType, blank=True) | None = None
    street_id: int | None = None
    # 自愿加入工会，承认《中国工会章程》 and consent to the privacy notice
    # (/h5/members/privacy/): without both the application is refused (422).
    declaration: bool = False
    privacy_consent: bool = False


class JoinOut(Schema):
    application_id: int
    status: str
    union: OrgRef
    due_at: datetime


@router.post("/join", response={201: JoinOut}, auth=worker_auth, summary="Apply to join")
def join(request, payload: JoinIn):
    application = services.submit_application(
        services.JoinRequest(
            name=payload.name,
            id_number=payload.id_number,
            employer_name=payload.employer_name or "",
            employer_uscc=payload.employer_uscc or "",
            gig_platform=payload.gig_platform or "",
            job_type=payload.job_type or "",
            street_id=payload.street_id,
            declaration=payload.declaration,
            privacy_consent=payload.privacy_consent,
        ),
        worker=request.auth,
        request=request,
    )
    return HttpStatus(
        201,
        {
            "application_id": application.pk,
            "status": application.status,
            "union": _org_ref(application.org),
            "due_at": application.due_at,
        },
    )


class PeriodOut(Schema):
    union: OrgRef
    started_on: date
    start_reason: str
    ended_on: date | None
    end_reason: str


class TransferOut(Schema):
    id: int
    status: choice_out(TransferStatus)
    from_org: OrgRef
    to_org: OrgRef
    release_by: datetime
    created_at: datetime


class MeOut(Schema):
    status: str
    member_number: str | None = None
    name: str | None = None
    id_number: str | None = None
    union: OrgRef | None = None
    joined_on: date | None = None
    application: dict | None = None
    transfer: TransferOut | None = None
    periods: list[PeriodOut] = []


def transfer_out(t: Transfer) -> dict:
    return {
        "id": t.pk,
        "status": t.status,
        "from_org": _org_ref(t.from_org),
        "to_org": _org_ref(t.to_org),
        "release_by": t.release_by,
        "created_at": t.created_at,
    }


def me_payload(worker) -> dict:
    """Return the worker's membership state: none, pending, rejected, active, lapsed, ended."""
    member = services.member_of_worker(worker)
    application = (
        JoinApplication.objects.filter(worker=worker)
        .select_related("org")
        .defer("org__boundary")
        .order_by("-id")
        .first()
    )
    app_out = None
    if application is not None:
        app_out = {
            "id": application.pk,
            "status": application.status,
            "union": _org_ref(application.org),
            "created_at": application.created_at,
            "due_at": application.due_at,
            "reason": application.reason,
        }
    if member is None:
        status = "none"
        if application is not None and application.status in (
            ApplicationStatus.PENDING,
            ApplicationStatus.REJECTED,
        ):
            status = application.status
        return {"status": status, "application": app_out, "periods": []}
    transfer = (
        member.transfers.filter(status__in=[TransferStatus.REQUESTED, TransferStatus.RELEASED])
        .select_related("from_org", "to_org")
        .first()
    )
    if application is not None and application.status == ApplicationStatus.PENDING:
        status = ApplicationStatus.PENDING  # a former member applying again
    else:
        status = member.status
    return {
        "status": status,
        "member_number": member.member_number,
        "name": member.name,
        "id_number": pii.mask(pii.ID_NUMBER, member.id_number),
        "union": _org_ref(member.org),
        "joined_on": member.joined_on,
        "application": app_out,
        "transfer": transfer_out(transfer) if transfer else None,
        "periods": [
            {
                "union": _org_ref(p.org),
                "started_on": p.started_on,
                "start_reason": p.start_reason,
                "ended_on": p.ended_on,
                "end_reason": p.end_reason,
            }
            for p in member.periods.select_related("org")
            .defer("org__boundary")
            .order_by("started_on", "id")
        ],
    }


@router.get("/me", response=MeOut, auth=worker_auth, summary="My membership")
def me(request):
    return me_payload(request.auth)


class WorkerTransferIn(Schema):
    employer_name: str | None = Field(None, max_length=300)
    employer_uscc: str | None = Field(None, max_length=40)
    gig_platform: choice(GigPlatform, blank=True) | None = None
    job_type: choice(JobType, blank=True) | None = None
    street_id: int | None = None
    reason: str | None = Field(None, max_length=300)


@router.post(
    "/me/transfer", response={201: TransferOut}, auth=worker_auth, summary="Ask to transfer"
)
def my_transfer(request, payload: WorkerTransferIn):
    member = services.member_of_worker(request.auth)
    if member is None:
        raise ServiceError(_("您还不是工会会员，请先申请入会。"), code="not_member", status=404)
    transfer = services.worker_transfer(
        member,
        worker=request.auth,
        employer_name=payload.employer_name or "",
        employer_uscc=payload.employer_uscc or "",
        gig_platform=payload.gig_platform or "",
        job_type=payload.job_type or "",
        street_id=payload.street_id,
        reason=payload.reason or "",
        request=request,
    )
    return HttpStatus(201, transfer_out(transfer))


# --- staff: applications ---------------------------------------------------------------------


class ApplicationOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    # Only beside the full ID number, to roles that need it, in the detail (docs/access.md).
    gender: choice_out(Gender) | None
    birth_date: date | None
    employment: choice_out(Employment)
    employer_name: str
    gig_platform: choice_out(GigPlatform, blank=True)
    job_type: choice_out(JobType, blank=True)
    street: OrgRef | None
    union: OrgRef
    route_note: str
    status: choice_out(ApplicationStatus)
    due_at: datetime
    overdue: bool
    reason: str
    member_number: str | None
    created_at: datetime


class ApplicationList(Schema):
    count: int
    results: list[ApplicationOut]


def application_out(a: JoinApplication, request, *, detail: bool = False) -> dict:
    return {
        "id": a.pk,
        "name": a.name,
        **pii.identity(a, viewer=request.auth, org=a.org, request=request, detail=detail),
        "phone": pii.mask(pii.PHONE, a.phone),
        "employment": a.employment,
        "employer_name": a.employer_name,
        "gig_platform": a.gig_platform,
        "job_type": a.job_type,
        "street": _org_ref(a.street),
        "union": _org_ref(a.org),
        "route_note": a.route_note,
        "status": a.status,
        "due_at": a.due_at,
        "overdue": a.overdue,
        "reason": a.reason,
        "member_number": a.member.member_number if a.member_id else None,
        "created_at": a.created_at,
    }


class ListQuery(Schema):
    status: choice(ApplicationStatus) | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/applications", response=ApplicationList, auth=staff_auth, summary="Applications")
def applications(request, query: Query[ListQuery]):
    qs = services.visible_applications(request.auth)
    if query.status:
        if query.status not in ApplicationStatus.values:
            raise ServiceError(_("状态不正确。"), code="invalid_status", status=422)
        qs = qs.filter(status=query.status)
    qs = qs.select_related("org", "street", "member").defer("org__boundary", "street__boundary")
    rows = list(qs.order_by("due_at", "id")[query.offset : query.offset + query.limit])
    return {"count": qs.count(), "results": [application_out(a, request) for a in rows]}


def _application_for(request, pk: int) -> JoinApplication:
    return members_access.get_application_for(request.auth, pk)


@router.get("/applications/{int:app_id}", response=ApplicationOut, auth=staff_auth)
def application_detail(request, app_id: int):
    return application_out(_application_for(request, app_id), request, detail=True)


class ReasonIn(Schema):
    """The reason a refusal gives (reject, decline): told to the worker by text. A
    refusal without one is 422 ``reason_required``; approve and release ignore it."""

    reason: str = Field("", max_length=300)


def application_step_out(request, action: str, application: JoinApplication):
    return application_out(_application_for(request, application.pk), request, detail=True)


# POST /applications/{app_id}/approve and /reject, from the workflow.APPLICATION table.
register_transitions(
    router,
    workflow.APPLICATION,
    get=members_access.get_application_for,
    act=services.act_application,
    respond=application_step_out,
    response=ApplicationOut,
    payload=ReasonIn,
    payload_required=False,
    auth=staff_auth,
    id_name="app_id",
    prefix="/applications",
    summary="Application step: {action}",
)


# --- staff: members and transfers ------------------------------------------------------------


class MemberOut(Schema):
    id: int
    member_number: str
    name: str
    id_number: str
    phone: str
    # Only beside the full ID number, to roles that need it, in the detail (docs/access.md).
    gender: choice_out(Gender) | None
    birth_date: date | None
    employment: choice_out(Employment)
    employer_name: str
    gig_platform: choice_out(GigPlatform, blank=True)
    job_type: choice_out(JobType, blank=True)
    union: OrgRef
    status: choice_out(MemberStatus)
    joined_on: date


class MemberList(Schema):
    count: int | None
    results: list[MemberOut]


def member_out(m: Member, request, *, detail: bool = False) -> dict:
    return {
        "id": m.pk,
        "member_number": m.member_number,
        "name": m.name,
        **pii.identity(m, viewer=request.auth, org=m.org, request=request, detail=detail),
        "phone": pii.mask(pii.PHONE, m.phone) if m.phone else "",
        "employment": m.employment,
        "employer_name": m.employer_name,
        "gig_platform": m.gig_platform,
        "job_type": m.job_type,
        "union": _org_ref(m.org),
        "status": m.status,
        "joined_on": m.joined_on,
    }


class SearchQuery(Schema):
    q: str = Field("", max_length=40)
    status: choice(MemberStatus) | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get("", response=MemberList, auth=staff_auth, summary="Search members")
def members(request, query: Query[SearchQuery]):
    if query.status and query.status not in MemberStatus.values:
        raise ServiceError(_("状态不正确。"), code="invalid_status", status=422)
    rows = search.search_members(
        request.auth, query.q, status=query.status or "", limit=query.limit
    )
    return {"count": None, "results": [member_out(m, request) for m in rows]}


def _member_for(request, pk: int) -> Member:
    return members_access.get_member_for(request.auth, pk)


class MemberDetail(MemberOut):
    periods: list[PeriodOut]


@router.get("/{int:member_id}", response=MemberDetail, auth=staff_auth, summary="A member")
def member_detail(request, member_id: int):
    member = _member_for(request, member_id)
    periods = [
        {
            "union": _org_ref(p.org),
            "started_on": p.started_on,
            "start_reason": p.start_reason,
            "ended_on": p.ended_on,
            "end_reason": p.end_reason,
        }
        for p in member.periods.select_related("org").defer("org__boundary")
    ]
    return member_out(member, request, detail=True) | {"periods": periods}


class TransferIn(Schema):
    to_org_id: int
    reason: str = Field("", max_length=300)


@router.post(
    "/{int:member_id}/transfer",
    response={201: TransferOut},
    auth=staff_auth,
    summary="Transfer a member",
)
def transfer(request, member_id: int, payload: TransferIn):
    member = _member_for(request, member_id)
    try:
        to_org = Org.objects.defer("boundary").get(pk=payload.to_org_id)
    except Org.DoesNotExist as exc:
        raise ServiceError(
            _("没有找到转入的工会。"), code="invalid_target_org", status=422
        ) from exc
    t = services.staff_transfer(
        member, to_org=to_org, reason=payload.reason, actor=request.auth, request=request
    )
    t = Transfer.objects.select_related("from_org", "to_org").get(pk=t.pk)
    return HttpStatus(201, transfer_out(t))


class TransferList(Schema):
    results: list[TransferOut]


@router.get("/transfers", response=TransferList, auth=staff_auth, summary="Transfers")
def transfers(request, status: choice(TransferStatus) | None = None):
    qs = (
        services.visible_transfers(request.auth)
        .select_related("from_org", "to_org")
        .defer("from_org__boundary", "to_org__boundary")
    )
    if status:
        qs = qs.filter(status=status)
    return {"results": [transfer_out(t) for t in qs.order_by("-id")[:200]]}


def transfer_step_out(request, action: str, transfer: Transfer):
    return transfer_out(Transfer.objects.select_related("from_org", "to_org").get(pk=transfer.pk))


# POST /transfers/{transfer_id}/release, /accept and /decline, from workflow.TRANSFER
# (cancel is not offered over the API yet: the pages do not offer it either).
register_transitions(
    router,
    workflow.TRANSFER,
    get=members_access.get_transfer_for,
    act=services.act_transfer,
    respond=transfer_step_out,
    response=TransferOut,
    payload=ReasonIn,
    payload_required=False,
    auth=staff_auth,
    id_name="transfer_id",
    prefix="/transfers",
    actions=["release", "accept", "decline"],
    summary="Transfer step: {action}",
)


# --- statistics ------------------------------------------------------------------------------


class StatsQuery(Schema):
    org_id: DbInt | None = None
    start: date | None = None
    end: date | None = None


@router.get("/stats", auth=staff_auth, summary="Membership and organising statistics")
def statistics(request, query: Query[StatsQuery]):
    org = stats.top_org(request.auth) if query.org_id is None else None
    if query.org_id is not None:
        org = access.get_org_for(request.auth, query.org_id)
    if org is None:
        raise Http404
    start, end = stats.period(query.start, query.end)
    return {
        "org": _org_ref(org),
        "start": start,
        "end": end,
        "totals": stats.org_stats(org, start, end),
        "children": [
            {"org": _org_ref(child), **values}
            for child, values in stats.children_stats(org, start, end)
        ],
    }
