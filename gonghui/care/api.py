"""The care API (/api/v1/care): programmes, relief applications with their checklist,
staged review and 公示; mutual-aid claims; statistics. Workers see their own
applications only; staff their org subtree; everything else is a 404."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticError

from gonghui.accounts.auth import WorkerBearer, staff_user_auth
from gonghui.accounts.models import Worker
from gonghui.care import access, services, stats
from gonghui.care.choices import STAGE_OF, Status
from gonghui.care.models import Application, Programme
from gonghui.care.workflow import WORKFLOW
from gonghui.core import pii
from gonghui.members.models import Member
from gonghui.orgs.access import get_org_for, scoped

router = Router(tags=["care"])
any_auth = [WorkerBearer(), *staff_user_auth]


class MaterialOut(Schema):
    code: str
    name: str
    required_if: dict | None = None


class ProgrammeOut(Schema):
    code: str
    name: str
    materials: list[MaterialOut]


@router.get("/programmes", response=list[dict], auth=None, summary="Relief programmes")
def programmes(request):
    out = []
    for p in Programme.objects.filter(active=True):
        if "materials" not in p.rules:
            continue  # the mutual-aid plan has no checklist of its own
        mats = []
        for m in p.rules.get("materials", []):
            item = {"code": m["code"], "name": m["name"]}
            if m.get("required_if"):
                item["required_if"] = m["required_if"]
            mats.append(item)
        out.append({"code": p.code, "name": p.name, "materials": mats})
    return out


class ApplicantIn(Schema):
    name: str = Field(max_length=80)
    id_number: str = Field(max_length=40)
    phone: str | None = Field(None, max_length=30)


class ApplicationIn(Schema):
    programme: str = Field(max_length=40)
    applicant: ApplicantIn
    facts: dict = {}


def _out(app: Application, principal, *, missing=None) -> dict:
    is_worker = isinstance(principal, Worker)
    events = app.events.all()
    if is_worker:
        events = events.filter(public=True)
    return {
        "id": app.pk,
        "programme": app.programme.code,
        "status": app.status,
        "status_label": str(Status(app.status).label),
        "stage": STAGE_OF.get(app.status, app.stage) if app.status != Status.DRAFT else None,
        "stage_due_on": app.stage_due_on,
        "name": app.name,
        "id_number": pii.mask(pii.ID_NUMBER, app.id_number),
        "union": {"id": app.org_id, "name": app.org.name},
        "facts": app.facts,
        "amount": str(app.amount),
        "missing": services.missing_for(app) if missing is None else missing,
        "returned_items": app.returned_items,
        "publicity_ends_on": app.publicity.ends_on if app.publicity_id else None,
        "timeline": [
            {
                "action": e.action,
                "label": e.label,
                "status": e.status,
                "note": e.note,
                "items": e.items,
                "at": e.at,
                **({} if is_worker else {"by": e.actor_label}),
            }
            for e in events
        ],
        "actions": [] if is_worker else [t.action for t in WORKFLOW.allowed(app, principal)],
        **(
            {}
            if is_worker
            else {
                "objections": [
                    {
                        "id": o.pk,
                        "reason": o.reason,
                        "status": o.status,
                        "answer": o.answer,
                        "at": o.created_at,
                    }
                    for o in app.objections.all()
                ]
            }
        ),
    }


@router.post("/applications", response={201: dict}, auth=any_auth, summary="Open an application")
def create_application(request, payload: ApplicationIn):
    app = services.create_application(
        payload.programme,
        payload.applicant.dict(),
        payload.facts,
        principal=request.auth,
        request=request,
    )
    return HttpStatus(
        201, {"id": app.pk, "status": app.status, "missing": services.missing_for(app)}
    )


@router.get("/applications", response=list[dict], auth=any_auth, summary="Applications in scope")
def list_applications(request, status: str | None = None):
    qs = access.visible_applications(request.auth)
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": a.pk,
            "programme": a.programme.code,
            "status": a.status,
            "name": a.name,
            "union": a.org.name,
            "amount": str(a.amount),
            "created_at": a.created_at,
        }
        for a in qs[:200]
    ]


@router.get("/applications/{pk}", response=dict, auth=any_auth, summary="One application")
def application_detail(request, pk: int):
    return _out(access.get_application_for(request.auth, pk), request.auth)


@router.post("/applications/{pk}/documents", response=dict, auth=any_auth, summary="Upload a paper")
def upload(request, pk: int, material: Form[str], file: File[UploadedFile]):
    app = services.upload_document(request.auth, pk, material, file, request=request)
    return {"id": app.pk, "status": app.status, "missing": services.missing_for(app)}


@router.post("/applications/{pk}/submit", response={200: dict, 422: dict}, auth=any_auth)
def submit(request, pk: int):
    try:
        app = services.submit(request.auth, pk, request=request)
    except services.Incomplete as exc:
        return HttpStatus(
            422, {"detail": exc.message, "code": exc.code, "missing": exc.extra["missing"]}
        )
    return {"id": app.pk, "status": app.status, "stage_due_on": app.stage_due_on}


class BulkIn(Schema):
    application_ids: list[int] = Field(min_length=1, max_length=1000)


@router.post("/bulk-approvals", response=dict, auth=staff_user_auth)
def bulk_approve(request, payload: BulkIn):
    """Approve a batch at each one's stage: all or none (409 ``batch_refused`` with
    ``failures``: ``[{"id", "code", "detail"}]``)."""
    apps = services.bulk_approve(request.auth, payload.application_ids, request=request)
    return {"approved": [{"id": a.pk, "status": a.status} for a in apps]}


class AmountIn(Schema):
    amount: str | float | int
    reason: str = Field(max_length=300)


# Declared before ``/{pk}/{action}`` so this path is matched first.
@router.post("/applications/{pk}/amount", response=dict, auth=staff_user_auth)
def override_amount(request, pk: int, payload: AmountIn):
    """The district's audited change of the amount before 公示."""
    app = services.override_amount(
        request.auth, pk, payload.amount, payload.reason, request=request
    )
    return _out(app, request.auth)


