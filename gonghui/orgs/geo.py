"""Find the district (and street, where a boundary exists) that contains a point.

Boundaries live on ``Org.boundary`` (GeoJSON, GCJ-02) and are loaded once per process
into a shapely STRtree; saving an org clears the cache in that process. Where
boundaries of the same kind overlap (the Economic-Technological Development Area,
once given its own polygon, lies inside 大兴区 and 通州区), the smallest one wins.
"""

import json
import math
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, mapping, shape
from shapely.prepared import prep

from gonghui.core.coords import to_gcj02
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

CRS_CHOICES = ("wgs84", "gcj02")


@dataclass(frozen=True)
class Area:
    org_id: int
    name: str
    kind: str
    admin_code: str | None
    area: float
    geometry: object
    prepared: object


@dataclass(frozen=True)
class Location:
    lat: float  # GCJ-02
    lng: float
    inside_beijing: bool
    district: Area | None
    street: Area | None


_lock = threading.Lock()
_index: tuple[STRtree, list[Area], Area | None] | None = None


def _load() -> tuple[STRtree, list[Area], Area | None]:
    areas: list[Area] = []
    city: Area | None = None
    for org in Org.objects.exclude(boundary=None).only(
        "id", "name", "kind", "admin_code", "boundary"
    ):
        geom = shape(org.boundary)
        area = Area(org.id, org.name, org.kind, org.admin_code, geom.area, geom, prep(geom))
        if org.kind == OrgKind.CITY:
            city = area
        else:
            areas.append(area)
    return STRtree([a.geometry for a in areas]), areas, city


def _get_index():
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _load()
    return _index


def clear_cache() -> None:
    global _index
    with _lock:
        _index = None


@receiver(post_save, sender=Org)
@receiver(post_delete, sender=Org)
def _org_changed(sender, instance: Org, **kwargs) -> None:
    if instance.boundary is not None or _index is not None:
        clear_cache()


def validate_point(lat, lng, crs: str = "wgs84") -> tuple[float, float]:
    """Return (lat, lng) as floats or raise a ValidationError a person understands."""
    if crs not in CRS_CHOICES:
        raise ValidationError(_("坐标系只能是 wgs84 或 gcj02。"), code="invalid_crs")
    try:
        lat_f, lng_f = float(lat), float(lng)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("经纬度必须是数字。"), code="invalid_coordinates") from exc
    if not (math.isfinite(lat_f) and math.isfinite(lng_f)) or not (
        -90 <= lat_f <= 90 and -180 <= lng_f <= 180
    ):
        raise ValidationError(
            _("经纬度超出范围：纬度应在-90到90之间，经度应在-180到180之间。"),
            code="invalid_coordinates",
        )
    return lat_f, lng_f


def locate(lat: float, lng: float, crs: str = "wgs84") -> Location:
    """Return where in Beijing a point lies; ``inside_beijing`` is False outside the city."""
    lat, lng = validate_point(lat, lng, crs)
    g_lat, g_lng = to_gcj02(lat, lng, crs)
    tree, areas, city = _get_index()
    point = Point(g_lng, g_lat)
    hits = [areas[i] for i in tree.query(point) if areas[i].prepared.contains(point)]
    district = _smallest(h for h in hits if h.kind == OrgKind.DISTRICT)
    street = _smallest(h for h in hits if h.kind == OrgKind.STREET)
    inside = district is not None or (city is not None and city.prepared.contains(point))
    return Location(g_lat, g_lng, inside, district, street)


def _smallest(areas) -> Area | None:
    return min(areas, key=lambda a: a.area, default=None)


def drawing_geometry(org: Org) -> dict:
    """Return an org's boundary simplified for drawing on a map (cached per version)."""
    return _simplified(org.pk, org.updated_at.isoformat(), json.dumps(org.boundary))


@lru_cache(maxsize=64)
def _simplified(org_id: int, version: str, boundary: str) -> dict:
    return mapping(shape(json.loads(boundary)).simplify(0.002, preserve_topology=True))
