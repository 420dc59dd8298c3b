"""Console pages of the legal health checks: the list with a form to start one, one
check (answers for the stage it is at, its steps, findings and follow-ups, the chair's
link, the report), and the coverage figures with charts."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import ServiceError, error_message
from gonghui.orgs import access as org_access
from gonghui.orgs.choices import OrgKind
from gonghui.rights.health import access, documents, services, stats
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.choices import CheckStatus, Result
from gonghui.rights.health.workflow import HEALTH_CHECK


def _require_staff(request: HttpRequest) -> None:
    if not org_access.scope_paths(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def health_checks(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    error = ""
    if request.method == "POST":
        uscc = request.POST.get("uscc", "").strip().upper()
        enterprise = access.visible_enterprises(request.user).filter(uscc=uscc).first()
        if enterprise is None:
            error = _("辖区内没有这个统一社会信用代码的用人单位。")
        else:
            try:
                hc = services.create(
                    enterprise,
                    actor=request.user,
                    chair_name=request.POST.get("chair_name", "").strip(),
                    request=request,
                )
            except (ValidationError, ServiceError) as exc:
                error = error_message(exc)
            else:
                return redirect("rights:health_check", hc.pk)
    status = request.GET.get("status", "")
    qs = access.visible_health_checks(request.user).select_related("enterprise", "street")
    qs = qs.defer("street__boundary")
    if status in CheckStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "rights/console/health_checks.html",
        {
            "rows": qs[:200],
            "count": qs.count(),
            "status": status,
            "statuses": CheckStatus.choices,
            "error": error,
            "post": request.POST,
            "section": "health",
        },
        status=422 if error else 200,
    )


def _page(request, hc, *, error: str = "", status: int = 200) -> HttpResponse:
    tree = hc.checklist.tree
    answers = {a.check_id: a for a in hc.answers.all()}
    rows = [
        {"check": c, "answer": answers.get(c["id"]), "articles": documents.articles_for(c)}
        for c in cl.checks(tree)
    ]
    stage = services.ANSWER_STAGES.get(hc.status)
    can_answer = False
    if stage:
        org = hc.street if stage[1] == "street" else hc.district
        can_answer = bool(org_access.roles_at(request.user, org) & set(services.STAFF))
    link = ""
    if hc.status == CheckStatus.SELF_ASSESSMENT:
        link = request.build_absolute_uri(
            reverse("rights_h5:health_check", args=[services.link_token(hc)])
        )
    findings = list(hc.findings.select_related("owner").prefetch_related("follow_ups"))
    return render(
        request,
        "rights/console/health_check.html",
        {
            "hc": hc,
            "rows": rows,
            "areas": cl.area_scores(tree, services.results_of(hc)),
            "results": Result.choices,
            "can_answer": can_answer,
            "steps": HEALTH_CHECK.allowed(hc, request.user),
            "findings": findings,
            "link": link,
            "events": list(hc.events.all()),
            "today": timezone.localdate(),
            "error": error,
            "section": "health",
        },
        status=status,
    )


@login_required
@require_GET
def health_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.get_health_check_for(request.user, pk))


@login_required
@require_POST
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    hc = access.get_health_check_for(request.user, pk)
    rows = [
        {
            "check_id": c["id"],
            "result": request.POST.get(f"result_{c['id']}"),
            "note": request.POST.get(f"note_{c['id']}", ""),
        }
        for c in cl.checks(hc.checklist.tree)
        if request.POST.get(f"result_{c['id']}")
    ]
    try:
        services.save_answers(hc, rows, actor=request.user, request=request)
    except (ValidationError, ServiceError) as exc:
        return _page(request, hc, error=error_message(exc), status=getattr(exc, "status", 422))
    return redirect("rights:health_check", pk)


@login_required
@require_POST
def step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    hc = access.get_health_check_for(request.user, pk)
    if action not in HEALTH_CHECK or action in ("self_submit", "close"):
        raise Http404
    try:
        services.act(
            hc, action, actor=request.user, request=request, note=request.POST.get("note", "")
        )
    except (ValidationError, ServiceError) as exc:
        hc = access.get_health_check_for(request.user, pk)
        return _page(request, hc, error=error_message(exc), status=getattr(exc, "status", 422))
    return redirect("rights:health_check", pk)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    hc = access.get_health_check_for(request.user, pk)
    finding = access.get_finding_for(request.user, hc, finding_id)
    try:
        services.follow_up(
            finding,
            actor=request.user,
            note=request.POST.get("note", ""),
            closed=request.POST.get("closed") == "1",
            visited_on=_date(request.POST.get("visited_on", "")),
            request=request,
        )
    except (ValidationError, ServiceError) as exc:
        return _page(request, hc, error=error_message(exc), status=getattr(exc, "status", 422))
    return redirect("rights:health_check", pk)


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    hc = access.get_health_check_for(request.user, pk)
    response = HttpResponse(documents.report_pdf(hc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="health-check-{hc.pk}.pdf"'
    return response


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    orgs = (
        org_access.visible_orgs(request.user)
        .filter(kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET])
        .defer("boundary")
        .order_by("path")
    )
    org_id = request.GET.get("org", "")
    org = None
    if org_id.isdigit():
        org = orgs.filter(pk=int(org_id)).first()
        if org is None:
            raise Http404
    org = org or orgs.first()
    if org is None:
        raise Http404
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    figures = stats.coverage(org, year)
    return render(
        request,
        "rights/console/health_coverage.html",
        {"f": figures, "org": org, "year": year, "orgs": orgs[:400], "section": "health"},
    )