class DecisionIn(Schema):
    items: list[str] = []
    note: str = Field("", max_length=500)
    reason: str = Field("", max_length=500)


@router.post("/applications/{pk}/{action}", response=dict, auth=staff_user_auth)
def decide(request, pk: int, action: str):
    """``approve`` needs no body; ``return`` ``{"items", "note"}``; ``reject`` ``{"reason"}``."""
    if action not in ("approve", "return", "reject"):
        raise Http404
    try:
        is_json = request.content_type == "application/json" and request.body
        raw = json.loads(request.body) if is_json else {}
        payload = DecisionIn.model_validate(raw if isinstance(raw, dict) else {"items": raw})
    except (ValueError, PydanticError) as exc:
        raise ValidationError(_("请求内容格式不对。"), code="invalid_request") from exc
    app = services.decide(
        request.auth,
        pk,
        action,
        items=payload.items,
        note=payload.note,
        reason=payload.reason,
        request=request,
    )
    return _out(app, request.auth)


class PublicityIn(Schema):
    application_ids: list[int] = Field(min_length=1, max_length=500)
    starts_on: date


@router.post("/publicity", response={201: dict}, auth=staff_user_auth, summary="Start a 公示")
def publicity(request, payload: PublicityIn):
    pub = services.publicise(
        request.auth, payload.application_ids, payload.starts_on, request=request
    )
    return HttpStatus(
        201, {"id": pub.pk, "starts_on": pub.starts_on, "ends_on": pub.ends_on, "days": pub.days}
    )


