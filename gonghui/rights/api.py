"""The rights API at /api/v1/rights/ (mediation cases, legal aid, lawyers, figures) and
the appeal-to-dispute step at /api/v1/appeals/{id}/to-dispute, mounted from here so
that appeals never imports rights."""

from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import staff_user_auth
from gonghui.core import audit, pii
from gonghui.orgs import access as org_access
from gonghui.rights import access, claims, conflicts, documents, legal_aid, services, stats
from gonghui.rights import validation as v
from gonghui.rights.choices import AidStatus, ClaimKind, DisputeStatus
from gonghui.rights.models import Dispute
from gonghui.rights.workflow import AID, DISPUTE, label

router = Router(tags=["rights"])
appeal_link_router = Router(tags=["rights"])


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def org_or_422(principal, org_id):
    """The org named in a request body: unknown or outside the scope is bad input."""
    try:
        return org_access.get_org_for(principal, org_id)
    except Exception as exc:  # Http404 from the access helper
        raise v.invalid("org_id", _("单位不存在或不在您的辖区内。"), "invalid_org") from exc


# --- schemas --------------------------------------------------------------------------------


class PersonIn(Schema):
    name: Any = None
    phone: Any = None
    id_number: Any = None
    representative: bool = False


class EmployerIn(Schema):
    name: Any = None
    uscc: Any = None


class ItemIn(Schema):
    kind: Any = None
    amount: Any = None


class DisputeIn(Schema):
    channel: str
    org_id: int
    applicants: list[PersonIn] = Field(max_length=500)
    workers_count: int | None = None
    employer: EmployerIn
    claims: list[ItemIn] = Field(default_factory=list, max_length=20)
    facts: str | None = Field(None, max_length=8000)
    known_since: date | None = None
    employment_ended_on: date | None = None
    appeal_id: int | None = None


class DisputeCreated(Schema):
    id: int
    case_no: str
    status: str
    collective: bool
    arbitration_right_from: date
    limitation_until: date | None


class ToDisputeIn(Schema):
    org_id: int
    claims: list[ItemIn] | None = None


class ActionIn(Schema):
    note: str | None = Field(None, max_length=4000)
    reason: str | None = Field(None, max_length=1000)
    at: str | None = None
    place: str | None = None
    attendees: str | None = None
    items: list[ItemIn] | None = None
    perform_by: Any = None
    signed_worker: str | None = None
    signed_employer: str | None = None
    to: str | None = None
    external_no: str | None = None
    outcome: str | None = None
    recovered: list[ItemIn] | None = None


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    actor: str
    from_status: str
    to_status: str
    note: str
    public: bool


class ClaimOut(Schema):
    kind: str
    label: str
    amount: str
    agreed: str | None
    recovered: str | None


class ApplicantOut(Schema):
    name: str
    phone: str
    representative: bool


class SessionOut(Schema):
    at: datetime
    place: str
    attendees: str
    note: str


class DisputeOut(DisputeCreated):
    status_label: str
    channel: str
    org: dict
    employer_name: str
    employer_uscc: str
    enterprise_id: int | None
    facts: str
    workers_count: int
    urgent: bool
    received_on: date
    known_since: date | None
    employment_ended_on: date | None
    perform_by: date | None
    referred_to: str
    external_no: str
    outcome: str
    claimed: str
    agreed: str
    recovered: str
    appeal_id: int | None
    warning_id: int | None
    payment_order_offered: bool
    arbitration_offered: bool
    created_at: datetime


class DisputeDetail(DisputeOut):
    applicants: list[ApplicantOut]
    claims: list[ClaimOut]
    sessions: list[SessionOut]
    actions: list[str]
    timeline: list[EventOut]


class DisputeList(Schema):
    count: int
    results: list[DisputeOut]


def created_out(d: Dispute) -> dict:
    return {
        "id": d.pk,
        "case_no": d.case_no,
        "status": d.status,
        "collective": d.collective,
        "arbitration_right_from": d.arbitration_right_from,
        "limitation_until": d.limitation_until,
    }


