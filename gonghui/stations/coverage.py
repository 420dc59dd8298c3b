"""Coverage of the network: counts per kind and density per district, the areas farther
than 1 km from any open warm station at a given hour, usage and complaints.

Buffers are drawn in a local metric plane (an equirectangular projection centred on
the district, error well under 1 % across a Beijing district), unioned, and subtracted
from the district polygon; the gaps are projected back to GCJ-02 for the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from shapely import affinity
from shapely.geometry import MultiPoint, mapping, shape
from shapely.ops import unary_union

from gonghui.orgs.models import Org
from gonghui.stations import hours as hours_mod
from gonghui.stations.choices import Kind, Status
from gonghui.stations.models import CheckIn, Closure, Position, PositionReport

GAP_RADIUS_M = 1000
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LNG_EQ = 111_320.0


def _to_plane(geom, lat0: float, lng0: float):
    kx = M_PER_DEG_LNG_EQ * math.cos(math.radians(lat0))
    return affinity.affine_transform(
        geom, [kx, 0, 0, M_PER_DEG_LAT, -lng0 * kx, -lat0 * M_PER_DEG_LAT]
    )


def _from_plane(geom, lat0: float, lng0: float):
    kx = M_PER_DEG_LNG_EQ * math.cos(math.radians(lat0))
    return affinity.affine_transform(geom, [1 / kx, 0, 0, 1 / M_PER_DEG_LAT, lng0, lat0])


@dataclass
class DistrictCoverage:
    district: Org
    area_km2: float
    counts: dict[str, int]
    total: int
    per_10km2: float
    open_warm: int
    gap_km2: float
    gap_share: float
    gap_geometry: dict | None


def open_warm_points(district_id: int, at: datetime) -> list[tuple[float, float]]:
    """Return (lat, lng) of the warm stations in a district open at ``at``."""
    local = hours_mod.local(at)
    rows = list(
        Position.objects.filter(
            district_id=district_id, kind=Kind.WARM_STATION, status=Status.OPEN
        ).values_list("id", "lat", "lng", "hours", "closed_on_holidays")
    )
    closures: dict[int, list] = {}
    for pid, s, e in Closure.objects.filter(
        position__district_id=district_id, start__lte=local.date(), end__gte=local.date()
    ).values_list("position_id", "start", "end"):
        closures.setdefault(pid, []).append((s, e))
    points = []
    for pid, lat, lng, week, holidays in rows:
        sched = hours_mod.Schedule.build(
            week, closed_on_holidays=holidays, closures=closures.get(pid, ())
        )
        if sched.open_at(local):
            points.append((lat, lng))
    return points


def gaps(district: Org, points: list[tuple[float, float]], *, simplify_m: float = 60):
    """Return (district area km², gap area km², gap geometry in GCJ-02 or None)."""
    poly = shape(district.boundary)
    c = poly.representative_point()
    lat0, lng0 = c.y, c.x
    plane = _to_plane(poly, lat0, lng0)
    area = plane.area / 1e6
    if points:
        # Buffering a MultiPoint unions the circles in one GEOS call.
        centres = _to_plane(MultiPoint([(lng, lat) for lat, lng in points]), lat0, lng0)
        cover = unary_union(centres.buffer(GAP_RADIUS_M, quad_segs=8))
        gap = plane.difference(cover)
    else:
        gap = plane
    gap_km2 = gap.area / 1e6
    if gap.is_empty:
        return area, 0.0, None
    drawn = _from_plane(gap.simplify(simplify_m, preserve_topology=True), lat0, lng0)
    return area, gap_km2, mapping(drawn)


def district_coverage(districts, at: datetime | None = None) -> list[DistrictCoverage]:
    at = at or timezone.now()
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Position.objects.filter(district__in=districts)
        .exclude(status=Status.CLOSED)
        .values("district_id", "kind")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(row["district_id"], {})[row["kind"]] = row["n"]
    out = []
    for d in districts:
        by_kind = {k: counts.get(d.pk, {}).get(k, 0) for k in Kind.values}
        total = sum(by_kind.values())
        points = open_warm_points(d.pk, at)
        area, gap_km2, geometry = gaps(d, points)
        out.append(
            DistrictCoverage(
                district=d,
                area_km2=round(area, 1),
                counts=by_kind,
                total=total,
                per_10km2=round(total / area * 10, 2) if area else 0.0,
                open_warm=len(points),
                gap_km2=round(gap_km2, 1),
                gap_share=round(gap_km2 / area, 4) if area else 0.0,
                gap_geometry=geometry,
            )
        )
    return out


def monthly_usage(positions, *, months: int = 6, now: datetime | None = None) -> dict:
    """Return {"months": [...], "total": [...], "rows": {position_id: [count per month]}}."""
    now = now or timezone.now()
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    cursor = first
    for _ in range(months):
        starts.append(cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    starts.reverse()
    labels = [f"{s:%Y-%m}" for s in starts]
    rows: dict[int, list[int]] = {}
    totals = [0] * months
    qs = (
        CheckIn.objects.filter(position__in=positions, at__gte=starts[0])
        .annotate(month=TruncMonth("at"))
        .values("position_id", "month")
        .annotate(n=Count("id"))
    )
    for r in qs:
        label = (
            f"{timezone.localtime(r['month']):%Y-%m}"
            if timezone.is_aware(r["month"])
            else f"{r['month']:%Y-%m}"
        )
        if label not in labels:
            continue
        i = labels.index(label)
        rows.setdefault(r["position_id"], [0] * months)[i] += r["n"]
        totals[i] += r["n"]
    return {"months": labels, "total": totals, "rows": rows}


def least_used(positions, *, days: int = 90, limit: int = 10, now: datetime | None = None):
    since = (now or timezone.now()) - timedelta(days=days)
    return list(
        positions.filter(status=Status.OPEN)
        .annotate(uses=Count("checkins", filter=Q(checkins__at__gte=since)))
        .order_by("uses", "pk")[:limit]
    )


def most_complained(positions, *, days: int = 365, limit: int = 10, now: datetime | None = None):
    since = (now or timezone.now()) - timedelta(days=days)
    ids = (
        PositionReport.objects.filter(position__in=positions, at__gte=since)
        .values("position_id")
        .annotate(n=Count("id"))
        .order_by("-n", "position_id")[:limit]
    )
    by_id = {r["position_id"]: r["n"] for r in ids}
    found = Position.objects.in_bulk(list(by_id))
    return [(found[pid], n) for pid, n in by_id.items() if pid in found]
