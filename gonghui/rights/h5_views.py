"""Worker pages: my mediation and legal-aid cases (status, the law's dates, the public
timeline, my documents) and "my union lawyer" for a station or street, with a form to
ask for help."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.accounts.models import Worker
from gonghui.accounts.worker_session import current_worker, worker_required
from gonghui.core import audit
from gonghui.core.errors import ServiceError
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org
from gonghui.rights import documents, legal_aid
from gonghui.rights.models import AidCase, Dispute
from gonghui.rights.workflow import DISPUTE, label


def _my_disputes(worker: Worker):
    return Dispute.objects.filter(applicants__phone_hash=worker.phone_hash).distinct()


def _my_dispute(worker: Worker, pk: int) -> Dispute:
    try:
        return _my_disputes(worker).select_related("org").defer("org__boundary").get(pk=pk)
    except (Dispute.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@worker_required
@require_GET
def my_cases(request: HttpRequest, worker: Worker) -> HttpResponse:
    return render(
        request,
        "rights/h5/my_cases.html",
        {
            "disputes": _my_disputes(worker).select_related("org").defer("org__boundary")[:50],
            "aid_cases": AidCase.objects.filter(applicant_phone_hash=worker.phone_hash)
            .select_related("lawyer")
            .order_by("-received_at")[:50],
        },
    )


@worker_required
@require_GET
def dispute(request: HttpRequest, worker: Worker, pk: int) -> HttpResponse:
    case = _my_dispute(worker, pk)
    events = [
        {"at": e.at, "label": label(DISPUTE, e.action), "note": e.note}
        for e in case.events.filter(public=True)
    ]
    return render(
        request,
        "rights/h5/dispute.html",
        {
            "d": case,
            "events": events,
            "claims": case.claims.all(),
            "has_agreement": case.agreed_at is not None,
            "offers_arbitration": documents.offers_arbitration(case),
            "offers_payment_order": documents.offers_payment_order(case),
        },
    )


DOCUMENTS = {
    "agreement": documents.agreement_pdf,
    "arbitration": documents.arbitration_pdf,
    "payment-order": documents.payment_order_pdf,
}


@worker_required
@require_GET
def document(request: HttpRequest, worker: Worker, pk: int, name: str) -> HttpResponse:
    case = _my_dispute(worker, pk)
    render_pdf = DOCUMENTS.get(name)
    if render_pdf is None:
        raise Http404
    try:
        content = render_pdf(case)
    except ServiceError as exc:
        raise Http404 from exc
    audit.record("dispute.document", actor_label="worker", obj=case, document=name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_no}-{name}.pdf"'
    return response


def my_lawyer(request: HttpRequest) -> HttpResponse:
    """Show the union lawyer of a position or street; a worker may ask them for help."""
    org = None
    position = None
    org_id = request.GET.get("org") or request.POST.get("org")
    if org_id:
        org = (
            Org.objects.defer("boundary").filter(pk=org_id if str(org_id).isdigit() else 0).first()
        )
    position_id = request.GET.get("position") or request.POST.get("position")
    if position_id and str(position_id).isdigit():
        from gonghui.stations.access import public_positions

        position = public_positions().filter(pk=position_id).select_related("street").first()
        if position is not None and org is None:
            org = position.street or position.owner
    lawyer = legal_aid.lawyer_for(org, position=position) if org is not None else None
    worker = current_worker(request)
    error, sent, status = "", False, 200
    if request.method == "POST":
        if lawyer is None:
            error, status = _("该街道暂未登记工会律师，请拨打12351。"), 422
        else:
            try:
                legal_aid.request_help(
                    lawyer=lawyer,
                    org=org,
                    name=request.POST.get("name", ""),
                    phone=worker.phone if worker else request.POST.get("phone", ""),
                    text=request.POST.get("text", ""),
                    worker=worker,
                )
            except (ValidationError, ServiceError) as exc:
                error = getattr(exc, "message", None) or " ".join(exc.messages)
                status = 422
            else:
                sent = True
    streets = Org.objects.filter(kind=OrgKind.STREET).defer("boundary").order_by("path")
    return render(
        request,
        "rights/h5/lawyer.html",
        {
            "org": org,
            "position": position,
            "lawyer": lawyer,
            "streets": streets,
            "worker": worker,
            "error": error,
            "sent": sent,
            "post": request.POST,
        },
        status=status,
    )