def dispute_out(d: Dispute) -> dict:
    return {
        **created_out(d),
        "status_label": str(DisputeStatus(d.status).label),
        "channel": d.channel,
        "org": {"id": d.org_id, "name": d.org.name},
        "employer_name": d.employer_name,
        "employer_uscc": d.employer_uscc,
        "enterprise_id": d.enterprise_id,
        "facts": d.facts,
        "workers_count": d.workers_count,
        "urgent": d.urgent,
        "received_on": d.received_on,
        "known_since": d.known_since,
        "employment_ended_on": d.employment_ended_on,
        "perform_by": d.perform_by,
        "referred_to": d.referred_to,
        "external_no": d.external_no,
        "outcome": d.outcome,
        "claimed": money(d.claimed_total),
        "agreed": money(d.agreed_total),
        "recovered": money(d.recovered_total),
        "appeal_id": d.appeal_id,
        "warning_id": d.warning_id,
        "payment_order_offered": documents.offers_payment_order(d),
        "arbitration_offered": documents.offers_arbitration(d),
        "created_at": d.received_at,
    }


def dispute_detail(d: Dispute, user) -> dict:
    return {
        **dispute_out(d),
        # Masked here: the full number is one audited click away on the console page.
        "applicants": [
            {
                "name": a.name,
                "phone": pii.mask(pii.PHONE, a.phone),
                "representative": a.representative,
            }
            for a in d.applicants.all()
        ],
        "claims": [
            {
                "kind": c.kind,
                "label": str(ClaimKind(c.kind).label),
                "amount": money(c.amount),
                "agreed": money(c.agreed),
                "recovered": money(c.recovered),
            }
            for c in d.claims.all()
        ],
        "sessions": [
            {"at": s.at, "place": s.place, "attendees": s.attendees, "note": s.note}
            for s in d.sessions.all()
        ],
        "actions": [t.action for t in DISPUTE.allowed(d, user)],
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "label": label(DISPUTE, e.action),
                "actor": e.actor_label,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "public": e.public,
            }
            for e in d.events.all()
        ],
    }


# --- mediation ------------------------------------------------------------------------------


def _intake(payload: DisputeIn | ToDisputeIn, **extra) -> services.DisputeIntake:
    return services.DisputeIntake(
        channel=payload.channel,
        applicants=[p.dict() for p in payload.applicants],
        employer_name=payload.employer.name,
        employer_uscc=payload.employer.uscc,
        claims=[c.dict() for c in payload.claims],
        facts=payload.facts or "",
        workers_count=payload.workers_count,
        known_since=payload.known_since,
        employment_ended_on=payload.employment_ended_on,
    )


@router.post(
    "/disputes",
    response={201: DisputeCreated},
    auth=staff_user_auth,
    summary="Record a mediation application",
)
def create_dispute(request, payload: DisputeIn):
    from gonghui.appeals.services import access_appeal

    org = org_or_422(request.auth, payload.org_id)
    appeal = access_appeal(request.auth, payload.appeal_id) if payload.appeal_id else None
    dispute = services.create_dispute(
        _intake(payload), org=org, actor=request.auth, appeal=appeal, request=request
    )
    return HttpStatus(201, created_out(dispute))


class DisputeFilter(Schema):
    status: DisputeStatus | None = None
    org: int | None = None
    collective: bool | None = None
    page: int = Field(1, ge=1, le=10000)


PAGE_SIZE = 50


@router.get("/disputes", response=DisputeList, auth=staff_user_auth, summary="Mediation cases")
def list_disputes(request, filters: Query[DisputeFilter]):
    qs = access.visible_disputes(request.auth).select_related("org").defer("org__boundary")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.collective is not None:
        qs = qs.filter(collective=filters.collective)
    if filters.org:
        org = org_access.get_org_for(request.auth, filters.org)
        qs = qs.filter(org_path__startswith=org.path)
    start = (filters.page - 1) * PAGE_SIZE
    return {
        "count": qs.count(),
        "results": [dispute_out(d) for d in qs[start : start + PAGE_SIZE]],
    }


@router.get(
    "/disputes/{int:dispute_id}", response=DisputeDetail, auth=staff_user_auth, summary="One case"
)
def get_dispute(request, dispute_id: int):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    return dispute_detail(dispute, request.auth)


