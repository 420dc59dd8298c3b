"""The stations API: public search and pages' data, check-ins and ratings, staff writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import WorkerBearer, staff_user_auth
from gonghui.core import throttle
from gonghui.core.audit import client_ip
from gonghui.core.coords import gcj02_to_wgs84, to_gcj02
from gonghui.core.errors import ServiceError
from gonghui.core.inputs import choice, choice_out
from gonghui.orgs.geo import CRS_CHOICES, validate_point
from gonghui.orgs.schemas import OrgRef
from gonghui.stations import access, hours, services
from gonghui.stations.choices import AMENITY_BITS, Amenity, Group, Host, Kind, Status
from gonghui.stations.index import index
from gonghui.stations.models import Position, PositionChange
from gonghui.triage import places

router = Router(tags=["stations"])
KIND_VALUES = list(Kind.values)  # the index's kind codes are positions in this list
staff_auth = staff_user_auth

PAGE_SIZE = 50


def throttle_nearby(request) -> None:
    """Refuse more than GONGHUI_NEARBY_PER_MINUTE searches per IP per minute (shared)."""
    from django.conf import settings

    limit = throttle.Limit("stations_nearby", settings.GONGHUI_NEARBY_PER_MINUTE, 60)
    throttle.check(
        limit,
        client_ip(request) or "?",
        message=_("查询过于频繁，请1分钟后再试。"),
        code="nearby_throttled",
    )


def point_out(lat: float, lng: float, crs: str) -> tuple[float, float]:
    if crs == "wgs84":
        w_lat, w_lng = gcj02_to_wgs84(lat, lng)
        return round(w_lat, 6), round(w_lng, 6)
    return round(lat, 6), round(lng, 6)


def amenity_mask(codes: list[str]) -> int:
    bad = [c for c in codes if c not in AMENITY_BITS]
    if bad:
        raise ValidationError(
            _("未知的服务功能：%(codes)s。") % {"codes": ", ".join(bad)}, code="invalid_amenity"
        )
    return sum(AMENITY_BITS[c] for c in set(codes))


def check_kinds(kinds: list[str]) -> list[str]:
    bad = [k for k in kinds if k not in Kind.values]
    if bad:
        raise ValidationError(
            _("未知的阵地类型：%(kinds)s。") % {"kinds": ", ".join(bad)}, code="invalid_kind"
        )
    return kinds


def moment(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        at = at.replace(tzinfo=hours.SHANGHAI)
    return at


Crs = Literal[CRS_CHOICES]


class NearbyQuery(Schema):
    # A point, or a typed place (a district, street or landmark: 望京, 望京街道, 国贸).
    lat: float | None = None
    lng: float | None = None
    place: str | None = Field(None, max_length=40)
    crs: Crs = "wgs84"
    amenity: list[choice(Amenity)] = Field(default_factory=list)
    kind: list[choice(Kind)] = Field(default_factory=list)
    open_now: bool = False
    at: datetime | None = None
    radius_m: int = Field(5000, ge=50, le=50_000)
    limit: int = Field(10, ge=1, le=50)


class NearbyHit(Schema):
    id: int
    name: str
    kind: str
    distance_m: int
    open_now: bool
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    amenities: list[str]
    address: str
    lat: float
    lng: float
    gcj02: list[float]
    wgs84: list[float]
    stars: int


class OriginOut(Schema):
    name: str
    kind: Literal["point", "district", "street", "landmark"]
    district: str = ""
    # False when the place has no point of its own and its district's centre stands in.
    precise: bool
    lat: float
    lng: float


class NearbyOut(Schema):
    crs: str
    at: datetime
    origin: OriginOut
    origin_gcj02: list[float]
    origin_wgs84: list[float]
    results: list[NearbyHit]


def nearby_results(
    *,
    lat,
    lng,
    crs="wgs84",
    amenities=(),
    kinds=(),
    open_now=False,
    at=None,
    radius_m=5000,
    limit=10,
    origin: dict | None = None,
) -> dict:
    """Search the index and answer with distance, hours and the point in ``crs``."""
    if crs not in CRS_CHOICES:
        raise ValidationError(_("坐标系只能是 wgs84 或 gcj02。"), code="invalid_crs")
    lat, lng = validate_point(lat, lng, crs)
    g_lat, g_lng = to_gcj02(lat, lng, crs)
    mask = amenity_mask(list(amenities))
    kinds = check_kinds(list(kinds))
    when = moment(at)
    snap = index.snapshot()
    hits = index.nearest(
        g_lat,
        g_lng,
        required_mask=mask,
        kinds=kinds or None,
        open_at=when if open_now else None,
        radius_m=radius_m,
        limit=limit,
        snapshot=snap,
    )
    results = []
    for h in hits:
        # Everything comes from the snapshot: it is as fresh as the version row.
        name, address, stars, amenity_codes = snap.meta[h.row]
        lat_g, lng_g = float(snap.lat[h.row]), float(snap.lng[h.row])
        ans = hours.answer(snap.schedules[h.row], in_service=bool(snap.in_service[h.row]), at=when)
        out_lat, out_lng = point_out(lat_g, lng_g, crs)
        results.append(
            {
                "id": h.id,
                "name": name,
                "kind": KIND_VALUES[int(snap.kind[h.row])],
                "distance_m": round(h.distance_m),
                "open_now": ans.open_now,
                "opens_at": ans.opens_at,
                "closes_at": ans.closes_at,
                "amenities": amenity_codes,
                "address": address,
                "lat": out_lat,
                "lng": out_lng,
                "gcj02": [lat_g, lng_g],
                "wgs84": list(point_out(lat_g, lng_g, "wgs84")),
                "stars": stars,
            }
        )
    return {
        "crs": crs,
        "at": when,
        "origin": origin or {"name": "", "kind": "point", "precise": True},
        "origin_gcj02": [round(g_lat, 6), round(g_lng, 6)],
        "origin_wgs84": list(point_out(g_lat, g_lng, "wgs84")),
        "results": results,
    }


def place_origin(typed: str) -> dict:
    """Resolve a typed place to its own point (GCJ-02) through the gazetteer; 422
    ``unknown_place`` or ``ambiguous_place`` (with the candidates to choose from)."""
    found = places.resolve(typed)
    if not found:
        raise ServiceError(
            _("没有找到“%(place)s”，请输入区、街道（乡镇）或常用地名，例如：望京。")
            % {"place": typed[:40]},
            code="unknown_place",
            status=422,
        )
    if len(found) > 1:
        raise ServiceError(
            _("“%(place)s”有不止一处，请选择：%(names)s。")
            % {"place": typed[:40], "names": "、".join(f"{o.district}{o.name}" for o in found)},
            code="ambiguous_place",
            status=422,
            fields={
                "candidates": [
                    {"name": o.name, "kind": o.kind, "district": o.district, "query": o.query}
                    for o in found
                ]
            },
        )
    o = found[0]
    return {
        "name": o.name,
        "kind": o.kind,
        "district": o.district,
        "precise": o.precise,
        "lat": o.lat,
        "lng": o.lng,
    }


@router.get("/nearby", response=NearbyOut, auth=None, summary="Nearest stations", exclude_none=True)
def nearby(request, q: Query[NearbyQuery]):
    """Nearest stations to a point (``lat``, ``lng`` in ``crs``) or to a typed ``place``."""
    throttle_nearby(request)
    lat, lng, crs, origin = q.lat, q.lng, q.crs, None
    if q.place and q.place.strip():
        origin = place_origin(q.place.strip())
        lat, lng, crs = origin["lat"], origin["lng"], "gcj02"
        # The origin is answered in the crs the client asked for, like the results.
        origin["lat"], origin["lng"] = point_out(lat, lng, q.crs)
    elif lat is None or lng is None:
        raise ServiceError(
            _("请给出位置（lat 和 lng）或地名（place）。"),
            code="point_or_place_required",
            status=422,
        )
    else:
        origin = {"name": "", "kind": "point", "precise": True, "lat": lat, "lng": lng}
    answer = nearby_results(
        lat=lat,
        lng=lng,
        crs=crs,
        amenities=q.amenity,
        kinds=q.kind,
        open_now=q.open_now,
        at=q.at,
        radius_m=q.radius_m,
        limit=q.limit,
        origin=origin,
    )
    if crs != q.crs:  # a place is searched from its GCJ-02 point; answer in the asked crs
        answer["crs"] = q.crs
        for r in answer["results"]:
            r["lat"], r["lng"] = (r["gcj02"] if q.crs == "gcj02" else r["wgs84"])[:2]
    return answer


class PointOut(Schema):
    lat: float
    lng: float


class PositionOut(Schema):
    id: int
    kind: choice_out(Kind)
    kind_label: str
    name: str
    status: choice_out(Status)
    owner: OrgRef
    district: OrgRef | None
    street: OrgRef | None
    host_kind: choice_out(Host)
    host_name: str
    address: str
    gcj02: PointOut
    wgs84: PointOut
    amenities: list[str]
    served_groups: list[str]
    hours: list[list[list[str]]]
    closed_on_holidays: bool
    closures: list[list[date]]
    open_now: bool
    opens_at: datetime | None
    closes_at: datetime | None
    contact_name: str | None = None
    contact_phone: str
    stars: int
    page_url: str


class PositionList(Schema):
    count: int
    page: int
    results: list[PositionOut]


def _ref(org):
    return None if org is None else {"id": org.pk, "name": org.name}


def position_out(p: Position, *, at: datetime | None = None, staff: bool = False) -> dict:
    """Serialise a station; the contact person's name is for staff answers only."""
    closures = [(c.start, c.end) for c in p.closures.all()]
    ans = hours.answer(hours.schedule_of(p, closures), in_service=p.status == Status.OPEN, at=at)
    w_lat, w_lng = point_out(p.lat, p.lng, "wgs84")
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": str(Kind(p.kind).label),
        "name": p.name,
        "status": p.status,
        "owner": _ref(p.owner),
        "district": _ref(p.district),
        "street": _ref(p.street),
        "host_kind": p.host_kind,
        "host_name": p.host_name,
        "address": p.address,
        "gcj02": {"lat": p.lat, "lng": p.lng},
        "wgs84": {"lat": w_lat, "lng": w_lng},
        "amenities": p.amenities,
        "served_groups": p.served_groups,
        "hours": p.hours,
        "closed_on_holidays": p.closed_on_holidays,
        "closures": [list(c) for c in closures],
        "open_now": ans.open_now,
        "opens_at": ans.opens_at,
        "closes_at": ans.closes_at,
        "contact_name": p.contact_name if staff else None,
        "contact_phone": p.contact_phone,
        "stars": p.stars,
        "page_url": f"/h5/stations/{p.pk}/",
    }


