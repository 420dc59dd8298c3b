"""Worker H5 pages: mobile-first, large tap targets, sign-in by one-time code."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.accounts import services
from gonghui.accounts.forms import CodeForm, PhoneForm
from gonghui.accounts.models import Worker
from gonghui.core import pii
from gonghui.core.errors import ServiceError

SESSION_KEY = "worker_id"


def current_worker(request: HttpRequest) -> Worker | None:
    worker_id = request.session.get(SESSION_KEY)
    if worker_id is None:
        return None
    return Worker.objects.filter(pk=worker_id).first()


def home(request: HttpRequest) -> HttpResponse:
    worker = current_worker(request)
    return render(
        request,
        "h5/home.html",
        {"worker": worker, "masked_phone": pii.mask(pii.PHONE, worker.phone) if worker else ""},
    )


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number; step 2: the code sent to it."""
    error = None
    phone_form = PhoneForm(request.POST or None)
    code_form = None
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
                error = getattr(exc, "message", None) or " ".join(exc.messages)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = worker.pk
                return redirect("h5:home")
    elif request.method == "POST" and phone_form.is_valid():
        try:
            services.request_otp(phone=phone_form.cleaned_data["phone"], request=request)
        except (ServiceError, ValidationError) as exc:
            error = getattr(exc, "message", None) or " ".join(exc.messages)
            if getattr(exc, "code", "") == "otp_resend_too_soon":
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
        else:
            code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
    return render(
        request,
        "h5/sign_in.html",
        {"phone_form": phone_form, "code_form": code_form, "error": error},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("h5:home")