def _pdf(content: bytes, name: str, *, request=None, dispute=None) -> HttpResponse:
    if dispute is not None:
        # The documents carry the applicants' full phone and ID numbers: audited.
        audit.record(
            "dispute.document", actor=request.auth, obj=dispute, request=request, document=name
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@router.get(
    "/disputes/{int:dispute_id}/agreement.pdf",
    auth=staff_user_auth,
    summary="The mediation agreement (PDF)",
)
def agreement_pdf(request, dispute_id: int):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    return _pdf(
        documents.agreement_pdf(dispute),
        f"{dispute.case_no}-agreement.pdf",
        request=request,
        dispute=dispute,
    )


@router.get(
    "/disputes/{int:dispute_id}/arbitration.pdf",
    auth=staff_user_auth,
    summary="The pre-filled arbitration application (PDF)",
)
def arbitration_pdf(request, dispute_id: int):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    return _pdf(
        documents.arbitration_pdf(dispute),
        f"{dispute.case_no}-arbitration.pdf",
        request=request,
        dispute=dispute,
    )


@router.get(
    "/disputes/{int:dispute_id}/payment-order.pdf",
    auth=staff_user_auth,
    summary="The payment-order (支付令) application draft (PDF)",
)
def payment_order_pdf(request, dispute_id: int):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    return _pdf(
        documents.payment_order_pdf(dispute),
        f"{dispute.case_no}-payment-order.pdf",
        request=request,
        dispute=dispute,
    )


# Before the steps' route: /disputes/{id}/claims must reach this PUT, not a step.
class ClaimsIn(Schema):
    claims: Any = None
    reason: str | None = Field(None, max_length=1000)


@router.put(
    "/disputes/{int:dispute_id}/claims",
    response=DisputeDetail,
    auth=staff_user_auth,
    summary="Replace the claim items (before an agreement)",
)
def put_claims(request, dispute_id: int, payload: ClaimsIn):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    claims.replace_claims(
        dispute, claims=payload.claims, reason=payload.reason, actor=request.auth, request=request
    )
    return dispute_detail(access.get_dispute_for(request.auth, dispute_id), request.auth)


@router.post(
    "/disputes/{int:dispute_id}/{action}",
    response=DisputeDetail,
    auth=staff_user_auth,
    summary="A step of the mediation workflow",
)
def dispute_action(request, dispute_id: int, action: str, payload: ActionIn | None = None):
    dispute = access.get_dispute_for(request.auth, dispute_id)
    DISPUTE[action]  # 404 for a step the workflow does not have
    data = payload.dict(exclude_none=True) if payload else {}
    services.act(dispute, action, actor=request.auth, request=request, **data)
    return dispute_detail(access.get_dispute_for(request.auth, dispute_id), request.auth)


@appeal_link_router.post(
    "/{int:appeal_id}/to-dispute",
    response={201: DisputeCreated},
    auth=staff_user_auth,
    summary="Turn an appeal into a mediation case",
)
def appeal_to_dispute(request, appeal_id: int, payload: ToDisputeIn):
    from gonghui.appeals.services import access_appeal

    appeal = access_appeal(request.auth, appeal_id)
    org = org_or_422(request.auth, payload.org_id)
    claims = [c.dict() for c in payload.claims] if payload.claims else None
    dispute = services.create_from_appeal(
        appeal, org=org, actor=request.auth, claims=claims, request=request
    )
    return HttpStatus(201, created_out(dispute))


# --- figures --------------------------------------------------------------------------------


class StatsQuery(Schema):
    org: int | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


class StatsOut(Schema):
    org: dict
    start: date
    end: date
    disputes: int
    agreements: int
    referred: int
    collective: int
    legal_aid: int
    claimed: str
    recovered: str
    recovered_mediation: str
    recovered_legal_aid: str
    avg_days_to_agreement: float | None


@router.get("/stats", response=StatsOut, auth=staff_user_auth, summary="Figures per subtree")
def get_stats(request, q: Query[StatsQuery]):
    org = stats.org_for_figures(request.auth, q.org)
    today = timezone.localdate()
    end = q.to or today
    start = q.from_ or end.replace(month=1, day=1)
    if start > end:
        raise v.invalid("from", _("开始日期不能晚于结束日期。"), "invalid_period")
    figures = stats.figures(org, start, end)
    return {"org": {"id": org.pk, "name": org.name}, "start": start, "end": end, **figures}


# --- lawyers and legal aid ---------------------------------------------------------------


class EngagementIn(Schema):
    party_name: Any = None
    party_uscc: Any = None


class LawyerIn(Schema):
    name: Any = None
    firm: Any = None
    phone: Any = None
    owner_id: int | None = None
    position_ids: list[int] | None = None
    org_ids: list[int] | None = None
    engagements: list[EngagementIn] = Field(default_factory=list, max_length=500)


class LawyerOut(Schema):
    id: int
    name: str
    firm: str
    phone: str
    owner: dict
    position_ids: list[int]
    org_ids: list[int]
    engagements: int
    workload: int


def lawyer_out(lawyer) -> dict:
    return {
        "id": lawyer.pk,
        "name": lawyer.name,
        "firm": lawyer.firm,
        # A lawyer's work phone is published to workers ("my union lawyer"): not masked.
        "phone": lawyer.phone,
        "owner": {"id": lawyer.owner_id, "name": lawyer.owner.name},
        "position_ids": sorted(lawyer.positions.values_list("pk", flat=True)),
        "org_ids": sorted(lawyer.orgs.values_list("pk", flat=True)),
        "engagements": lawyer.engagements.count(),
        "workload": legal_aid.workload(lawyer),
    }


@router.post(
    "/lawyers", response={201: LawyerOut}, auth=staff_user_auth, summary="Enter a union lawyer"
)
def create_lawyer(request, payload: LawyerIn):
    from gonghui.stations.access import visible_positions

    if payload.owner_id is not None:
        owner = org_or_422(request.auth, payload.owner_id)
    elif payload.org_ids:
        owner = org_or_422(request.auth, payload.org_ids[0])
    else:
        owner = stats.org_for_figures(request.auth, None)
    orgs = [org_or_422(request.auth, pk) for pk in payload.org_ids or []]
    positions = list(visible_positions(request.auth).filter(pk__in=payload.position_ids or []))
    if len(positions) != len(set(payload.position_ids or [])):
        raise v.invalid("position_ids", _("服务阵地不存在或不在您的辖区内。"), "invalid_position")
    lawyer = legal_aid.create_lawyer(
        owner=owner,
        name=payload.name,
        firm=payload.firm,
        phone=payload.phone,
        positions=positions,
        orgs=orgs,
        engagements=[e.dict() for e in payload.engagements],
        actor=request.auth,
        request=request,
    )
    return HttpStatus(201, lawyer_out(lawyer))


@router.get("/lawyers", response=list[LawyerOut], auth=staff_user_auth, summary="The roster")
def list_lawyers(request):
    return [
        lawyer_out(lw) for lw in access.visible_lawyers(request.auth).select_related("owner")[:500]
    ]


class AidIn(Schema):
    org_id: int
    applicant: PersonIn
    employer: EmployerIn
    matter: str | None = Field(None, max_length=8000)
    monthly_income: Any = None
    groups: list[str] | None = None
    local: bool = True


class CriterionOut(Schema):
    criterion: str
    passed: bool
    reason: str
    overridden: bool = False
    override_reason: str = ""


class AidCreated(Schema):
    id: int
    case_no: str
    status: str
    eligibility: list[CriterionOut]


class AidDetail(AidCreated):
    status_label: str
    org: dict
    applicant_name: str
    applicant_phone: str
    employer_name: str
    employer_uscc: str
    matter: str
    monthly_income: str | None
    groups: list[str]
    eligible: bool
    lawyer: dict | None
    conflict_override: str
    reject_reason: str
    referral: str
    outcome: str
    recovered: str
    actions: list[str]
    timeline: list[EventOut]


def aid_created(case) -> dict:
    return {
        "id": case.pk,
        "case_no": case.case_no,
        "status": case.status,
        "eligibility": case.eligibility,
    }


def aid_detail(case, user) -> dict:
    return {
        **aid_created(case),
        "status_label": str(AidStatus(case.status).label),
        "org": {"id": case.org_id, "name": case.org.name},
        "applicant_name": case.applicant_name,
        "applicant_phone": pii.mask(pii.PHONE, case.applicant_phone),
        "employer_name": case.employer_name,
        "employer_uscc": case.employer_uscc,
        "matter": case.matter,
        "monthly_income": money(case.monthly_income),
        "groups": case.groups,
        "eligible": case.eligible,
        "lawyer": {"id": case.lawyer_id, "name": case.lawyer.name, "firm": case.lawyer.firm}
        if case.lawyer_id
        else None,
        "conflict_override": case.conflict_override,
        "reject_reason": case.reject_reason,
        "referral": case.referral,
        "outcome": case.outcome,
        "recovered": money(case.recovered_total),
        "actions": [t.action for t in AID.allowed(case, user)],
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "label": label(AID, e.action),
                "actor": e.actor_label,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "public": e.public,
            }
            for e in case.events.all()
        ],
    }


