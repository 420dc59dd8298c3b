"""Worker H5 pages of appeals: filing one, its receipt, tracking, evaluation, and the
worker's own appeals (mobile-first, large tap targets; sign-in is the H5 shell's)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.accounts.models import Worker
from gonghui.accounts.worker_session import SESSION_KEY, current_worker, worker_required
from gonghui.appeals import access, deadlines, duplicates, tracking, workflow
from gonghui.appeals import services as appeals
from gonghui.appeals.attachments import MAX_FILES
from gonghui.appeals.choices import Status
from gonghui.appeals.h5_forms import (
    AppealForm,
    EvaluateForm,
    TrackForm,
    first_error,
    new_form_token,
)
from gonghui.appeals.models import Appeal
from gonghui.core import pii
from gonghui.core.audit import client_ip
from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _message

# What a worker had typed when their session ended mid-form; given back after sign-in.
DRAFT_KEY = "h5_appeal_draft"

# Which field a refusal of ``create_appeal`` is about, to mark it on the page.
FIELD_OF_ERROR = {
    "invalid_text": "text",
    "invalid_kind": "kind",
    "invalid_category": "category",
    "invalid_uscc": "employer_uscc",
    "invalid_coordinates": "address",
    "outside_beijing": "address",
    "invalid_crs": "address",
    "too_many_attachments": "attachments",
    "attachment_too_large": "attachments",
    "invalid_attachment": "attachments",
}
LOCATION_ERRORS = {"invalid_coordinates", "outside_beijing", "invalid_crs"}

# What each status means for the worker, in plain words.
STATUS_HELP = {
    Status.RECEIVED: gettext_lazy("我们已收到您的问题，正在交给负责的工会办理。"),
    Status.DISPATCHED: gettext_lazy("已交给%(org)s，工作人员会尽快接手。"),
    Status.ACCEPTED: gettext_lazy("%(org)s已接手，工作人员会打电话联系您。"),
    Status.IN_PROGRESS: gettext_lazy("工作人员已和您联系，正在办理。"),
    Status.RESOLVED: gettext_lazy("已经办完。请看下面的答复，并告诉我们问题解决了没有。"),
    Status.CLOSED: gettext_lazy("已经办完，谢谢您的评价。"),
    Status.MERGED: gettext_lazy("您的问题和其他人反映的相同问题合在一起办理（工单号%(main)s）。"),
}


# --- filing an appeal ---------------------------------------------------------------------------


def appeal_new(request: HttpRequest) -> HttpResponse:
    """我要反映问题: a refused submission comes back with everything the worker typed."""
    worker = current_worker(request)
    if worker is None:
        if request.method == "POST":
            # The session ended while they wrote: keep the words for after sign-in.
            request.session[DRAFT_KEY] = {
                field: request.POST.get(field, "")[: 2 * appeals.TEXT_MAX]
                for field in AppealForm.KEPT_FIELDS
            }
        return redirect_to_login(reverse("appeals_h5:appeal_new"), reverse("h5:sign_in"))

    error, error_field = "", ""
    earlier = None
    files = request.FILES.getlist("attachments")
    if request.method == "POST":
        form = AppealForm(request.POST)
        key = f"worker:{worker.pk}:h5:{request.POST.get('form_token', '')}"
        resent = Appeal.objects.filter(idempotency_key=key).exists()  # same form again
        if form.is_valid() and not request.POST.get("confirm_new") and not resent:
            earlier = duplicates.earlier_for_worker(
                Appeal.objects.all(),
                phone_hash=pii.digest(pii.PHONE, worker.phone),
                text=form.cleaned_data["text"],
            )
        if form.is_valid() and earlier is None:
            token = form.cleaned_data["form_token"]
            try:
                appeal, _created = appeals.create_appeal(
                    form.intake(phone=worker.phone),
                    worker=worker,
                    actor_label=f"worker:{worker.pk}",
                    files=files,
                    idempotency_key=f"worker:{worker.pk}:h5:{token}",
                    request=request,
                )
            except (ValidationError, ServiceError) as exc:
                error = _message(exc)
                code = getattr(exc, "code", "")
                error_field = FIELD_OF_ERROR.get(code, "")
                if code in LOCATION_ERRORS:
                    # Sending the same point again would fail again: let them retry or type.
                    data = request.POST.copy()
                    data["lat"] = data["lng"] = ""
                    form = AppealForm(data)
            else:
                return redirect("appeals_h5:appeal_receipt", ticket_no=appeal.ticket_no)
        elif earlier is None:
            error, error_field = first_error(form), next(iter(form.errors))
    else:
        draft = request.session.pop(DRAFT_KEY, None)
        if draft:
            form = AppealForm({**draft, "form_token": draft.get("form_token") or new_form_token()})
        else:
            form = AppealForm(initial={"form_token": new_form_token(), "kind": ""})
    return render(
        request,
        "appeals/h5/appeal_new.html",
        {
            "form": form,
            "error": error,
            "error_field": error_field,
            "earlier": earlier,
            "files_dropped": bool((error or earlier) and files),
            "masked_phone": pii.mask(pii.PHONE, worker.phone),
            "text_min": appeals.TEXT_MIN,
            "text_max": appeals.TEXT_MAX,
            "max_files": MAX_FILES,
        },
    )


def _deadline_facts(appeal: Appeal) -> dict:
    """Return what the pages say about time limits, in hours and working days."""
    _accept_hours, contact_h, resolve_days = deadlines.policy_for(appeal.urgency, appeal.category)
    return {
        "policy_contact_hours": contact_h,
        "policy_resolve_days": resolve_days,
        "show_contact_by": appeal.contact_by is not None
        and appeal.status in {Status.DISPATCHED, Status.ACCEPTED},
        "show_resolve_by": appeal.resolve_by is not None and appeal.is_open,
    }


@worker_required
def appeal_receipt(request: HttpRequest, worker: Worker, ticket_no: str) -> HttpResponse:
    """The receipt, only for the worker who filed the appeal (anyone else: 404)."""
    appeal = get_object_or_404(
        Appeal.objects.select_related("assigned_org"), ticket_no=ticket_no, worker=worker
    )
    return render(
        request,
        "appeals/h5/appeal_receipt.html",
        {
            "appeal": appeal,
            "masked_phone": pii.mask(pii.PHONE, appeal.phone),
            **_deadline_facts(appeal),
        },
    )


# --- tracking, evaluation and "my appeals" -------------------------------------------------------


def _not_found_message() -> str:
    # One message for a missing ticket and a wrong pair: no hint which one it was.
    return _("没有找到该工单，请核对工单号和手机号后四位。")


def _status_page(
    request: HttpRequest,
    appeal: Appeal,
    *,
    owner: bool,
    phone_last4: str = "",
    eval_form: EvaluateForm | None = None,
    error: str = "",
    notice: str = "",
) -> HttpResponse:
    events = list(appeal.events.filter(public=True).order_by("at", "id"))
    timeline = [
        {
            "at": e.at,
            "label": workflow.label(e.action),
            # The reply is shown in full above the timeline; do not repeat it.
            "note": ""
            if e.action in {"resolve", "answer_directly"} and e.note == appeal.reply
            else e.note,
        }
        for e in reversed(events)
    ]
    org = appeal.assigned_org.name if appeal.assigned_org else _("负责的工会")
    main = appeal.merged_into.ticket_no if appeal.merged_into else ""
    return render(
        request,
        "appeals/h5/appeal_status.html",
        {
            "appeal": appeal,
            "owner": owner,
            "phone_last4": phone_last4,
            "status_help": STATUS_HELP[appeal.status] % {"org": org, "main": main},
            "timeline": timeline,
            "eval_form": eval_form or EvaluateForm(),
            "can_evaluate": appeal.status == Status.RESOLVED,
            "show_reply": bool(appeal.reply) and appeal.status in {Status.RESOLVED, Status.CLOSED},
            "error": error,
            "notice": notice,
            **_deadline_facts(appeal),
        },
    )


def _tracked_appeals():
    return Appeal.objects.select_related("assigned_org", "merged_into")


def _own_ticket(worker: Worker | None, ticket_no: str) -> Appeal | None:
    """The signed-in worker's own appeal with this ticket number, if it is theirs."""
    ticket_no = (ticket_no or "").strip()[:30]
    if worker is None or not ticket_no:
        return None
    return access.worker_appeals(worker).filter(ticket_no=ticket_no).first()


