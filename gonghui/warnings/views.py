"""Console pages: the warnings list, one warning with its workflow, and the monthly
hot topic (printable, and as a PDF made by WeasyPrint)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ServiceError, error_message
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.warnings import hot_topics, services, workflow
from gonghui.warnings.choices import WarningStatus


def _require_staff(request: HttpRequest) -> None:
    if not access.scope_paths(request.user):
        raise Http404


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    qs = services.visible_warnings(request.user).select_related("org").defer("org__boundary")
    if status in WarningStatus.values:
        qs = qs.filter(status=status)
    now = timezone.now()
    rows = list(qs.order_by("status", "-created_at")[:200])
    for w in rows:
        w.late = w.overdue or (
            w.status in (WarningStatus.OPEN, WarningStatus.STUDIED) and w.due_at < now
        )
    return render(
        request,
        "warnings/console/index.html",
        {"rows": rows, "status": status, "statuses": WarningStatus.choices, "section": "list"},
    )


def _render_detail(request, warning, *, error: str = "", status: int = 200) -> HttpResponse:
    steps = []
    for tr in workflow.WORKFLOW.allowed(warning, request.user):
        steps.append({"action": tr.action, "label": str(tr.label)})
    invitable = (
        access.visible_orgs(request.user)
        .filter(kind__in=[OrgKind.DISTRICT, OrgKind.STREET])
        .defer("boundary")
        .order_by("path")[:400]
    )
    evidence = warning.evidence.select_related("street", "district").defer(
        "street__boundary", "district__boundary"
    )
    return render(
        request,
        "warnings/console/detail.html",
        {
            "warning": warning,
            "steps": steps,
            "invitable": invitable if any(s["action"] == "study" for s in steps) else [],
            "evidence": evidence.order_by("created_at")[:100],
            "events": warning.events.order_by("at", "id"),
            "invited": warning.invited_orgs.defer("boundary"),
            "error": error,
            "section": "list",
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    return _render_detail(request, services.access_warning(request.user, warning_id))


@login_required
@require_POST
def step(request: HttpRequest, warning_id: int, action: str) -> HttpResponse:
    warning = services.access_warning(request.user, warning_id)
    if action not in workflow.WORKFLOW:
        raise Http404
    try:
        invited = [int(x) for x in request.POST.getlist("invited_org_ids") if x.isdigit()]
        services.act(
            warning,
            action,
            actor=request.user,
            note=request.POST.get("note", "")[:4000],
            invited_org_ids=invited,
            request=request,
        )
    except (ServiceError, ValidationError) as exc:
        text = error_message(exc)
        return _render_detail(request, warning, error=text, status=getattr(exc, "status", 400))
    messages.success(request, _("已完成：%(step)s。") % {"step": workflow.WORKFLOW.label(action)})
    return redirect("warnings:detail", warning.pk)


def _report(request: HttpRequest) -> tuple[dict, str]:
    try:
        month = hot_topics.parse_month(request.GET.get("month"))
    except ValidationError as exc:
        return {}, " ".join(exc.messages)
    return hot_topics.report(request.user, month), ""


@login_required
@require_GET
def hot(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    report, error = _report(request)
    chart = {}
    if report:
        chart = {
            "months": report["months"],
            "series": [{"name": t["label"], "data": t["trend"]} for t in report["top"]],
        }
    return render(
        request,
        "warnings/console/hot_topics.html",
        {"report": report, "error": error, "chart": chart, "section": "hot"},
        status=400 if error else 200,
    )


@login_required
@require_GET
def hot_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a PDF (WeasyPrint), for printing and filing."""
    from weasyprint import HTML

    _require_staff(request)
    report, error = _report(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    html = render_to_string(
        "warnings/console/hot_topics_print.html", {"report": report}, request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hot-topics-{report["month"]}.pdf"'
    return response