@router.post(
    "/legal-aid",
    response={201: AidCreated},
    auth=staff_user_auth,
    summary="Record an application for legal aid",
)
def create_aid(request, payload: AidIn):
    org = org_or_422(request.auth, payload.org_id)
    case = legal_aid.create_aid_case(
        org=org,
        applicant=payload.applicant.dict(),
        employer=payload.employer.dict(),
        matter=payload.matter,
        monthly_income=payload.monthly_income,
        groups=payload.groups,
        local=payload.local,
        actor=request.auth,
        request=request,
    )
    return HttpStatus(201, aid_created(case))


@router.get(
    "/legal-aid",
    response=list[AidDetail],
    auth=staff_user_auth,
    summary="Legal-aid cases in your scope",
)
def list_aid(request, page: int = 1):
    qs = (
        access.visible_aid_cases(request.auth)
        .select_related("org", "lawyer")
        .defer("org__boundary")
    )
    start = (max(page, 1) - 1) * PAGE_SIZE
    return [aid_detail(c, request.auth) for c in qs[start : start + PAGE_SIZE]]


@router.get(
    "/legal-aid/{int:case_id}",
    response=AidDetail,
    auth=staff_user_auth,
    summary="One legal-aid case",
)
def get_aid(request, case_id: int):
    return aid_detail(access.get_aid_case_for(request.auth, case_id), request.auth)


