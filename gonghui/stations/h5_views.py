"""Worker H5 pages of the station network: find a station, its public page, the sign."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.accounts.worker_session import current_worker, worker_required
from gonghui.core.coords import gcj02_to_wgs84
from gonghui.core.errors import ServiceError, error_message
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import drawing_geometry
from gonghui.orgs.models import Org
from gonghui.stations import access, hours, services, sign
from gonghui.stations.choices import Amenity, Group, Host, Kind, Status
from gonghui.triage import places as triage_places

# The big filter buttons of the find page: a worker's need -> the amenity it requires.
NEEDS = [
    Amenity.CHARGING,
    Amenity.WATER,
    Amenity.REST,
    Amenity.TOILET,
    Amenity.HEATING,
    Amenity.COOLING,
    Amenity.MICROWAVE,
    Amenity.MEDICINE,
]
DEVICE_MAX_AGE = 365 * 24 * 3600


def _labels(codes, choices) -> list[str]:
    return [str(choices(c).label) for c in codes if c in choices.values]


@lru_cache(maxsize=1)
def _places_cached(version: str) -> list[dict]:
    """Typed places for the find page's suggestions and the streets on its map: each
    district and each street at its own point where the gazetteer's point table has one
    (``precise``), else at its district's centre. ``query`` is the text the API resolves
    to exactly that place (the two 八里庄街道 are told apart by their district)."""
    places = []
    districts = {}
    for d in Org.objects.filter(kind=OrgKind.DISTRICT).only(
        "id", "name", "short_name", "lat", "lng"
    ):
        if d.lat is None or d.lng is None:
            continue
        districts[d.pk] = d
        places.append(
            {
                "name": d.display_name,
                "kind": "district",
                "district": d.display_name,
                "query": d.display_name,
                "lat": d.lat,
                "lng": d.lng,
                "precise": True,
            }
        )
    for s in (
        Org.objects.filter(kind=OrgKind.STREET)
        .only("id", "name", "short_name", "parent_id", "lat", "lng")
        .order_by("path")
    ):
        d = districts.get(s.parent_id)
        if d is None:
            continue
        point = (s.lat, s.lng) if s.lat and s.lng else None
        point = point or triage_places.point_of(d.display_name, s.display_name)
        places.append(
            {
                "name": s.display_name,
                "kind": "street",
                "district": d.display_name,
                "query": f"{d.display_name}{s.display_name}",
                "lat": point[0] if point else d.lat,
                "lng": point[1] if point else d.lng,
                "precise": point is not None,
            }
        )
    return places


def _places() -> list[dict]:
    latest = (
        Org.objects.filter(kind=OrgKind.DISTRICT)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    return _places_cached(str(latest))


@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """找驿站: locate (or type a place), filter by need, list and map the nearest open ones."""
    return render(
        request,
        "stations/h5/find.html",
        {
            "needs": [(a.value, str(a.label)) for a in NEEDS],
            "amenity_labels": {a.value: str(a.label) for a in Amenity},
            "kind_labels": {k.value: str(k.label) for k in Kind},
            "places": _places(),
            "tiles": {
                "url": settings.GONGHUI_MAP_TILE_URL,
                "crs": "wgs84" if settings.GONGHUI_MAP_TILE_CRS == "wgs84" else "gcj02",
                "attribution": settings.GONGHUI_MAP_TILE_ATTRIBUTION,
            },
        },
    )


@require_GET
def district_map(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the real district boundaries (simplified, GCJ-02) for the find page map."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": d.display_name, "id": d.pk},
            "geometry": drawing_geometry(d),
        }
        for d in Org.objects.filter(kind=OrgKind.DISTRICT).exclude(boundary=None)
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def navigate_links(position) -> dict:
    """Links that open the point in the phone's map app.

    ``geo:`` (RFC 5870) takes WGS-84 and opens the default map app on Android; the
    AMap URI takes the stored GCJ-02 point and opens AMap (or its web page) elsewhere.
    """
    w_lat, w_lng = gcj02_to_wgs84(position.lat, position.lng)
    name = quote(position.name)
    return {
        "geo": f"geo:{w_lat:.6f},{w_lng:.6f}?q={w_lat:.6f},{w_lng:.6f}({name})",
        "amap": (
            f"https://uri.amap.com/marker?position={position.lng:.6f},{position.lat:.6f}"
            f"&name={name}&coordinate=gaode&callnative=1"
        ),
    }


def signage(position) -> dict:
    """The content of a position's sign (标识牌): who it serves, what it offers, hours."""
    closures = [(c.start, c.end, c.reason) for c in position.closures.all()]
    return {
        "kind": str(Kind(position.kind).label),
        "served": _labels(position.served_groups, Group) or [str(Group.ALL.label)],
        "offers": _labels(position.amenities, Amenity),
        "hours": [(_weekday(i), text) for i, text in hours.describe(position.hours)],
        "holidays": position.closed_on_holidays,
        "closures": closures,
        "host": (position.host_name or str(Host(position.host_kind).label)),
        "owner": position.owner.name,
        "phone": position.contact_phone,
    }


