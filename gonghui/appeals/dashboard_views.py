"""The supervisor dashboard of appeals: the three rates, rankings by level, the monthly
trend, the district map and the Excel export (console, ``DASHBOARD_ROLES``)."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.appeals import export, forms, metrics, services
from gonghui.appeals.choices import OPEN_STATUSES
from gonghui.appeals.views import (
    DASHBOARD_ROLES,
    _context,
    _overdue,
    _require,
    _staff_roles,
    _with_orgs,
)
from gonghui.core import audit
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import drawing_geometry
from gonghui.orgs.models import Org


def _top_org(request: HttpRequest) -> Org:
    """The highest org where the user supervises: the dashboard's subject."""
    paths = [p for _o, role, p in _staff_roles(request) if role in DASHBOARD_ROLES]
    org = Org.objects.filter(path__in=paths).defer("boundary").order_by("depth", "path").first()
    if org is None:
        raise Http404
    return org


def _ranking(request: HttpRequest, kind: str, start: date, end: date) -> list[dict]:
    orgs = list(
        access.visible_orgs(request.user).filter(kind=kind).defer("boundary").order_by("path")
    )
    return metrics.ranking(orgs, start, end)


def _months_back(end: date, n: int) -> list[tuple[date, date]]:
    """Return (first day, last day capped at ``end``) of the n months up to ``end``'s month."""
    months = []
    year, month = end.year, end.month
    for _i in range(n):
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        months.append((first, min(nxt - timedelta(days=1), end)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _points(score: float | None) -> float | None:
    return None if score is None else round(score * 100, 1)


def _pct(rates: metrics.Rates) -> dict[str, str]:
    """Rates as percentages with one decimal, the score as points; a dash when unknown."""

    def show(value: float | None, suffix: str = "%") -> str:
        return "—" if value is None else f"{value * 100:.1f}{suffix}"

    return {
        "response": show(rates.response_rate),
        "resolution": show(rates.resolution_rate),
        "satisfaction": show(rates.satisfaction_rate),
        "score": show(rates.score, ""),
    }


CHART_LIMIT = 30  # bars per ranking chart; the table lists every ranked org


def _level(key: str, title: str, rows: list[dict]) -> dict:
    for row in rows:
        row["pct"] = _pct(row["rates"])
    ranked = [r for r in rows if not r["insufficient_volume"]]
    return {
        "key": key,
        "title": title,
        "ranked": ranked,
        "apart": [r for r in rows if r["insufficient_volume"]],
        "chart": {
            "names": [r["org"].display_name for r in ranked[:CHART_LIMIT]],
            "scores": [_points(r["rates"].score) for r in ranked[:CHART_LIMIT]],
        },
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The three rates and score of the user's top org, rankings, trend, map and counts."""
    _require(request, DASHBOARD_ROLES)
    top = _top_org(request)
    period = forms.PeriodForm(request.GET if request.GET else None)
    start, end = period.period()
    rates = metrics.for_org(top, start, end)
    levels = [
        _level("districts", _("区级排名"), _ranking(request, OrgKind.DISTRICT, start, end)),
        _level("streets", _("街道（乡镇）排名"), _ranking(request, OrgKind.STREET, start, end)),
    ]
    # A year of months; a month without evaluations is a gap (None), never a zero score.
    trend = [(first, metrics.for_org(top, first, last)) for first, last in _months_back(end, 12)]
    chart = {
        **{level["key"]: level["chart"] for level in levels},
        "trend": {
            "months": [f"{first:%Y-%m}" for first, _r in trend],
            "scores": [_points(r.score) for _f, r in trend],
        },
    }
    visible = services.visible_appeals(request.user)
    has_map = (
        access.visible_orgs(request.user)
        .filter(kind=OrgKind.DISTRICT)
        .exclude(boundary=None)
        .exists()
    )
    return render(
        request,
        "appeals/console/dashboard.html",
        _context(
            request,
            section="dashboard",
            top=top,
            period=period,
            start=start,
            end=end,
            rates=rates,
            pct=_pct(rates),
            levels=levels,
            chart=chart,
            has_map=has_map,
            overdue_count=_overdue(visible, timezone.now()).count(),
            supervised_count=visible.filter(status__in=OPEN_STATUSES, supervised=True).count(),
            query=f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}",
        ),
    )


@login_required
@require_GET
def dashboard_map(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the visible districts (simplified boundaries) with their score as value."""
    _require(request, DASHBOARD_ROLES)
    start, end = forms.PeriodForm(request.GET if request.GET else None).period()
    districts = list(
        access.visible_orgs(request.user).filter(kind=OrgKind.DISTRICT).exclude(boundary=None)
    )
    rows = {r["org"].pk: r for r in metrics.ranking(districts, start, end)}
    features = []
    for d in districts:
        row = rows[d.pk]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": d.display_name,
                    "id": d.pk,
                    "value": None if row["insufficient_volume"] else _points(row["rates"].score),
                    "evaluations": row["rates"].counts["evaluations"],
                },
                "geometry": drawing_geometry(d),
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The period's appeals in scope (phones masked) and the rates, as an Excel workbook."""
    _require(request, DASHBOARD_ROLES)
    top = _top_org(request)
    start, end = forms.PeriodForm(request.GET if request.GET else None).period()
    appeals = _with_orgs(
        services.visible_appeals(request.user).filter(created_at__date__range=(start, end))
    ).order_by("created_at", "pk")
    top_row = {"org": top, "rates": metrics.for_org(top, start, end)}
    rates = [
        top_row,
        *_ranking(request, OrgKind.DISTRICT, start, end),
        *_ranking(request, OrgKind.STREET, start, end),
    ]
    content, count = export.workbook(appeals.iterator(chunk_size=2000), rates, start=start, end=end)
    audit.record(
        "appeal.export",
        actor=request.user,
        org=top,
        request=request,
        **{"from": start.isoformat(), "to": end.isoformat(), "rows": count},
    )
    response = HttpResponse(content, content_type=export.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="appeals-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    )
    return response
