"""The collective-contract API under /api/v1/rights/contracts (mounted in
``gonghui/api.py``): record, list, one contract with its deadlines and warnings, the
steps (ratify, sign, file, renew) and the coverage roll-up."""

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import staff_user_auth
from gonghui.core.api_routes import ERROR_STATUSES, ErrorOut, register_transitions
from gonghui.orgs import access as org_access
from gonghui.orgs.choices import Industry
from gonghui.rights.contracts import access, services, stats
from gonghui.rights.contracts.choices import ContractStatus, Scope
from gonghui.rights.contracts.models import CollectiveContract
from gonghui.rights.contracts.workflow import CONTRACT
from gonghui.rights.health import access as health_access

router = Router(tags=["rights"])
ERRORS = {status: ErrorOut for status in ERROR_STATUSES}


class ContractIn(Schema):
    scope: Scope
    enterprise_id: int | None = None
    org_id: int | None = None
    industry: Industry | None = None
    title: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    wage_floor: float | str | None = None
    yearly_raise: float | str | None = None
    weekly_hours: float | str | None = None
    covered_workers: int | None = None


class Created(Schema):
    id: int
    status: str


class ContractOut(Schema):
    id: int
    scope: str
    title: str
    status: str
    status_label: str
    org: dict
    enterprise: dict | None
    industry: str
    starts_on: date
    ends_on: date
    wage_floor: str | None
    yearly_raise: str | None
    weekly_hours: str | None
    covered_workers: int | None
    created_at: datetime


class ContractDetail(ContractOut):
    vote: dict | None
    signed_on: date | None
    filed_on: date | None
    deadlines: dict
    warnings: list[dict]
    actions: list[str]
    reminders_sent: list[int]


class ContractList(Schema):
    count: int
    results: list[ContractOut]


def _num(v):
    return None if v is None else str(v)


def contract_out(c: CollectiveContract) -> dict:
    return {
        "id": c.pk,
        "scope": c.scope,
        "title": c.title,
        "status": c.status,
        "status_label": str(ContractStatus(c.status).label),
        "org": {"id": c.org_id, "name": c.org.name},
        "enterprise": {"id": c.enterprise_id, "name": c.enterprise.name}
        if c.enterprise_id
        else None,
        "industry": c.industry,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "wage_floor": _num(c.wage_floor),
        "yearly_raise": _num(c.yearly_raise),
        "weekly_hours": _num(c.weekly_hours),
        "covered_workers": c.covered_workers,
        "created_at": c.created_at,
    }


def detail_out(request, c: CollectiveContract) -> dict:
    vote = None
    if c.vote_total is not None:
        vote = {"total": c.vote_total, "attending": c.vote_attending, "approving": c.vote_approving}
    return {
        **contract_out(c),
        "vote": vote,
        "signed_on": c.signed_on,
        "filed_on": c.filed_on,
        "deadlines": services.deadlines(c),
        "warnings": services.warnings(c),
        "actions": [t.action for t in CONTRACT.allowed(c, request.auth)],
        "reminders_sent": c.reminders_sent,
    }


def _invalid(field: str, code: str, message: str):
    return services.invalid(field, message, code)


@router.post(
    "",
    response={201: Created, **ERRORS},
    auth=staff_user_auth,
    summary="Record a collective contract",
)
def create_contract(request, payload: ContractIn):
    enterprise = org = None
    if payload.enterprise_id is not None:
        try:
            enterprise = health_access.get_enterprise_for(request.auth, payload.enterprise_id)
        except Http404 as exc:
            raise _invalid(
                "enterprise_id", "invalid_enterprise", _("用人单位不存在或不在您的辖区内。")
            ) from exc
    if payload.org_id is not None:
        try:
            org = org_access.get_org_for(request.auth, payload.org_id)
        except Http404 as exc:
            raise _invalid("org_id", "invalid_org", _("单位不存在或不在您的辖区内。")) from exc
    contract = services.create(
        services.ContractIn(
            scope=payload.scope,
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            enterprise=enterprise,
            org=org,
            industry=payload.industry or "",
            wage_floor=payload.wage_floor,
            yearly_raise=payload.yearly_raise,
            weekly_hours=payload.weekly_hours,
            covered_workers=payload.covered_workers,
        ),
        actor=request.auth,
        request=request,
    )
    return HttpStatus(201, {"id": contract.pk, "status": contract.status})


class ListFilter(Schema):
    status: ContractStatus | None = None
    scope: Scope | None = None
    org: int | None = None
    page: int = Field(1, ge=1, le=10000)


@router.get(
    "",
    response={200: ContractList, **ERRORS},
    auth=staff_user_auth,
    summary="Collective contracts in scope",
)
def list_contracts(request, filters: Query[ListFilter]):
    qs = (
        access.visible_contracts(request.auth)
        .select_related("org", "enterprise")
        .defer("org__boundary")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.org:
        qs = qs.filter(org_path__startswith=org_access.get_org_for(request.auth, filters.org).path)
    start = (filters.page - 1) * 50
    return {"count": qs.count(), "results": [contract_out(c) for c in qs[start : start + 50]]}


class CoverageFilter(Schema):
    org: int | None = None


@router.get(
    "/coverage",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="Collective-contract coverage",
)
def contract_coverage(request, filters: Query[CoverageFilter]):
    if filters.org:
        org = org_access.get_org_for(request.auth, filters.org)
    else:
        org = org_access.visible_orgs(request.auth).defer("boundary").order_by("path").first()
        if org is None:
            raise Http404
    return stats.coverage(org)


@router.get(
    "/{int:contract_id}",
    response={200: ContractDetail, **ERRORS},
    auth=staff_user_auth,
    summary="One collective contract",
)
def get_contract(request, contract_id: int):
    return detail_out(request, access.get_contract_for(request.auth, contract_id))


class StepIn(Schema):
    total: int | None = None
    attending: int | None = None
    approving: int | None = None
    ratified_on: date | None = None
    signed_on: date | None = None
    filed_on: date | None = None
    note: str | None = Field(None, max_length=2000)


def _respond(request, action, contract):
    return detail_out(request, access.get_contract_for(request.auth, contract.pk))


steps_router = Router(tags=["rights"])
register_transitions(
    steps_router,
    CONTRACT,
    get=access.get_contract_for,
    act=services.act,
    respond=_respond,
    response=ContractDetail,
    payload=StepIn,
    payload_required=False,
    auth=staff_user_auth,
    id_name="contract_id",
    summary="Collective-contract step: {action}",
)
router.add_router("", steps_router)