def _weekday(i: int) -> str:
    return [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")][i]


def _device(request: HttpRequest) -> tuple[str, bool]:
    device = request.COOKIES.get(services.DEVICE_COOKIE, "")
    if device:
        return device, False
    return services.new_device_id(), True


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _rating_context(position, worker) -> dict:
    avg, count = services.average_rating(position)
    return {
        "position": position,
        "worker": worker,
        "average": avg,
        "rating_count": count,
        "my_rating": position.ratings.filter(worker=worker).first() if worker else None,
    }


def _amenity_choices(position) -> list[tuple[str, str]]:
    return [(a, str(Amenity(a).label)) for a in position.amenities]


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A position's public page (the QR on its sign leads here): signage, check-in, rating.

    打卡 and 提交评价 answer in the card the worker tapped (an htmx swap of that card);
    without script the page comes back at that card (``#checkin``, ``#rate``)."""
    position = access.get_public_position(pk)
    device, new_device = _device(request)
    worker = current_worker(request)
    error = notice = None
    status = 200
    used: list[str] = []
    if request.method == "POST":
        used = request.POST.getlist("used")
        try:
            services.check_in(
                position,
                device=request.COOKIES.get(services.DEVICE_COOKIE, ""),
                used=used,
                worker=worker,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except (ServiceError, ValidationError) as exc:
            error = error_message(exc)
            # htmx swaps only a 2xx answer: the refusal is shown in place all the same.
            status = 200 if _htmx(request) else getattr(exc, "status", 422)
        else:
            if not _htmx(request):
                return redirect(reverse("stations_h5:detail", args=[pk]) + "?done=checkin#checkin")
            notice, used = _("已记录，感谢使用！欢迎给这个驿站打个分。"), []
        if _htmx(request):
            response = render(
                request,
                "stations/h5/_checkin.html",
                {
                    "position": position,
                    "amenity_choices": _amenity_choices(position),
                    "checkin_notice": notice,
                    "checkin_error": error,
                    "used": used,
                },
                status=status,
            )
            return _with_device(request, response, device, new_device)
    if request.GET.get("done") == "checkin":
        notice = _("已记录，感谢使用！欢迎给这个驿站打个分。")
    rate_notice = _("评价已提交，谢谢！") if request.GET.get("done") == "rated" else None
    ans = hours.answer_for(position)
    response = render(
        request,
        "stations/h5/detail.html",
        {
            **_rating_context(position, worker),
            "sign": signage(position),
            "answer": ans,
            "suspended": position.status == Status.SUSPENDED,
            "nav": navigate_links(position),
            "amenity_choices": _amenity_choices(position),
            "checkin_error": error,
            "checkin_notice": notice,
            "rate_notice": rate_notice,
            "used": used,
            "photos": position.photos.all()[:6],
        },
        status=status,
    )
    return _with_device(request, response, device, new_device)


def _with_device(request, response: HttpResponse, device: str, new: bool) -> HttpResponse:
    if new:
        response.set_cookie(
            services.DEVICE_COOKIE,
            device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_POST
@worker_required
def rate(request: HttpRequest, worker, pk: int) -> HttpResponse:
    """提交评价: answered in the rating card (htmx), else back at the card."""
    position = access.get_public_position(pk)
    try:
        services.rate(
            position,
            worker=worker,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        )
    except (ServiceError, ValidationError) as exc:
        if _htmx(request):
            return render(
                request,
                "stations/h5/_rate.html",
                {**_rating_context(position, worker), "rate_error": error_message(exc)},
            )
        return detail_error(request, position, exc)
    if _htmx(request):
        return render(
            request,
            "stations/h5/_rate.html",
            {**_rating_context(position, worker), "rate_notice": _("评价已提交，谢谢！")},
        )
    return redirect(reverse("stations_h5:detail", args=[pk]) + "?done=rated#rate")


def detail_error(request, position, exc) -> HttpResponse:
    message = error_message(exc)
    return render(
        request,
        "stations/h5/message.html",
        {"position": position, "error": message},
        status=422,
    )


@require_GET
@worker_required
def rate_form(request: HttpRequest, worker, pk: int) -> HttpResponse:
    """After signing in from the public page: come back to it."""
    return redirect(reverse("stations_h5:detail", args=[pk]) + "#rate")


@require_http_methods(["GET", "POST"])
@worker_required
def report(request: HttpRequest, worker, pk: int) -> HttpResponse:
    """ "Report a problem here": files an appeal (category services) about the station."""
    position = access.get_public_position(pk)
    error = None
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            rep = services.report_problem(position, worker=worker, text=text, request=request)
        except (ServiceError, ValidationError) as exc:
            error = error_message(exc)
        else:
            return redirect("appeals_h5:appeal_receipt", ticket_no=rep.appeal.ticket_no)
    return render(
        request,
        "stations/h5/report.html",
        {"position": position, "error": error, "text": text},
        status=422 if error else 200,
    )


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A photo of a public station (station photos are public, unlike appeal files)."""
    from django.http import FileResponse, Http404

    from gonghui.stations.models import Photo

    found = Photo.objects.filter(pk=photo_id, position__in=access.public_positions()).first()
    if found is None:
        raise Http404
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def sign_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sign (A4 PDF) with a QR code leading to the public page."""
    position = access.get_public_position(pk)
    url = request.build_absolute_uri(reverse("stations_h5:detail", args=[pk]))
    pdf = sign.render_pdf(position, signage(position), url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="station-{pk}-sign.pdf"'
    return response
