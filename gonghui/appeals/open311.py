"""Open311 GeoReport v2 at /open311/v2/: appeals as service requests, in JSON and XML.

The format comes from the extension (``.json`` or ``.xml``), as the specification
does. Service codes are our category codes; a service request is an appeal and its
id is the ticket number. Filing goes through ``services.create_appeal`` with an org
API key; reading is public and shows no personal data (docs/open311.md).
"""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from io import StringIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.csrf import csrf_exempt

from gonghui.accounts.services import resolve_api_key
from gonghui.appeals import routing, services
from gonghui.appeals.choices import OPEN_STATUSES, Category, Channel, Kind, Status, Urgency
from gonghui.appeals.models import Appeal
from gonghui.core import redact, throttle
from gonghui.core.audit import client_ip
from gonghui.core.coords import gcj02_to_wgs84
from gonghui.core.errors import ServiceError, Throttled, validation_payload
from gonghui.core.inputs import YEAR_MAX, YEAR_MIN, year_in_range
from gonghui.orgs.geo import validate_point

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the services or the shape of the answers last changed; clients cache on it.
CHANGESET = "2026-11-22T00:00:00+08:00"
# One jurisdiction (the city federation, by its admin code); clients may leave it out.
JURISDICTION_ID = "110000"
MAX_RESULTS = 1000  # the specification's cap on one GET requests answer
MAX_SPAN = timedelta(days=90)  # the specification's longest date range

CLOSED_STATUSES = [Status.RESOLVED, Status.CLOSED, Status.MERGED]

# A sensible grouping of the taxonomy for clients that show services by group.
LABOUR_PAY = gettext_lazy("劳动报酬与保障")
LABOUR_RELATIONS = gettext_lazy("劳动关系")
LABOUR_PROTECTION = gettext_lazy("劳动保护")
UNION = gettext_lazy("工会组织与服务")
ASSISTANCE = gettext_lazy("帮扶与就业")
GROUPS = {
    Category.WAGES: LABOUR_PAY,
    Category.HOURS: LABOUR_PAY,
    Category.SOCIAL_INSURANCE: LABOUR_PAY,
    Category.INJURY: LABOUR_PAY,
    Category.DISMISSAL: LABOUR_RELATIONS,
    Category.CONTRACT: LABOUR_RELATIONS,
    Category.PROCEDURE: LABOUR_RELATIONS,
    Category.SAFETY: LABOUR_PROTECTION,
    Category.WOMEN: LABOUR_PROTECTION,
    Category.GIG: LABOUR_PROTECTION,
    Category.MEMBERSHIP: UNION,
    Category.UNION_BUILDING: UNION,
    Category.SERVICES: UNION,
    Category.FEEDBACK: UNION,
    Category.HARDSHIP: ASSISTANCE,
    Category.EMPLOYMENT: ASSISTANCE,
    Category.OTHER: Category.OTHER.label,
}

STATUS_NOTES = {
    Status.RECEIVED: gettext_lazy("已受理，等待派单。"),
    Status.DISPATCHED: gettext_lazy("已派往承办单位，等待签收。"),
    Status.ACCEPTED: gettext_lazy("承办单位已签收，将联系职工。"),
    Status.IN_PROGRESS: gettext_lazy("承办单位已联系职工，正在办理。"),
    Status.RESOLVED: gettext_lazy("已办结，等待职工评价。"),
    Status.CLOSED: gettext_lazy("已办结，职工已评价。"),
}

