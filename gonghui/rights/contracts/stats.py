"""Coverage of collective contracts in an org's area: enterprises and workers covered by
an enterprise, regional or industry contract in force (filed or effective, within its
term), or by none; and the uncovered enterprises that have a union (who to approach
next). One statement with three EXISTS subqueries over the enterprises.

Enterprises carry no headcount, only a size band: workers are estimated from it
(``WORKERS_BY_SIZE``) and the answer says so; the contracts' own stated coverage is
summed beside it."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.orgs.choices import SizeBand
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.contracts.choices import Scope
from gonghui.rights.contracts.models import CollectiveContract
from gonghui.rights.contracts.services import IN_FORCE

WORKERS_BY_SIZE = {
    SizeBand.MICRO: 5,
    SizeBand.SMALL: 50,
    SizeBand.MEDIUM: 300,
    SizeBand.LARGE: 1500,
}


def _in_force(today: date):
    return CollectiveContract.objects.filter(
        status__in=IN_FORCE, starts_on__lte=today, ends_on__gte=today
    )


def annotated(org: Org, today: date):
    live = _in_force(today)
    ent = live.filter(scope=Scope.ENTERPRISE, enterprise_id=OuterRef("pk"))
    regional = live.filter(scope=Scope.REGIONAL).filter(
        Q(org_id=OuterRef("street_id")) | Q(org_id=OuterRef("union_id"))
    )
    industry = live.filter(scope=Scope.INDUSTRY).filter(
        Q(org_id=OuterRef("union_id"))
        | Q(industry=OuterRef("industry"), org__parent_id=OuterRef("street__parent_id"))
        | Q(industry=OuterRef("industry"), org_id=OuterRef("street__parent_id"))
    )
    return Enterprise.objects.filter(street__path__startswith=org.path).annotate(
        by_ent=Exists(ent), by_reg=Exists(regional), by_ind=Exists(industry)
    )


def coverage(org: Org, today: date | None = None, *, uncovered_limit: int = 50) -> dict:
    today = today or timezone.localdate()
    qs = annotated(org, today)
    covered = Q(by_ent=True) | Q(by_reg=True) | Q(by_ind=True)
    counts = {}
    for band, workers in WORKERS_BY_SIZE.items():
        counts[band] = workers
    rows = qs.values("size_band").annotate(
        n=Count("pk"),
        covered=Count("pk", filter=covered),
        ent=Count("pk", filter=Q(by_ent=True)),
        reg=Count("pk", filter=Q(by_reg=True, by_ent=False)),
        ind=Count("pk", filter=Q(by_ind=True, by_ent=False, by_reg=False)),
    )
    total = dict.fromkeys(
        ["enterprises", "covered", "ent", "reg", "ind", "workers", "covered_workers"], 0
    )
    for r in rows:
        w = counts.get(r["size_band"], 50)
        total["enterprises"] += r["n"]
        total["covered"] += r["covered"]
        total["ent"] += r["ent"]
        total["reg"] += r["reg"]
        total["ind"] += r["ind"]
        total["workers"] += r["n"] * w
        total["covered_workers"] += r["covered"] * w
    uncovered = (
        qs.exclude(covered)
        .filter(union__isnull=False)
        .select_related("street")
        .only("pk", "name", "street__name", "size_band", "union_id")
        .order_by("-size_band", "name")[:uncovered_limit]
    )
    stated = (
        _in_force(today)
        .filter(org_path__startswith=org.path)
        .aggregate(n=Coalesce(Sum("covered_workers"), Value(0)))["n"]
    )
    return {
        "org": {"id": org.pk, "name": org.name},
        "on": today,
        "enterprises": total["enterprises"],
        "covered_enterprises": total["covered"],
        "workers": total["workers"],
        "covered_workers": total["covered_workers"],
        "workers_estimated": True,
        "stated_covered_workers": stated,
        "by_scope": {
            "enterprise": total["ent"],
            "regional": total["reg"],
            "industry": total["ind"],
            "none": total["enterprises"] - total["covered"],
        },
        "uncovered_with_union": [
            {"id": e.pk, "name": e.name, "street": e.street.name, "size_band": e.size_band}
            for e in uncovered
        ],
    }
