"""Worker H5 pages for membership: join in one short form, my membership, the electronic
member card with its QR code, a transfer request, and the card check staff scan."""

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.accounts.models import Worker
from gonghui.accounts.worker_session import worker_required
from gonghui.core import audit, dates, pii
from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _message
from gonghui.members import api as members_api
from gonghui.members import services
from gonghui.members.choices import ApplicationStatus, MemberStatus
from gonghui.members.forms import FIELD_OF_ERROR, JoinForm, TransferForm
from gonghui.members.models import JoinApplication, Member

CARD_SALT = "gonghui.members.card"


@worker_required
def join(request: HttpRequest, worker: Worker) -> HttpResponse:
    """我要入会: one short form; a member is told so and offered a transfer instead."""
    error, error_field, code = "", "", ""
    if request.method == "POST":
        form = JoinForm(request.POST)
        form.is_valid()  # every field is optional here; the service decides
        data = form.cleaned_data
        try:
            services.submit_application(
                services.JoinRequest(
                    name=data.get("name", ""),
                    id_number=data.get("id_number", ""),
                    declaration=bool(data.get("declaration")),
                    privacy_consent=bool(data.get("privacy_consent")),
                    **form.work(),
                ),
                worker=worker,
                request=request,
            )
        except (ValidationError, ServiceError) as exc:
            error, code = _message(exc), getattr(exc, "code", "")
            error_field = FIELD_OF_ERROR.get(code, "")
        else:
            return redirect("members_h5:me")
    else:
        if services.member_of_worker(worker) is not None:
            return redirect("members_h5:me")
        form = JoinForm()
    return render(
        request,
        "members/h5/join.html",
        {
            "form": form,
            "error": error,
            "error_field": error_field,
            "offer_transfer": code == "already_member",
            "masked_phone": pii.mask(pii.PHONE, worker.phone),
        },
    )


STATUS_HELP = {
    "none": gettext_lazy("您还不是工会会员。入会只要三分钟。"),
    "pending": gettext_lazy("您的入会申请正在由%(org)s审核，%(due)s前会有结果，我们会短信通知您。"),
    "rejected": gettext_lazy(
        "您的入会申请没有获批准：%(reason)s。如有疑问请拨打12351，也可以重新申请。"
    ),
    "active": gettext_lazy("您是工会会员，会籍在%(org)s。"),
    "lapsed": gettext_lazy("您的会籍目前中断，请联系%(org)s恢复。"),
    "ended": gettext_lazy("您的会籍已终止，可以重新申请入会。"),
}


@worker_required
def me(request: HttpRequest, worker: Worker) -> HttpResponse:
    """我的会员 (also ``/h5/members/``, the member's home): the membership state, periods,
    a pending transfer, links to card and transfer."""
    state = members_api.me_payload(worker)
    return render(
        request,
        "members/h5/me.html",
        {"state": state, "help_text": _status_help(state), "worker": worker},
    )


def _status_help(state: dict) -> str:
    """The membership state in one plain sentence (who reviews, by when, why refused)."""
    app = state.get("application") or {}
    org = (state.get("union") or app.get("union") or {}).get("name", "")
    due = app.get("due_at")
    return STATUS_HELP[state["status"]] % {
        "org": (app.get("union") or {}).get("name", org) if state["status"] == "pending" else org,
        "due": dates.spoken_day(due) if due else "",
        "reason": app.get("reason", ""),
    }


@require_POST
@worker_required
def withdraw(request: HttpRequest, worker: Worker) -> HttpResponse:
    """The worker withdraws their pending application (e.g. sent by mistake)."""
    application = (
        JoinApplication.objects.filter(worker=worker, status=ApplicationStatus.PENDING)
        .order_by("-id")
        .first()
    )
    if application is not None:
        services.withdraw_application(application, worker=worker)
    return redirect("members_h5:me")


def card_token(member: Member) -> str:
    return signing.Signer(salt=CARD_SALT).sign(member.member_number)


def verify_url(request: HttpRequest, member: Member) -> str:
    return request.build_absolute_uri(
        reverse("members_h5:verify", kwargs={"token": card_token(member)})
    )


@worker_required
def card(request: HttpRequest, worker: Worker) -> HttpResponse:
    """电子会员卡: name, member number, union, and a QR code staff scan to check it.

    Without an active membership the page says what the card waits for (an application
    under review, a lapse, none yet) instead of sending the worker elsewhere unexplained."""
    member = services.member_of_worker(worker)
    if member is None or member.status != MemberStatus.ACTIVE:
        state = members_api.me_payload(worker)
        return render(
            request,
            "members/h5/card_pending.html",
            {"state": state, "help_text": _status_help(state)},
        )
    url = verify_url(request, member)
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#1b1f24", border=2)
    return render(
        request,
        "members/h5/card.html",
        {
            "member": member,
            "masked_id": pii.mask(pii.ID_NUMBER, member.id_number),
            "qr_svg": qr,
            "verify_url": url,
        },
    )


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The page a scan of the card opens: valid or not, with masked data; each check audited."""
    try:
        number = signing.Signer(salt=CARD_SALT).unsign(token)
    except signing.BadSignature:
        number = None
    member = (
        Member.objects.select_related("org").filter(member_number=number).first()
        if number
        else None
    )
    valid = member is not None and member.status == MemberStatus.ACTIVE
    if member is not None:
        audit.record(
            "member.card_verify",
            actor=request.user if request.user.is_authenticated else None,
            actor_label="" if request.user.is_authenticated else "scan",
            obj=member,
            request=request,
            valid=valid,
        )
    return render(
        request,
        "members/h5/verify.html",
        {
            "member": member,
            "valid": valid,
            "masked_name": _mask_name(member.name) if member else "",
            "masked_id": pii.mask(pii.ID_NUMBER, member.id_number) if member else "",
        },
        status=200 if member is not None else 404,
    )


def _mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: enough to match the person in front of you."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[:1] + "*" * (len(name) - 2) + name[-1:]


@worker_required
def transfer(request: HttpRequest, worker: Worker) -> HttpResponse:
    """申请转会: the new employer or the new place; the old union confirms or time does."""
    member = services.member_of_worker(worker)
    if member is None:
        return redirect("members_h5:join")
    error, error_field = "", ""
    if request.method == "POST":
        form = TransferForm(request.POST)
        form.is_valid()
        try:
            services.worker_transfer(
                member,
                worker=worker,
                reason=form.cleaned_data.get("reason", ""),
                request=request,
                **form.work(),
            )
        except (ValidationError, ServiceError) as exc:
            error = _message(exc)
            error_field = FIELD_OF_ERROR.get(getattr(exc, "code", ""), "")
        else:
            return redirect("members_h5:me")
    else:
        form = TransferForm()
    return render(
        request,
        "members/h5/transfer.html",
        {"form": form, "error": error, "error_field": error_field, "member": member},
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """个人信息保护告知: what joining collects, why, who sees it, for how long, the worker's
    rights; public, so it can be read before signing in. Its version is recorded with
    each application's consent."""
    return render(
        request,
        "members/h5/privacy.html",
        {"version": services.PRIVACY_NOTICE_VERSION},
    )