def _publicity_for(principal, pk: int):
    """A 公示 as a worker may read it (any worker, while it runs) or as staff (inside
    their scope, any time); anything else is a 404."""
    from gonghui.care.models import Publicity

    qs = Publicity.objects.select_related("org")
    if isinstance(principal, Worker):
        now = services.today()
        qs = qs.filter(starts_on__lte=now, ends_on__gte=now)
    else:
        qs = scoped(qs, principal, "org__path")
    pub = qs.filter(pk=pk).first()
    if pub is None:
        raise Http404
    return pub


@router.get("/publicity/{pk}", response=dict, auth=any_auth, summary="One 公示, masked")
def publicity_detail(request, pk: int):
    pub = _publicity_for(request.auth, pk)
    apps = pub.applications.select_related("programme", "org").order_by("pk")
    return {
        "id": pub.pk,
        "org": pub.org.name,
        "starts_on": pub.starts_on,
        "ends_on": pub.ends_on,
        "applications": [
            {
                "id": a.pk,
                "programme": a.programme.name,
                "name": services.mask_name(a.name),
                "id_number": pii.mask(pii.ID_NUMBER, a.id_number),
                "union": a.org.name,
                "amount": str(a.amount),
                "status": a.status,
            }
            for a in apps
        ],
    }


class ObjectionIn(Schema):
    application_id: int
    reason: str = Field(max_length=500)


@router.post("/publicity/{pk}/objections", response={201: dict}, auth=any_auth)
def object_to(request, pk: int, payload: ObjectionIn):
    """An objection to one application of a running 公示; it holds the application."""
    o = services.raise_objection(
        request.auth, payload.application_id, payload.reason, publicity_id=pk, request=request
    )
    return HttpStatus(
        201, {"id": o.pk, "status": o.status, "application_status": o.application.status}
    )


class AnswerIn(Schema):
    answer: str = Field(max_length=500)


@router.post("/objections/{pk}/{action}", response=dict, auth=staff_user_auth)
def answer_objection(request, pk: int, action: str, payload: AnswerIn):
    """``uphold`` (the application is rejected with the answer) or ``dismiss``."""
    o = services.answer_objection(request.auth, pk, action, payload.answer, request=request)
    return {"id": o.pk, "status": o.status, "application_status": o.application.status}


class StatsQuery(Schema):
    org: int | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get("/stats", response=dict, auth=staff_user_auth, summary="Care statistics")
def care_stats(request, q: Query[StatsQuery]):
    if q.from_ and q.to and q.from_ > q.to:
        raise ValidationError(_("开始日期不能晚于结束日期。"), code="invalid_range")
    return stats.summary(request.auth, org_id=q.org, start=q.from_, end=q.to)


# --- hardship files ----------------------------------------------------------------------


class PersonIn(Schema):
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=40)
    relation: str = Field("head", max_length=10)
    income: str | float | int = 0
    health: str = Field("", max_length=100)
    work: str = Field("", max_length=100)


class FileIn(Schema):
    org_id: int
    category: str = Field(max_length=12)
    causes: str = Field("", max_length=300)
    union_opinion: str = Field("", max_length=500)
    people: list[PersonIn] = Field(max_length=20)


def _file_out(f) -> dict:
    return {
        "id": f.pk,
        "union": {"id": f.org_id, "name": f.org.name},
        "category": f.category,
        "status": f.status,
        "review_on": f.review_on,
        "closed_reason": f.closed_reason,
        "people": [
            {
                "name": p.name,
                "relation": p.relation,
                "id_number": pii.mask(pii.ID_NUMBER, p.id_number),
                "income": str(p.income),
            }
            for p in f.people.all()
        ],
        "assessment": services.assess(f),
        "aid": services.aid_on_file(f),
    }


@router.post("/hardship-files", response={201: dict}, auth=staff_user_auth)
def create_file(request, payload: FileIn):
    org = get_org_for(request.auth, payload.org_id)
    f = services.create_file(
        request.auth,
        org,
        category=payload.category,
        causes=payload.causes,
        union_opinion=payload.union_opinion,
        people=[p.dict() for p in payload.people],
        request=request,
    )
    return HttpStatus(201, _file_out(f))