# XML names of the items of each list (the specification's element names).
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    """A refusal answered as the specification's error list with this HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = str(description)


# --- rendering -----------------------------------------------------------------------------

_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_FORBIDDEN.sub("", str(value))


def _emit(xml: SimplerXMLGenerator, tag: str, value) -> None:
    if isinstance(value, list):
        xml.startElement(tag, {})
        for item in value:
            _emit(xml, XML_ITEMS[tag], item)
        xml.endElement(tag)
    elif isinstance(value, dict):
        xml.startElement(tag, {})
        for key, item in value.items():
            _emit(xml, key, item)
        xml.endElement(tag)
    else:
        xml.addQuickElement(tag, _xml_text(value))


def render(fmt: str, root: str, data: list | dict, *, status: int = 200) -> HttpResponse:
    """Return ``data`` as JSON, or as XML under the element ``root``."""
    if fmt == "json":
        return JsonResponse(
            data,
            safe=False,
            status=status,
            content_type=CONTENT_TYPES["json"],
            json_dumps_params={"ensure_ascii": False},
        )
    out = StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    _emit(xml, root, data)
    xml.endDocument()
    return HttpResponse(out.getvalue(), status=status, content_type=CONTENT_TYPES["xml"])


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def open311_view(*methods: str) -> Callable:
    """Answer refusals (wrong method, unknown jurisdiction, Open311Error) in the spec's form."""
    allowed = {m.upper() for m in methods} | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in allowed:
                    response = error_response(
                        fmt, 405, _("不支持 %(method)s 请求。") % {"method": request.method}
                    )
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                jurisdiction = _param(request, "jurisdiction_id")
                if jurisdiction and jurisdiction != JURISDICTION_ID:
                    raise Open311Error(404, _("没有这个辖区：%(id)s。") % {"id": jurisdiction})
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except Throttled as exc:
                response = error_response(fmt, 429, exc.message)
                response["Retry-After"] = str(exc.extra["retry_after"])
                return response

        return csrf_exempt(wrapper)  # API-key or anonymous callers: no cookies to protect

    return decorate