class MatchOut(Schema):
    party_id: int
    party_name: str
    party_uscc: str
    lawyer_id: int | None
    source: str
    case_ref: str
    basis: str
    score: float


@router.get(
    "/legal-aid/{int:case_id}/conflicts",
    response=list[MatchOut],
    auth=staff_user_auth,
    summary="The conflict check for a lawyer (or everyone)",
)
def aid_conflicts(request, case_id: int, lawyer_id: int | None = None):
    case = access.get_aid_case_for(request.auth, case_id)
    if lawyer_id is not None and not (
        legal_aid.assignable_lawyers(case.org).filter(pk=lawyer_id).exists()
    ):
        # Another district's lawyer is not this case's business: their declared
        # engagements must not be probed through it.
        raise v.invalid("lawyer_id", _("律师不存在或不服务于本单位。"), "invalid_lawyer")
    matches = conflicts.check(name=case.employer_name, uscc=case.employer_uscc, lawyer_id=lawyer_id)
    return [m.as_dict() for m in matches]


class AssignIn(Schema):
    lawyer_id: int
    override_reason: str | None = Field(None, max_length=500)


@router.post(
    "/legal-aid/{int:case_id}/assign",
    response=AidDetail,
    auth=staff_user_auth,
    summary="Accept with a lawyer (409 on a conflict)",
)
def aid_assign(request, case_id: int, payload: AssignIn):
    case = access.get_aid_case_for(request.auth, case_id)
    legal_aid.assign(
        case,
        lawyer_id=payload.lawyer_id,
        override_reason=payload.override_reason,
        actor=request.auth,
        request=request,
    )
    return aid_detail(access.get_aid_case_for(request.auth, case_id), request.auth)


class OverrideIn(Schema):
    criterion: str
    reason: str | None = Field(None, max_length=500)


@router.post(
    "/legal-aid/{int:case_id}/override",
    response=AidDetail,
    auth=staff_user_auth,
    summary="Pass a failed criterion (supervisor, audited)",
)
def aid_override(request, case_id: int, payload: OverrideIn):
    case = access.get_aid_case_for(request.auth, case_id)
    legal_aid.override(
        case,
        criterion=payload.criterion,
        reason=payload.reason,
        actor=request.auth,
        request=request,
    )
    return aid_detail(access.get_aid_case_for(request.auth, case_id), request.auth)


class AidActionIn(Schema):
    reason: str | None = Field(None, max_length=500)
    referral: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=4000)
    outcome: str | None = None
    recovered: Any = None


@router.post(
    "/legal-aid/{int:case_id}/{action}",
    response=AidDetail,
    auth=staff_user_auth,
    summary="Reject, serve or close a legal-aid case",
)
def aid_action(request, case_id: int, action: str, payload: AidActionIn | None = None):
    case = access.get_aid_case_for(request.auth, case_id)
    data = payload.dict(exclude_none=True) if payload else {}
    legal_aid.act(case, action, actor=request.auth, request=request, **data)
    return aid_detail(access.get_aid_case_for(request.auth, case_id), request.auth)