@router.get("/hardship-files/{pk}", response=dict, auth=staff_user_auth)
def file_detail(request, pk: int):
    return _file_out(access.get_file_for(request.auth, pk))


class CloseIn(Schema):
    reason: str = Field(max_length=300)


@router.post("/hardship-files/{pk}/close", response=dict, auth=staff_user_auth)
def close_file(request, pk: int, payload: CloseIn):
    return _file_out(services.close_file(request.auth, pk, payload.reason, request=request))


# --- mutual-aid claims -------------------------------------------------------------------


class BillIn(Schema):
    number: str = Field(max_length=40)
    hospital: str = Field(max_length=100)
    date: str = Field(max_length=10)
    amount: str | float | int
    self_paid: str | float | int | None = None


class ClaimIn(Schema):
    member_id: int
    bills: list[BillIn] = Field(max_length=50)


@router.post("/mutual-aid/claims", response={201: dict}, auth=staff_user_auth)
def create_claim(request, payload: ClaimIn):
    member = (
        scoped(Member.objects.all(), request.auth, "org__path").filter(pk=payload.member_id).first()
    )
    if member is None:
        raise Http404
    bills = [{k: v for k, v in b.dict().items() if v is not None} for b in payload.bills]
    claim = services.create_claim(request.auth, member, bills, request=request)
    return HttpStatus(
        201,
        {
            "id": claim.pk,
            "status": claim.status,
            "claimed": str(claim.claimed),
            "payout": str(claim.payout),
            "flags": claim.flags,
        },
    )


@router.post("/mutual-aid/claims/{pk}/approve", response=dict, auth=staff_user_auth)
def approve_claim(request, pk: int):
    claim = services.approve_claim(request.auth, pk, request=request)
    return {"id": claim.pk, "status": claim.status, "payout": str(claim.payout)}


@router.post("/mutual-aid/enrolments", response=dict, auth=staff_user_auth)
def import_enrolments(request, org_id: Form[int], year: Form[int], file: File[UploadedFile]):
    """A union's roster for the year (xlsx: 姓名, 身份证号), with the refused rows."""
    from gonghui.care import enrolment

    org = get_org_for(request.auth, org_id)
    report = enrolment.import_roster(request.auth, org, year, file, request=request)
    return {"stored": report.stored, "refused": report.refused}


class ConfirmIn(Schema):
    org_id: int
    year: int


@router.post("/mutual-aid/enrolments/confirm", response=dict, auth=staff_user_auth)
def confirm_enrolments(request, payload: ConfirmIn):
    """The fee for the union's enrolments of the year is received."""
    from gonghui.care import enrolment

    org = get_org_for(request.auth, payload.org_id)
    return enrolment.confirm_payment(request.auth, org, payload.year, request=request)


class PaymentJobIn(Schema):
    org_id: int


def _job_out(job) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "total": job.total,
        "done": job.done,
        "last_error": job.last_error,
    }


@router.post("/mutual-aid/payment-jobs", response={201: dict}, auth=staff_user_auth)
def start_payment_job(request, payload: PaymentJobIn):
    from gonghui.care import jobs

    org = get_org_for(request.auth, payload.org_id)
    return HttpStatus(201, _job_out(jobs.start_payment_job(request.auth, org, request=request)))


@router.get("/mutual-aid/payment-jobs/{pk}", response=dict, auth=staff_user_auth)
def payment_job(request, pk: int):
    from gonghui.care.models import PaymentJob

    job = scoped(PaymentJob.objects.all(), request.auth, "org__path").filter(pk=pk).first()
    if job is None:
        raise Http404
    return _job_out(job)


# --- care campaigns ----------------------------------------------------------------------


class CampaignIn(Schema):
    org_id: int
    name: str = Field(max_length=80)
    kind: str = Field(max_length=8)
    groups: list[str] = Field(max_length=10)
    starts_on: date
    ends_on: date