def track(request: HttpRequest) -> HttpResponse:
    """查询办理进度 by ticket number and the last 4 digits of the phone, throttled per IP.

    A signed-in worker is not asked for the digits of their own phone again: their own
    tickets (filed by them or logged for their phone) open straight away."""
    error = ""
    worker = current_worker(request)
    if request.method == "POST":
        own = _own_ticket(worker, request.POST.get("ticket_no", ""))
        if own is not None:
            return redirect("appeals_h5:my_appeal", ticket_no=own.ticket_no)
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                appeal = tracking.look_up(
                    form.cleaned_data["ticket_no"],
                    form.cleaned_data["phone_last4"],
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                error = exc.message
            else:
                if appeal is not None:
                    appeal = _tracked_appeals().get(pk=appeal.pk)
                    return _status_page(
                        request,
                        appeal,
                        owner=_owns(request, appeal),
                        phone_last4=form.cleaned_data["phone_last4"],
                    )
                error = _not_found_message()
        else:
            error = first_error(form)
    else:
        own = _own_ticket(worker, request.GET.get("ticket_no", ""))
        if own is not None:
            return redirect("appeals_h5:my_appeal", ticket_no=own.ticket_no)
        form = TrackForm(initial={"ticket_no": request.GET.get("ticket_no", "").strip()[:30]})
    return render(
        request,
        "appeals/h5/track.html",
        {"form": form, "error": error, "worker": worker},
    )


def _owns(request: HttpRequest, appeal: Appeal) -> bool:
    return appeal.worker_id is not None and appeal.worker_id == request.session.get(SESSION_KEY)


@require_POST
def track_evaluate(request: HttpRequest) -> HttpResponse:
    """Rate a resolved appeal: its owner by session, anyone else by ticket + last 4 digits."""
    ticket_no = request.POST.get("ticket_no", "").strip()[:30]
    phone_last4 = request.POST.get("phone_last4", "").strip()[:4]
    worker = current_worker(request)
    own = _own_ticket(worker, ticket_no)
    appeal = _tracked_appeals().get(pk=own.pk) if own is not None else None
    owner = appeal is not None
    if appeal is None:
        # Anyone but the owner presents the same proof as for tracking, under the same
        # limits: the evaluation must not be a way around the ticket's lockout.
        try:
            appeal = tracking.look_up(ticket_no, phone_last4, ip=client_ip(request))
        except ServiceError as exc:
            error = exc.message
        else:
            error = _not_found_message()
        if appeal is None:
            form = TrackForm(initial={"ticket_no": ticket_no})
            return render(
                request, "appeals/h5/track.html", {"form": form, "error": error, "worker": worker}
            )
        appeal = _tracked_appeals().get(pk=appeal.pk)

    form = EvaluateForm(request.POST)
    if not form.is_valid():
        return _status_page(
            request,
            appeal,
            owner=owner,
            phone_last4=phone_last4,
            eval_form=form,
            error=first_error(form),
        )
    try:
        appeal = appeals.evaluate(
            appeal,
            resolved=form.cleaned_data["resolved"],
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
            actor_label=f"worker:{worker.pk}" if owner else "worker",
        )
    except (ValidationError, ServiceError) as exc:
        return _status_page(
            request,
            appeal,
            owner=owner,
            phone_last4=phone_last4,
            eval_form=form,
            error=_message(exc),
        )
    if form.cleaned_data["resolved"]:
        notice = _("谢谢您的评价！")
    else:
        notice = _("谢谢您告诉我们。您的问题已重新交给承办单位办理，工作人员会再联系您。")
    appeal = _tracked_appeals().get(pk=appeal.pk)
    return _status_page(request, appeal, owner=owner, phone_last4=phone_last4, notice=notice)


@worker_required
def my_appeals(request: HttpRequest, worker: Worker) -> HttpResponse:
    """我的诉求: the worker's own appeals, newest first, with those the hotline logged for
    their phone."""
    appeals_qs = access.worker_appeals(worker).order_by("-created_at", "-id")
    page = Paginator(appeals_qs, 20).get_page(request.GET.get("page"))
    return render(request, "appeals/h5/my_appeals.html", {"page": page})


@worker_required
def my_appeal(request: HttpRequest, worker: Worker, ticket_no: str) -> HttpResponse:
    appeal = get_object_or_404(
        _tracked_appeals().filter(pk__in=access.worker_appeals(worker).values("pk")),
        ticket_no=ticket_no,
    )
    return _status_page(request, appeal, owner=True)