class ListQuery(Schema):
    district: str | None = Field(None, max_length=12)
    kind: choice(Kind) | None = None
    page: int = Field(1, ge=1, le=1_000_000)


@router.get("", response=PositionList, auth=None, summary="List stations")
def list_positions(request, q: Query[ListQuery]):
    qs = access.public_positions()
    if q.kind:
        qs = qs.filter(kind__in=check_kinds([q.kind]))
    if q.district:
        # A district's admin code (110105) or its org id.
        if len(q.district) == 6 and q.district.startswith("110") and q.district.isdigit():
            qs = qs.filter(district__admin_code=q.district)
        elif q.district.isdigit():
            qs = qs.filter(district_id=int(q.district))
        else:
            raise ValidationError(_("区应为行政区划代码或组织编号。"), code="invalid_district")
    qs = access._with_orgs(qs).prefetch_related("closures").order_by("pk")
    pages = Paginator(qs, PAGE_SIZE)
    page = pages.get_page(q.page)
    return {
        "count": pages.count,
        "page": page.number,
        "results": [position_out(p) for p in page.object_list],
    }


@router.get("/{int:position_id}", response=PositionOut, auth=None, summary="One station")
def detail(request, position_id: int):
    return position_out(access.get_public_position(position_id))


# --- check-ins and ratings -----------------------------------------------------------------


