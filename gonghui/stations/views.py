"""Staff console pages of the station network: registry, editing, import/export,
star assessment and the annual round, coverage and usage."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import audit
from gonghui.core.errors import ServiceError, error_message
from gonghui.core.inputs import YEAR_MAX, YEAR_MIN, year_in_range
from gonghui.core.request_guard import error_response
from gonghui.orgs import access as org_access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import drawing_geometry
from gonghui.stations import access, coverage, forms, hours, services, spreadsheet
from gonghui.stations.choices import CRITERIA_WEIGHTS, STAR_THRESHOLDS, Criterion, Kind, Status
from gonghui.stations.models import Position

PAGE_SIZE = 50


def _message(exc: Exception) -> str:
    return error_message(exc, field_sep="；")


def _districts(user):
    return (
        org_access.visible_orgs(user)
        .filter(kind=OrgKind.DISTRICT)
        .defer("boundary")
        .order_by("path")
    )


def _filtered(request: HttpRequest):
    qs = access.visible_positions(request.user)
    f = {k: request.GET.get(k, "").strip() for k in ("district", "kind", "status", "q")}
    if f["district"].isdigit():
        qs = qs.filter(district_id=int(f["district"]))
    if f["kind"] in Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["status"] in Status.values:
        qs = qs.filter(status=f["status"])
    if f["q"]:
        qs = qs.filter(name__icontains=f["q"])
    return qs, f


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    qs = qs.select_related("owner", "district").defer("owner__boundary", "district__boundary")
    page = Paginator(qs.order_by("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(
        request,
        "stations/console/index.html",
        {
            "page": page,
            "f": f,
            "query": query,
            "districts": _districts(request.user),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "counts": dict(qs.order_by().values_list("kind").annotate(n=Count("id"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = forms.PositionForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_position(form.values(), actor=request.user, request=request)
        except (ValidationError, ServiceError, Http404) as exc:
            error = (
                _message(exc) if not isinstance(exc, Http404) else _("该工会不在您的管辖范围内。")
            )
        else:
            return redirect("stations:detail", pk=p.pk)
    return render(
        request,
        "stations/console/edit.html",
        {"form": form, "error": error, "position": None},
        status=422 if error or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.get_position_for(request.user, pk)
    action = request.POST.get("action", "")
    error = None
    edit = forms.PositionForm(
        request.POST if action == "edit" else None,
        user=request.user,
        initial=forms.PositionForm.initial_for(position),
    )
    status_form = forms.StatusForm(
        request.POST if action == "status" else None, initial={"status": position.status}
    )
    closure_form = forms.ClosureForm(request.POST if action == "closure" else None)
    assess_form = forms.AssessmentForm(
        request.POST if action == "assess" else None,
        initial={"assessed_on": timezone.localdate()},
    )
    photo_form = forms.PhotoForm(
        request.POST if action == "photo" else None, request.FILES if action == "photo" else None
    )
    bound = {
        "edit": edit,
        "status": status_form,
        "closure": closure_form,
        "assess": assess_form,
        "photo": photo_form,
    }
    if request.method == "POST" and action == "remove_closure":
        closure = position.closures.filter(pk=request.POST.get("closure") or 0).first()
        if closure is None:
            raise Http404
        try:
            services.remove_closure(closure, actor=request.user, request=request)
        except ServiceError as exc:
            error = _message(exc)
        else:
            return redirect(reverse("stations:detail", args=[pk]) + "?done=closure")
    elif request.method == "POST":
        form = bound.get(action)
        if form is None:
            error = _("未知的操作。")
        elif form.is_valid():
            try:
                if action == "edit":
                    services.update_position(
                        position, form.values(), actor=request.user, request=request
                    )
                elif action == "status":
                    services.set_status(
                        position,
                        form.cleaned_data["status"],
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                elif action == "closure":
                    services.add_closure(
                        position, actor=request.user, request=request, **form.cleaned_data
                    )
                elif action == "photo":
                    services.add_photo(
                        position,
                        data=form.cleaned_data["photo"].read(),
                        caption=form.cleaned_data["caption"],
                        actor=request.user,
                        request=request,
                    )
                elif action == "assess":
                    services.assess(
                        position,
                        scores=form.scores(),
                        assessed_on=form.cleaned_data["assessed_on"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                        request=request,
                    )
            except (ValidationError, ServiceError) as exc:
                error = _message(exc)
            except Http404:
                error = _("该工会不在您的管辖范围内。")
            else:
                return redirect(reverse("stations:detail", args=[pk]) + f"?done={action}")
    usage = coverage.monthly_usage(Position.objects.filter(pk=pk))
    avg, n_ratings = services.average_rating(position)
    return render(
        request,
        "stations/console/detail.html",
        {
            "position": position,
            "can_manage": access.can_manage(request.user, position.owner),
            "answer": hours.answer_for(position),
            "hours_lines": hours.describe(position.hours),
            "edit": edit,
            "status_form": status_form,
            "closure_form": closure_form,
            "assess_form": assess_form,
            "photo_form": photo_form,
            "photos": position.photos.all(),
            "error": error,
            "done": request.GET.get("done"),
            "history": position.changes.all()[:50],
            "assessments": position.assessments.all()[:20],
            "closures": position.closures.all(),
            "reports": position.reports.select_related("appeal").order_by("-at")[:20],
            "usage": {
                "months": usage["months"],
                "counts": usage["rows"].get(pk, [0] * len(usage["months"])),
            },
            "average": avg,
            "n_ratings": n_ratings,
            "criteria": [(c.label, CRITERIA_WEIGHTS[c]) for c in Criterion],
        },
        status=422 if error or any(f.errors for f in bound.values()) else 200,
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    qs = qs.select_related("owner").defer("owner__boundary").order_by("pk")
    content = spreadsheet.export_workbook(qs.iterator(chunk_size=2000))
    audit.record(
        "station.export", actor=request.user, request=request, **{k: v for k, v in f.items() if v}
    )
    response = HttpResponse(content, content_type=spreadsheet.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="stations.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    results = None
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            results = spreadsheet.import_workbook(
                form.cleaned_data["file"].read(), actor=request.user, request=request
            )
        except ValidationError as exc:
            error = _message(exc)
    ok = sum(1 for r in results or [] if r.ok)
    return render(
        request,
        "stations/console/import.html",
        {
            "form": form,
            "results": results,
            "error": error,
            "ok": ok,
            "bad": len(results or []) - ok,
            "headers": spreadsheet.headers(),
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def assessment_round(request: HttpRequest) -> HttpResponse:
    """The annual round: positions in scope not yet assessed this year."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not year_in_range(year):
        return _out_of_range(request, "year")
    qs, f = _filtered(request)
    due = (
        services.due_for_assessment(qs, year=year).select_related("owner").defer("owner__boundary")
    )
    page = Paginator(due.order_by("last_assessed_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stations/console/round.html",
        {
            "year": year,
            "page": page,
            "total": qs.exclude(status=Status.CLOSED).count(),
            "criteria": [(c.label, CRITERIA_WEIGHTS[c]) for c in Criterion],
            "thresholds": STAR_THRESHOLDS,
        },
    )


def _at(request: HttpRequest) -> datetime:
    raw = request.GET.get("at", "")
    try:
        at = parse_datetime(raw) if raw else None
    except ValueError:
        at = None  # well-formed but impossible, such as 2026-02-30T10:00
    if at is not None and not year_in_range(at.year):
        raise OutOfRange("at")
    if at is None:
        return timezone.now()
    return at if timezone.is_aware(at) else at.replace(tzinfo=hours.SHANGHAI)


class OutOfRange(Exception):
    """A date parameter outside the years the system accepts (answered 400)."""


def _out_of_range(request: HttpRequest, name: str) -> HttpResponse:
    return error_response(
        request,
        400,
        "out_of_range",
        _("%(field)s 超出允许的日期范围（%(min)d–%(max)d 年）。")
        % {"field": name, "min": YEAR_MIN, "max": YEAR_MAX},
    )


@login_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    try:
        at = _at(request)
    except OutOfRange as exc:
        return _out_of_range(request, str(exc))
    positions = access.visible_positions(request.user)
    usage = coverage.monthly_usage(positions)
    complained = coverage.most_complained(positions)
    return render(
        request,
        "stations/console/coverage.html",
        {
            "at": timezone.localtime(at),
            "least": coverage.least_used(positions),
            "complained": complained,
            "chart": {
                "usage": {"months": usage["months"], "total": usage["total"]},
                "complained": {
                    "names": [p.name for p, _n in complained],
                    "counts": [n for _p, n in complained],
                },
                "kinds": {k: str(label) for k, label in Kind.choices},
            },
        },
    )


@login_required
@require_GET
def coverage_data(request: HttpRequest) -> JsonResponse:
    """Per district: counts per kind, density, and the gap polygons at ``at`` (GeoJSON)."""
    try:
        at = _at(request)
    except OutOfRange as exc:
        return JsonResponse(
            {
                "detail": _("%(field)s 超出允许的日期范围（%(min)d–%(max)d 年）。")
                % {"field": str(exc), "min": YEAR_MIN, "max": YEAR_MAX},
                "code": "out_of_range",
            },
            status=400,
        )
    districts = list(
        org_access.visible_orgs(request.user).filter(kind=OrgKind.DISTRICT).exclude(boundary=None)
    )
    rows = coverage.district_coverage(districts, at)
    features = []
    for r in rows:
        features.append(
            {
                "type": "Feature",
                "properties": {"name": r.district.display_name, "gap": False},
                "geometry": drawing_geometry(r.district),
            }
        )
    for r in rows:
        if r.gap_geometry:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": f"gap:{r.district.display_name}", "gap": True},
                    "geometry": r.gap_geometry,
                }
            )
    return JsonResponse(
        {
            "at": timezone.localtime(at).isoformat(),
            "districts": [
                {
                    "id": r.district.pk,
                    "name": r.district.display_name,
                    "area_km2": r.area_km2,
                    "counts": r.counts,
                    "total": r.total,
                    "per_10km2": r.per_10km2,
                    "open_warm": r.open_warm,
                    "gap_km2": r.gap_km2,
                    "gap_share": r.gap_share,
                }
                for r in rows
            ],
            "geo": {"type": "FeatureCollection", "features": features},
        }
    )
