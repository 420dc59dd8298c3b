from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from gonghui.core import calendars
from gonghui.core.models import AuditLog
from gonghui.orgs import access
from gonghui.orgs.models import StaffRole


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer whether the app can reach its database (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = StaffRole.objects.filter(user=request.user).select_related("org").order_by("org__path")
    # City admins are reminded from 1 November until next year's holiday schedule is in.
    missing = calendars.missing_years() if access.city_admin_org(request.user) else []
    return render(request, "core/home.html", {"roles": roles, "calendar_missing": missing})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Show the audit of the user's subtree; nobody can edit it."""
    entries = access.scoped(AuditLog.objects.select_related("actor"), request.user, "org_path")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "action": action})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("没有找到该地址。"), "code": "not_found"}, status=404)
    if request.path.startswith("/console/"):
        return render(request, "console/404.html", status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400 for what Django refuses before a view (a bad Host header, a malformed body)."""
    if _wants_json(request):
        return JsonResponse({"detail": _("请求格式不正确。"), "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("您没有权限进行此操作。"), "code": "forbidden"}, status=403
        )
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("服务器内部错误，请稍后再试。"), "code": "server_error"}, status=500
        )
    return render(request, "500.html", status=500)
