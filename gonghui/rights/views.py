"""Console pages: mediation cases (list, intake, one case with the steps this person may
take, its documents), legal-aid cases with the lawyer assignment, and the figures."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import audit
from gonghui.core.errors import ServiceError
from gonghui.core.workflow import roles_at
from gonghui.orgs import access as org_access
from gonghui.orgs.choices import OrgKind
from gonghui.rights import access, claims, documents, legal_aid, services, stats
from gonghui.rights.choices import (
    AidGroup,
    AidOutcome,
    AidStatus,
    ClaimKind,
    DisputeOutcome,
    DisputeStatus,
    ReferTo,
)
from gonghui.rights.workflow import AID, DISPUTE, OPEN, OVERRIDERS, label


def _require_staff(request: HttpRequest) -> None:
    if not org_access.scope_paths(request.user):
        raise Http404


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _bodies(user):
    """Orgs where the user may receive applications: districts, streets and unions."""
    return (
        org_access.visible_orgs(user)
        .exclude(kind=OrgKind.CITY)
        .defer("boundary")
        .order_by("path")[:500]
    )


@login_required
@require_GET
def disputes(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    qs = access.visible_disputes(request.user).select_related("org").defer("org__boundary")
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "rights/console/disputes.html",
        {
            "rows": qs[:200],
            "count": qs.count(),
            "status": status,
            "statuses": DisputeStatus.choices,
            "today": timezone.localdate(),
            "section": "disputes",
        },
    )


def _claims_from_post(post) -> list[dict]:
    return [
        {"kind": kind, "amount": post.get(f"claim_{kind}", "").strip()}
        for kind in ClaimKind.values
        if post.get(f"claim_{kind}", "").strip()
    ]


def _applicants_from_post(post) -> list[dict]:
    rows = [
        {
            "name": post.get("name", ""),
            "phone": post.get("phone", ""),
            "id_number": post.get("id_number", ""),
            "representative": True,
        }
    ]
    # More applicants, one a line: "姓名 手机号".
    for line in post.get("more_applicants", "").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            rows.append({"name": parts[0], "phone": parts[1]})
        elif parts:
            rows.append({"name": parts[0], "phone": ""})
    return rows


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            org = org_access.get_org_for(request.user, request.POST.get("org_id"))
            count = request.POST.get("workers_count", "").strip()
            dispute = services.create_dispute(
                services.DisputeIntake(
                    channel=request.POST.get("channel", ""),
                    applicants=_applicants_from_post(request.POST),
                    employer_name=request.POST.get("employer_name", ""),
                    employer_uscc=request.POST.get("employer_uscc", ""),
                    claims=_claims_from_post(request.POST),
                    facts=request.POST.get("facts", ""),
                    workers_count=int(count) if count.isdigit() else None,
                    known_since=_date(request.POST.get("known_since", "")),
                    employment_ended_on=_date(request.POST.get("employment_ended_on", "")),
                ),
                org=org,
                actor=request.user,
                request=request,
            )
        except Http404:
            error, status = _("单位不存在或不在您的辖区内。"), 422
        except (ValidationError, ServiceError) as exc:
            error, status = _message(exc), getattr(exc, "status", 422)
        else:
            return redirect("rights:dispute", dispute.pk)
    return render(
        request,
        "rights/console/intake.html",
        {
            "bodies": _bodies(request.user),
            "kinds": ClaimKind.choices,
            "error": error,
            "post": request.POST,
            "section": "intake",
        },
        status=status,
    )


def _dispute_page(request, dispute, *, error: str = "", status: int = 200) -> HttpResponse:
    steps = {t.action: t.label for t in DISPUTE.allowed(dispute, request.user)}
    events = [{"e": e, "label": label(DISPUTE, e.action)} for e in dispute.events.all()]
    return render(
        request,
        "rights/console/dispute.html",
        {
            "d": dispute,
            "steps": steps,
            "events": events,
            "claims": dispute.claims.all(),
            "applicants": dispute.applicants.all(),
            "sessions": dispute.sessions.all(),
            "kinds": ClaimKind.choices,
            "outcomes": DisputeOutcome.choices,
            "refer_to": ReferTo.choices,
            "has_agreement": dispute.agreed_at is not None,
            "claims_editable": dispute.status in OPEN and bool(steps),
            "offers_arbitration": documents.offers_arbitration(dispute),
            "offers_payment_order": documents.offers_payment_order(dispute),
            "today": timezone.localdate(),
            "error": error,
            "section": "disputes",
        },
        status=status,
    )


@login_required
@require_GET
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    return _dispute_page(request, access.get_dispute_for(request.user, pk))


@login_required
@require_POST
def dispute_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = access.get_dispute_for(request.user, pk)
    if action not in DISPUTE:
        raise Http404
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if action == "agree":
        data["items"] = _claims_from_post(request.POST)
    if action == "close":
        data["recovered"] = [
            {"kind": kind, "amount": request.POST.get(f"recovered_{kind}", "").strip()}
            for kind in ClaimKind.values
            if request.POST.get(f"recovered_{kind}", "").strip()
        ]
    try:
        services.act(case, action, actor=request.user, request=request, **data)
    except (ValidationError, ServiceError) as exc:
        return _dispute_page(
            request,
            access.get_dispute_for(request.user, pk),
            error=_message(exc),
            status=getattr(exc, "status", 422),
        )
    return redirect("rights:dispute", pk)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


DOCUMENTS = {
    "agreement": documents.agreement_pdf,
    "arbitration": documents.arbitration_pdf,
    "payment-order": documents.payment_order_pdf,
}


@login_required
@require_GET
def dispute_document(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    case = access.get_dispute_for(request.user, pk)
    render_pdf = DOCUMENTS.get(document)
    if render_pdf is None:
        raise Http404
    try:
        content = render_pdf(case)
    except ServiceError as exc:
        return _dispute_page(request, case, error=exc.message, status=exc.status)
    # The documents carry the applicants' full phone and ID numbers: audited.
    audit.record(
        "dispute.document", actor=request.user, obj=case, request=request, document=document
    )
    return _pdf(content, f"{case.case_no}-{document}.pdf")


# --- legal aid ----------------------------------------------------------------------------


@login_required
@require_GET
def aid_cases(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    qs = (
        access.visible_aid_cases(request.user)
        .select_related("org", "lawyer")
        .defer("org__boundary")
    )
    status = request.GET.get("status", "")
    if status in AidStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "rights/console/aid_cases.html",
        {
            "rows": qs[:200],
            "count": qs.count(),
            "status": status,
            "statuses": AidStatus.choices,
            "section": "aid",
        },
    )


def _aid_page(request, case, *, error: str = "", matches=None, status: int = 200):
    steps = {t.action: t.label for t in AID.allowed(case, request.user)}
    lawyers = (
        legal_aid.assignable_lawyers(case.org).distinct().order_by("name")[:200]
        if "assign" in steps
        else []
    )
    return render(
        request,
        "rights/console/aid_case.html",
        {
            "c": case,
            "steps": steps,
            "lawyers": lawyers,
            "matches": matches,
            "may_override": bool(roles_at(request.user, case.org) & OVERRIDERS),
            "events": [{"e": e, "label": label(AID, e.action)} for e in case.events.all()],
            "outcomes": AidOutcome.choices,
            "groups": dict(AidGroup.choices),
            "error": error,
            "section": "aid",
        },
        status=status,
    )


@login_required
@require_GET
def aid_case(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    return _aid_page(request, access.get_aid_case_for(request.user, pk))


@login_required
@require_POST
def aid_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = access.get_aid_case_for(request.user, pk)
    if action not in AID:
        raise Http404
    post = request.POST
    try:
        if action == "assign":
            legal_aid.assign(
                case,
                lawyer_id=post.get("lawyer_id"),
                override_reason=post.get("override_reason", ""),
                actor=request.user,
                request=request,
            )
        elif action == "override":
            legal_aid.override(
                case,
                criterion=post.get("criterion", ""),
                reason=post.get("reason", ""),
                actor=request.user,
                request=request,
            )
        else:
            data = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
            legal_aid.act(case, action, actor=request.user, request=request, **data)
    except legal_aid.ConflictFound as exc:
        return _aid_page(
            request,
            access.get_aid_case_for(request.user, pk),
            error=exc.message,
            matches=exc.extra["fields"]["matches"],
            status=409,
        )
    except (ValidationError, ServiceError) as exc:
        return _aid_page(
            request,
            access.get_aid_case_for(request.user, pk),
            error=_message(exc),
            status=getattr(exc, "status", 422),
        )
    return redirect("rights:aid_case", pk)


# --- figures ------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    org_id = request.GET.get("org") or None
    try:
        org = stats.org_for_figures(request.user, int(org_id) if org_id else None)
    except ValueError as exc:
        raise Http404 from exc
    today = timezone.localdate()
    end = _date(request.GET.get("to", "")) or today
    start = _date(request.GET.get("from", "")) or end.replace(year=end.year - 1)
    if start > end:
        start, end = end, start
    chart = {
        "monthly": stats.monthly(org, start, end),
        "children": stats.by_child(org, start, end),
    }
    return render(
        request,
        "rights/console/stats.html",
        {
            "org": org,
            "start": start,
            "end": end,
            "f": stats.figures(org, start, end),
            "chart": chart,
            "orgs": org_access.visible_orgs(request.user)
            .filter(kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET])
            .defer("boundary")
            .order_by("path")[:400],
            "section": "stats",
        },
    )


# --- claim items ----------------------------------------------------------------------------


@login_required
def edit_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a case's claim items before an agreement (the mediators of the body)."""
    dispute = access.get_dispute_for(request.user, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            claims.replace_claims(
                dispute,
                claims=_claims_from_post(request.POST),
                reason=request.POST.get("reason", ""),
                actor=request.user,
                request=request,
            )
        except (ValidationError, ServiceError) as exc:
            error, status = _message(exc), getattr(exc, "status", 422)
        else:
            return redirect("rights:dispute", pk)
    elif dispute.status not in OPEN:
        error, status = _("案件已达成协议或已结束，请求事项不能再修改。"), 409
    current = {c.kind: c.amount for c in dispute.claims.all()}
    rows = [
        {
            "kind": kind,
            "label": label_,
            "value": request.POST.get(f"claim_{kind}", "")
            if request.method == "POST"
            else (current.get(kind) or ""),
        }
        for kind, label_ in ClaimKind.choices
    ]
    return render(
        request,
        "rights/console/claims.html",
        {
            "d": dispute,
            "rows": rows,
            "locked": dispute.status not in OPEN,
            "reason": request.POST.get("reason", ""),
            "error": error,
            "section": "disputes",
        },
        status=status,
    )