class CheckInIn(Schema):
    used: list[str] = Field(default_factory=list)


class CheckInOut(Schema):
    id: int
    position: int
    hour: datetime


@router.post(
    "/{int:position_id}/checkins",
    response={201: CheckInOut},
    auth=None,
    summary="I used this station",
)
def check_in(request, position_id: int, payload: CheckInIn):
    position = access.get_public_position(position_id)
    device = request.COOKIES.get(services.DEVICE_COOKIE) or request.headers.get("X-Device-Id", "")
    from gonghui.accounts.worker_session import current_worker

    checkin = services.check_in(
        position,
        device=device,
        used=payload.used,
        worker=current_worker(request),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return HttpStatus(201, {"id": checkin.pk, "position": position.pk, "hour": checkin.hour})


class RatingIn(Schema):
    score: int
    comment: str | None = Field(None, max_length=500)


class RatingOut(Schema):
    position: int
    score: int
    comment: str
    average: float | None
    count: int


@router.post(
    "/{int:position_id}/ratings",
    response=RatingOut,
    auth=[WorkerBearer()],
    summary="Rate a station (signed-in worker)",
)
def rate(request, position_id: int, payload: RatingIn):
    position = access.get_public_position(position_id)
    rating = services.rate(
        position, worker=request.auth, score=payload.score, comment=payload.comment or ""
    )
    avg, count = services.average_rating(position)
    return {
        "position": position.pk,
        "score": rating.score,
        "comment": rating.comment,
        "average": round(avg, 2) if avg is not None else None,
        "count": count,
    }


# --- staff ---------------------------------------------------------------------------------


class PositionIn(Schema):
    kind: choice(Kind)
    name: str = Field(max_length=200)
    owner: int
    host_kind: choice(Host) = "union"
    host_name: str = Field("", max_length=200)
    address: str = Field(max_length=300)
    lat: float
    lng: float
    crs: Crs = "wgs84"
    amenities: list[choice(Amenity)] = Field(default_factory=list)
    served_groups: list[choice(Group)] = Field(default_factory=list)
    hours: list[list[list[str]]]
    closed_on_holidays: bool = False
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=40)