def _throttle(request: HttpRequest) -> None:
    """Reads of appeals per IP per minute, in the shared throttle: the feed is public and
    big. Discovery and services are static; filing is by API key."""
    limit = throttle.Limit("open311_ip", settings.GONGHUI_OPEN311_PER_MINUTE, 60)
    throttle.check(
        limit,
        client_ip(request) or "?",
        message=_("请求过于频繁，请1分钟后再试。"),
        code="open311_throttled",
    )


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _datetime(value: datetime | None) -> str | None:
    """Return a W3C date-time in Beijing time, as the specification's examples."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _category(code: str) -> Category:
    if code not in Category.values:
        raise Open311Error(404, _("没有这个服务类型：%(code)s。") % {"code": code})
    return Category(code)


# --- discovery and services ----------------------------------------------------------------


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Return where this endpoint is and which formats it speaks (Service Discovery)."""
    services_url = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt}))
    data = {
        "changeset": CHANGESET,
        "contact": _("北京市总工会12351职工服务热线，电话12351。"),
        "key_service": _("接口密钥（api_key）请向北京市总工会申请，每个接入单位一个。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": services_url.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(fmt, "discovery", data)


def _keywords(category: str) -> str | None:
    """Return the plain words of the category's routing keywords, comma separated."""
    pattern = dict(routing.CATEGORY_KEYWORDS).get(category)
    if not pattern:
        return None
    words = [w for w in pattern.split("|") if re.fullmatch(r"\w+", w)]
    return ", ".join(words) or None


def service_of(category: Category) -> dict:
    return {
        "service_code": category.value,
        "service_name": str(category.label),
        "description": None,
        # Every category takes the kind and urgency attributes (both optional).
        "metadata": True,
        "type": "realtime",
        "keywords": _keywords(category.value),
        "group": str(GROUPS[category]),
    }


@open311_view("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Return one service per appeal category."""
    return render(fmt, "services", [service_of(c) for c in Category])


def _list_attribute(code: str, order: int, description: str, choices) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": order,
        "description": description,
        "values": [{"key": c.value, "name": str(c.label)} for c in choices],
    }


@open311_view("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    """Return the attributes a request of this service may carry: kind and urgency."""
    category = _category(code)
    data = {
        "service_code": category.value,
        "attributes": [
            _list_attribute("kind", 1, _("诉求类型（不填时按内容自动判断）"), Kind),
            _list_attribute("urgency", 2, _("紧急程度（不填时按内容自动判断）"), Urgency),
        ],
    }
    return render(fmt, "service_definition", data)


# --- service requests: public view of an appeal ---------------------------------------------


def public_text(text: str, *, name: str = "") -> str:
    """Return ``text`` with personal data starred (``core.redact``), the worker's name too."""
    return redact.redact(text, names=[name])


def _status_note(appeal: Appeal) -> str:
    if appeal.status == Status.MERGED:
        target = appeal.merged_into.ticket_no if appeal.merged_into else ""
        return _("已与同类诉求合并办理，见工单%(ticket)s。") % {"ticket": target}
    return str(STATUS_NOTES[appeal.status])


def request_of(appeal: Appeal) -> dict:
    """Return the public view of an appeal: never the worker's phone or name; an anonymous
    appeal shows neither its text nor where it happened, and a point is rounded to
    about 100 m, so that it names a block, not a doorway."""
    lat = lng = None
    if appeal.lat is not None and appeal.lng is not None and not appeal.anonymous:
        lat, lng = redact.round_point(*gcj02_to_wgs84(appeal.lat, appeal.lng))
    agency = appeal.assigned_org or appeal.dispatcher_org
    return {
        "service_request_id": appeal.ticket_no,
        "status": "open" if appeal.status in OPEN_STATUSES else "closed",
        "status_notes": _status_note(appeal),
        "service_name": str(Category(appeal.category).label),
        "service_code": appeal.category,
        "description": None if appeal.anonymous else public_text(appeal.text, name=appeal.name),
        "agency_responsible": agency.name if agency else None,
        "service_notice": None,
        "requested_datetime": _datetime(appeal.created_at),
        "updated_datetime": _datetime(appeal.updated_at),
        "expected_datetime": _datetime(appeal.resolve_by),
        "address": (public_text(appeal.address, name=appeal.name) or None)
        if not appeal.anonymous
        else None,
        "lat": lat,
        "long": lng,
    }


PUBLIC_FIELDS = [
    "ticket_no",
    "status",
    "category",
    "text",
    "name",  # only to star it out of the text
    "anonymous",
    "address",
    "lat",
    "lng",
    "created_at",
    "updated_at",
    "resolve_by",
    "assigned_org__name",
    "dispatcher_org__name",
    "merged_into__ticket_no",
]


def public_appeals() -> QuerySet[Appeal]:
    # The phone is never loaded: nothing here may show it, and it saves a decryption a row.
    return Appeal.objects.select_related("assigned_org", "dispatcher_org", "merged_into").only(
        *PUBLIC_FIELDS
    )


def _moment(request: HttpRequest, name: str, *, end: bool) -> datetime | None:
    raw = _param(request, name)
    if not raw:
        return None
    # An unescaped "+08:00" in a query string arrives as " 08:00".
    raw = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw)
    moment = day = None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = parse_date(raw)
        else:
            moment = parse_datetime(raw)
    except ValueError:
        pass  # a well-formed but impossible date, such as 2026-02-30
    if (moment or day) is not None and not year_in_range((moment or day).year):
        raise Open311Error(
            400,
            _("%(field)s 超出允许的日期范围（%(min)d–%(max)d 年）。")
            % {"field": name, "min": YEAR_MIN, "max": YEAR_MAX},
        )
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    if moment is None:
        raise Open311Error(
            400,
            _("%(field)s 的格式不对，请用 W3C 时间格式，如 2026-01-01T00:00:00+08:00。")
            % {"field": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choices_param(request: HttpRequest, name: str) -> list[str]:
    return [v.strip() for v in _param(request, name).split(",") if v.strip()]


def _filtered(request: HttpRequest) -> QuerySet[Appeal]:
    qs = public_appeals()
    ids = _choices_param(request, "service_request_id")
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Open311Error(
                400, _("一次最多查询%(max)d个诉求。") % {"max": MAX_RESULTS}
            )  # the ids override every other filter, as the specification says
        return qs.filter(ticket_no__in=ids)
    codes = _choices_param(request, "service_code")
    if codes:
        qs = qs.filter(category__in=[_category(c) for c in codes])
    statuses = _choices_param(request, "status")
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed。"))
        wanted = [*OPEN_STATUSES] if "open" in statuses else []
        wanted += CLOSED_STATUSES if "closed" in statuses else []
        qs = qs.filter(status__in=wanted)
    start = _moment(request, "start_date", end=False)
    end = _moment(request, "end_date", end=True)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("结束日期不能早于开始日期。"))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date 到 end_date 的跨度不能超过90天。"))
    return qs.filter(created_at__gte=start, created_at__lt=end)


@open311_view("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET: the public view of matching appeals (newest first); POST: file an appeal."""
    if request.method == "POST":
        return _create(request, fmt)
    _throttle(request)
    appeals = _filtered(request).order_by("-created_at", "-id")[:MAX_RESULTS]
    return render(fmt, "service_requests", [request_of(a) for a in appeals])


@open311_view("GET")
def service_request(request: HttpRequest, ticket_no: str, *, fmt: str) -> HttpResponse:
    """Return one appeal, as a list of one (the specification's shape)."""
    _throttle(request)
    appeal = public_appeals().filter(ticket_no=ticket_no).first()
    if appeal is None:
        raise Open311Error(404, _("没有找到该诉求：%(id)s。") % {"id": ticket_no})
    return render(fmt, "service_requests", [request_of(appeal)])


# --- filing ---------------------------------------------------------------------------------


def _coordinates(request: HttpRequest) -> tuple[float | None, float | None]:
    lat, lng = _param(request, "lat"), _param(request, "long")
    if not lat and not lng:
        return None, None
    if not lat or not lng:
        raise Open311Error(400, _("请同时提供经度和纬度。"))
    try:
        lat_f, lng_f = validate_point(lat, lng, "wgs84")
    except ValidationError as exc:
        raise Open311Error(400, validation_payload(exc)["detail"]) from exc
    return lat_f, lng_f


def _name(first: str, last: str) -> str:
    """Return the worker's name: surname first and unspaced when written in Chinese."""
    if re.search(r"[\u3400-\u9fff]", first + last):
        return f"{last}{first}"
    return " ".join(p for p in (first, last) if p)


def _service_notice(appeal: Appeal) -> str:
    if appeal.assigned_org is not None and appeal.resolve_by is not None:
        return _("诉求已受理，由%(org)s办理，将在%(deadline)s前办结。可凭工单号查询办理进度。") % {
            "org": appeal.assigned_org.name,
            "deadline": timezone.localtime(appeal.resolve_by).strftime("%Y-%m-%d %H:%M"),
        }
    return _("诉求已受理，正在派单。可凭工单号查询办理进度。")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = resolve_api_key(_param(request, "api_key"))
    if key is None:
        raise Open311Error(403, _("api_key 无效或已吊销。"))
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("缺少必填参数：%(field)s。") % {"field": "service_code"})
    category = _category(code)
    lat, lng = _coordinates(request)
    address = _param(request, "address_string")
    if lat is None and not address:
        raise Open311Error(400, _("请提供诉求发生的位置：lat 和 long，或 address_string。"))
    phone = _param(request, "phone")
    if not phone:
        raise Open311Error(400, _("请填写职工的手机号，便于回访。"))
    # email, device_id, account_id and media_url are not used (docs/open311.md).
    intake = services.Intake(
        text=_param(request, "description"),
        phone=phone,
        channel=Channel.WEB,
        kind=_param(request, "attribute[kind]") or None,
        category=category,
        urgency=_param(request, "attribute[urgency]") or None,
        name=_name(_param(request, "first_name"), _param(request, "last_name")),
        address=address,
        lat=lat,
        lng=lng,
        crs="wgs84",
    )
    try:
        appeal, _created = services.create_appeal(
            intake, actor_label=f"apikey:{key.prefix}", request=request
        )
    except ValidationError as exc:
        raise Open311Error(400, validation_payload(exc)["detail"]) from exc
    except ServiceError as exc:
        raise Open311Error(exc.status, exc.message) from exc
    data = [
        {
            "service_request_id": appeal.ticket_no,
            "service_notice": _service_notice(appeal),
            "account_id": None,
        }
    ]
    return render(fmt, "service_requests", data)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer any other path under /open311/v2/ with the specification's 404."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(fmt, 404, _("没有这个接口，请先读取 discovery.json。"))
