"""The worker H5 shell: the home page, sign-in by one-time code and sign-out. Each app's
worker pages live in its own ``h5_views.py`` (namespace ``<app>_h5``)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gonghui.accounts import services
from gonghui.accounts.forms import CodeForm, PhoneForm
from gonghui.accounts.worker_session import SESSION_KEY, current_worker
from gonghui.accounts.worker_session import worker_required as worker_required
from gonghui.core import pii
from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _message


def _safe_next(request: HttpRequest, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def home(request: HttpRequest) -> HttpResponse:
    worker = current_worker(request)
    return render(
        request,
        "h5/home.html",
        {"worker": worker, "masked_phone": pii.mask(pii.PHONE, worker.phone) if worker else ""},
    )


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number; step 2: the code sent to it; then back to ``next``."""
    error = None
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    phone_form = PhoneForm(request.POST or None)
    code_form = None
    resend_wait = 0  # seconds until 重新获取验证码 may be tapped, counted down on the page
    if request.method == "POST" and "code" in request.POST:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                worker = services.verify_otp(
                    phone=code_form.cleaned_data["phone"],
                    code=code_form.cleaned_data["code"],
                    request=request,
                )
            except (ServiceError, ValidationError) as exc:
                error = _message(exc)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = worker.pk
                return redirect(next_url or "h5:home")
    elif request.method == "POST" and phone_form.is_valid():
        try:
            services.request_otp(phone=phone_form.cleaned_data["phone"], request=request)
        except (ServiceError, ValidationError) as exc:
            error = _message(exc)
            if getattr(exc, "code", "") == "otp_resend_too_soon":
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
                resend_wait = int(getattr(exc, "retry_after", 0) or 0)
        else:
            code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
            resend_wait = int(services.OTP_RESEND_AFTER.total_seconds())
    return render(
        request,
        "h5/sign_in.html",
        {
            "phone_form": phone_form,
            "code_form": code_form,
            "error": error,
            "next": next_url,
            "resend_wait": resend_wait,
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("h5:home")