@router.post("/campaigns", response={201: dict}, auth=staff_user_auth)
def create_campaign(request, payload: CampaignIn):
    org = get_org_for(request.auth, payload.org_id)
    c = services.create_campaign(
        request.auth,
        org,
        name=payload.name,
        kind=payload.kind,
        groups=payload.groups,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        request=request,
    )
    return HttpStatus(201, {"id": c.pk, "name": c.name, "kind": c.kind, "groups": c.groups})


class DistributionIn(Schema):
    org_id: int
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=40)
    group: str = Field(max_length=14)
    what: str = Field(max_length=100)
    amount: str | float | int
    place: str = Field("", max_length=100)
    given_on: date


def _campaign_for(request, pk: int):
    """A campaign run inside the person's scope, or above it (a district's 送温暖 is
    carried out by its streets' unions too); anything else is a 404."""
    from django.db.models import Q

    from gonghui.care.models import Campaign
    from gonghui.orgs.access import ancestor_paths, scope_paths, scope_q

    above = {a for p in scope_paths(request.auth) for a in ancestor_paths(p)}
    qs = Campaign.objects.select_related("org").filter(
        scope_q(request.auth, "org__path") | Q(org__path__in=above)
    )
    c = qs.filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


@router.post("/campaigns/{pk}/distributions", response={201: dict}, auth=staff_user_auth)
def distribute(request, pk: int, payload: DistributionIn):
    campaign = _campaign_for(request, pk)
    org = get_org_for(request.auth, payload.org_id)
    d = services.record_distribution(
        request.auth,
        campaign,
        org,
        name=payload.name,
        id_number=payload.id_number,
        group=payload.group,
        what=payload.what,
        amount=payload.amount,
        given_on=payload.given_on,
        place=payload.place,
        request=request,
    )
    return HttpStatus(
        201, {"id": d.pk, "name": d.name, "id_number": pii.mask(pii.ID_NUMBER, d.id_number)}
    )


@router.get("/campaigns/{pk}/coverage", response=dict, auth=staff_user_auth)
def campaign_coverage(request, pk: int):
    return services.coverage(_campaign_for(request, pk), principal=request.auth)


# --- bank transfer of approved relief (代发) -----------------------------------------------


class TransferIn(Schema):
    org_id: int


def _batch_out(b) -> dict:
    return {
        "id": b.pk,
        "reference": str(b),
        "lines": b.lines_count,
        "total": str(b.total),
        "answered": b.answered,
        "states": {s: b.lines.filter(state=s).count() for s in ("pending", "paid", "failed")},
    }


@router.post("/transfers", response={201: dict}, auth=staff_user_auth, summary="A 代发 batch")
def create_transfer(request, payload: TransferIn):
    from gonghui.care import transfers

    org = get_org_for(request.auth, payload.org_id)
    return HttpStatus(201, _batch_out(transfers.create_batch(request.auth, org, request=request)))


@router.get("/transfers/{pk}", response=dict, auth=staff_user_auth)
def transfer_detail(request, pk: int):
    from gonghui.care import transfers

    batch = transfers.visible_batches(request.auth).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return _batch_out(batch)


@router.get("/transfers/{pk}/file.xlsx", auth=staff_user_auth, summary="The bank's file")
def transfer_file(request, pk: int):
    from django.http import HttpResponse

    from gonghui.care import transfers

    batch = transfers.visible_batches(request.auth).filter(pk=pk).first()
    if batch is None:
        raise Http404
    services.require_staff_role(request.auth, batch.org)
    data = transfers.workbook(request.auth, batch, request=request)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{batch}.xlsx"'
    return response


@router.post("/transfers/{pk}/answer", response=dict, auth=staff_user_auth)
def transfer_answer(request, pk: int, file: File[UploadedFile]):
    """The bank's answer file: 流水号, 结果 (成功/失败), 失败原因; all rows or none."""
    from gonghui.care import transfers

    return transfers.import_answer(request.auth, pk, file, request=request)
