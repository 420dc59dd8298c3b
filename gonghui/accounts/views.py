from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gonghui.accounts import services
from gonghui.accounts.forms import StaffLoginForm
from gonghui.core.errors import ServiceError


@sensitive_post_parameters("password")
def staff_login(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = StaffLoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_staff(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                via="console",
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            login(request, user)
            return redirect(next_url or "core:home")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": next_url},
        status=status,
    )


@require_POST
def staff_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