class PositionPatch(Schema):
    kind: choice(Kind) | None = None
    name: str | None = Field(None, max_length=200)
    owner: int | None = None
    host_kind: choice(Host) | None = None
    host_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    lat: float | None = None
    lng: float | None = None
    crs: Crs | None = None
    amenities: list[choice(Amenity)] | None = None
    served_groups: list[choice(Group)] | None = None
    hours: list[list[list[str]]] | None = None
    closed_on_holidays: bool | None = None
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=40)


def _visible_owner(request, owner_id: int):
    from gonghui.orgs.access import get_org_for

    return get_org_for(request.auth, owner_id)


@router.post("", response={201: PositionOut}, auth=staff_auth, summary="Create a station")
def create(request, payload: PositionIn):
    data = payload.dict()
    data["owner"] = _visible_owner(request, payload.owner)
    position = services.create_position(data, actor=request.auth, request=request)
    return HttpStatus(
        201, position_out(access.get_position_for(request.auth, position.pk), staff=True)
    )


@router.patch("/{int:position_id}", response=PositionOut, auth=staff_auth, summary="Edit a station")
def update(request, position_id: int, payload: PositionPatch):
    position = access.get_position_for(request.auth, position_id, write=True)
    data = payload.dict(exclude_unset=True)
    if data.get("owner") is not None:
        data["owner"] = _visible_owner(request, data["owner"])
    services.update_position(position, data, actor=request.auth, request=request)
    return position_out(access.get_position_for(request.auth, position_id), staff=True)


class StatusIn(Schema):
    status: choice(Status)
    reason: str = Field("", max_length=200)


@router.post(
    "/{int:position_id}/status", response=PositionOut, auth=staff_auth, summary="Change status"
)
def change_status(request, position_id: int, payload: StatusIn):
    position = access.get_position_for(request.auth, position_id, write=True)
    services.set_status(
        position, payload.status, actor=request.auth, reason=payload.reason, request=request
    )
    return position_out(access.get_position_for(request.auth, position_id), staff=True)


class ClosureIn(Schema):
    start: date
    end: date
    reason: str = Field("", max_length=100)


@router.post(
    "/{int:position_id}/closures",
    response={201: PositionOut},
    auth=staff_auth,
    summary="Add a dated closure",
)
def add_closure(request, position_id: int, payload: ClosureIn):
    position = access.get_position_for(request.auth, position_id, write=True)
    services.add_closure(
        position,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        actor=request.auth,
        request=request,
    )
    return HttpStatus(
        201, position_out(access.get_position_for(request.auth, position_id), staff=True)
    )


@router.delete(
    "/{int:position_id}/closures/{int:closure_id}",
    response=PositionOut,
    auth=staff_auth,
    summary="Cancel a closure",
)
def remove_closure(request, position_id: int, closure_id: int):
    from django.http import Http404

    position = access.get_position_for(request.auth, position_id, write=True)
    closure = position.closures.filter(pk=closure_id).first()
    if closure is None:
        raise Http404
    services.remove_closure(closure, actor=request.auth, request=request)
    return position_out(access.get_position_for(request.auth, position_id), staff=True)


class ChangeOut(Schema):
    at: datetime
    action: str
    actor: str
    changes: dict


@router.get(
    "/{int:position_id}/history",
    response=list[ChangeOut],
    auth=staff_auth,
    summary="Change history",
)
def history(request, position_id: int):
    position = access.get_position_for(request.auth, position_id)
    return [
        {"at": c.at, "action": c.action, "actor": c.actor_label, "changes": c.changes}
        for c in PositionChange.objects.filter(position=position).order_by("-at", "-pk")[:200]
    ]


class AssessmentIn(Schema):
    assessed_on: date
    scores: dict[str, float]
    note: str = Field("", max_length=500)


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    total: float
    stars: int
    scores: dict[str, float]


@router.post(
    "/{int:position_id}/assessments",
    response={201: AssessmentOut},
    auth=staff_auth,
    summary="Record a star assessment",
)
def assess(request, position_id: int, payload: AssessmentIn):
    position = access.get_position_for(request.auth, position_id, write=True)
    a = services.assess(
        position,
        scores=payload.scores,
        assessed_on=payload.assessed_on,
        note=payload.note,
        actor=request.auth,
        request=request,
    )
    return HttpStatus(
        201,
        {
            "id": a.pk,
            "assessed_on": a.assessed_on,
            "total": a.total,
            "stars": a.stars,
            "scores": a.scores,
        },
    )
