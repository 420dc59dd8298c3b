from typing import Literal

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.accounts.auth import staff_auth
from gonghui.core.errors import ServiceError
from gonghui.core.inputs import DbInt, choice_out
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import CRS_CHOICES, locate

router = Router(tags=["orgs"])
geo_router = Router(tags=["geo"])


class OrgOut(Schema):
    id: int
    name: str
    short_name: str
    kind: choice_out(OrgKind)
    kind_label: str
    parent_id: int | None
    admin_code: str | None
    depth: int
    phone: str
    address: str
    lat: float | None
    lng: float | None
    children_count: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(OrgKind(obj.kind).label)

    @staticmethod
    def resolve_children_count(obj) -> int:
        return getattr(obj, "n_children", 0)


class OrgList(Schema):
    count: int
    results: list[OrgOut]


class OrgFilter(Schema):
    kind: OrgKind | None = None
    parent: DbInt | None = None
    q: str | None = Field(None, max_length=60)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _with_counts(qs):
    # The boundary (up to ~100 kB of GeoJSON per district) is never part of the answer.
    return qs.defer("boundary").annotate(n_children=Count("children"))


@router.get("", response=OrgList, auth=staff_auth, summary="Orgs in your scope")
def list_orgs(request, filters: Query[OrgFilter]):
    qs = access.visible_orgs(request.auth)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    total = qs.count()
    page = _with_counts(qs.order_by("path"))[filters.offset : filters.offset + filters.limit]
    return {"count": total, "results": list(page)}


@router.get("/{int:org_id}", response=OrgOut, auth=staff_auth, summary="One org")
def get_org(request, org_id: int):
    org = access.get_org_for(request.auth, org_id)
    return _with_counts(type(org).objects.filter(pk=org.pk)).get()


@router.get(
    "/{int:org_id}/children", response=OrgList, auth=staff_auth, summary="An org's children"
)
def org_children(request, org_id: int):
    org = access.get_org_for(request.auth, org_id)
    children = list(_with_counts(org.children.order_by("path")))
    return {"count": len(children), "results": children}


class AreaOut(Schema):
    id: int
    name: str
    admin_code: str | None


class LocateOut(Schema):
    inside_beijing: bool
    lat_gcj02: float
    lng_gcj02: float
    district: AreaOut | None
    street: AreaOut | None


@geo_router.get("/locate", response=LocateOut, auth=None, summary="District of a point")
def geo_locate(request, lat: str, lng: str, crs: Literal[CRS_CHOICES] = "wgs84"):
    where = locate(lat, lng, crs)
    if not where.inside_beijing:
        raise ServiceError(
            _("该位置不在北京市范围内，请确认定位或输入北京市内的地址。"),
            code="outside_beijing",
            status=422,
        )

    def area(a):
        return None if a is None else {"id": a.org_id, "name": a.name, "admin_code": a.admin_code}

    return {
        "inside_beijing": True,
        "lat_gcj02": round(where.lat, 7),
        "lng_gcj02": round(where.lng, 7),
        "district": area(where.district),
        "street": area(where.street),
    }
