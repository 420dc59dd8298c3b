from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.orgs import access, services
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import drawing_geometry
from gonghui.orgs.models import Org

UNION_KINDS = [OrgKind.GRASSROOTS, OrgKind.AREA_JOINT, OrgKind.MOBILE_JOINT, OrgKind.INDUSTRY]


def _nodes(qs):
    return qs.defer("boundary").annotate(n_children=Count("children")).order_by("path")


@login_required
@require_GET
def browser(request: HttpRequest) -> HttpResponse:
    """The org tree from the top of the user's scope, with a district map."""
    paths = access.scope_paths(request.user)
    roots = _nodes(Org.objects.filter(path__in=paths))
    districts = access.visible_orgs(request.user).filter(kind=OrgKind.DISTRICT)
    return render(
        request,
        "orgs/console/browser.html",
        {"roots": roots, "has_map": districts.exclude(boundary=None).exists()},
    )


@login_required
@require_GET
def children(request: HttpRequest, org_id: int) -> HttpResponse:
    """The htmx partial that expands one node of the tree."""
    org = access.get_org_for(request.user, org_id)
    return render(request, "orgs/console/_nodes.html", {"nodes": _nodes(org.children.all())})


@login_required
@require_GET
def detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access.get_org_for(request.user, org_id)
    below = services.subtree(org).exclude(pk=org.pk)
    counts = dict(below.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    stats = [(OrgKind(k).label, counts[k]) for k in OrgKind.values if counts.get(k)]
    enterprises = (
        org.enterprises.select_related("union")
        if org.kind == OrgKind.STREET
        else org.covered_enterprises.select_related("street")
    )
    if org.kind in (OrgKind.CITY, OrgKind.DISTRICT):
        from gonghui.orgs.models import Enterprise

        enterprises = Enterprise.objects.filter(street__path__startswith=org.path).select_related(
            "street", "union"
        )
    q = request.GET.get("q", "").strip()
    if q:
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    ent_page = Paginator(enterprises.order_by("name"), 20).get_page(request.GET.get("page"))
    coverage = None
    if org.kind == OrgKind.DISTRICT:
        coverage = services.paired_contact_coverage(Org.objects.filter(pk=org.pk))[0]
    ancestors = Org.objects.filter(path__in=access.ancestor_paths(org.path)).exclude(pk=org.pk)
    ancestors = [a for a in ancestors if access.can_see(request.user, a)]
    return render(
        request,
        "orgs/console/detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "children": _nodes(org.children.all())[:400],
            "stats": stats,
            "ent_page": ent_page,
            "q": q,
            "coverage": coverage,
            "paired": getattr(org, "paired_contact", None) if org.kind == OrgKind.STREET else None,
        },
    )


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Paired-contact coverage (streets covered / streets) per district in scope."""
    districts = access.visible_orgs(request.user).filter(kind=OrgKind.DISTRICT)
    rows = services.paired_contact_coverage(districts)
    chart = {
        "names": [r["district"].display_name for r in rows],
        "rates": [r["rate"] or 0 for r in rows],
    }
    return render(request, "orgs/console/coverage.html", {"rows": rows, "chart": chart})


@login_required
@require_GET
def district_map(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the visible districts (simplified for drawing) with union counts."""
    districts = list(
        access.visible_orgs(request.user).filter(kind=OrgKind.DISTRICT).exclude(boundary=None)
    )
    counts = services.count_below(districts, UNION_KINDS)
    features = [
        {
            "type": "Feature",
            "properties": {"name": d.display_name, "id": d.pk, "value": counts.get(d.pk, 0)},
            "geometry": drawing_geometry(d),
        }
        for d in districts
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
