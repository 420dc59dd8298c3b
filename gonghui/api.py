"""The ninja API root at /api/v1/: routers of every app, and one error format for all.

Every error is JSON ``{"detail": ..., "code": ...}`` with the right status.
"""

import json
import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from gonghui.accounts.api import router as auth_router
from gonghui.appeals.api import router as appeals_router
from gonghui.care.api import router as care_router
from gonghui.core.api import router as calendar_router
from gonghui.core.api_docs import LocalSwagger
from gonghui.core.api_routes import ErrorOut
from gonghui.core.errors import ServiceError, validation_payload
from gonghui.core.inputs import clean_data
from gonghui.knowledge.api import router as knowledge_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import geo_router
from gonghui.orgs.api import router as orgs_router
from gonghui.rights.api import appeal_link_router as rights_appeal_router
from gonghui.rights.api import router as rights_router
from gonghui.rights.consultations.api import router as rights_consultations_router
from gonghui.rights.contracts.api import router as rights_contracts_router
from gonghui.rights.health.api import router as rights_health_router
from gonghui.stations.api import router as stations_router
from gonghui.surveys.api import needs_router
from gonghui.surveys.api import router as surveys_router
from gonghui.triage.api import router as triage_router
from gonghui.warnings.api import hot_router as hot_topics_router
from gonghui.warnings.api import router as warnings_router

log = logging.getLogger(__name__)


class UTF8JSONRenderer(JSONRenderer):
    """Write Chinese as UTF-8, not \\uXXXX escapes (half the bytes; charset=utf-8 is sent)."""

    def render(self, request, data, *, response_status: int) -> str:
        text = json.dumps(data, cls=self.encoder_class, ensure_ascii=False)
        if not text.isascii():
            try:
                text.encode()
            except UnicodeEncodeError:  # a lone surrogate echoed from the request
                return json.dumps(data, cls=self.encoder_class)
        return text


class CleanParser(Parser):
    """Parse JSON bodies and query strings, then pass every string through the normaliser.

    This is the API's edge: control characters are removed and lone surrogates refused
    before any schema or service sees the text (``core.inputs``).
    """

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(400, "malformed") from exc
        try:
            return clean_data(data)
        except ServiceError as exc:
            # ninja turns any parser exception into a 400 "cannot parse"; keep the reason.
            request.input_refusal = exc
            raise

    def parse_querydict(self, data, list_fields, request):
        return clean_data(super().parse_querydict(data, list_fields, request))


api = NinjaAPI(
    title="gonghui 智慧工会 API",
    version="1.0.0",
    urls_namespace="api",
    docs=LocalSwagger(),
    renderer=UTF8JSONRenderer(),
    parser=CleanParser(),
    description=(
        '北京市总工会服务平台接口。错误统一返回 {"detail", "code"}'
        "（detail 为中文，Accept-Language: en 时为英文）。"
    ),
)
api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/geo", geo_router)
api.add_router("/appeals/hot-topics", hot_topics_router)
api.add_router("/appeals", appeals_router)
# POST /appeals/{id}/to-dispute lives with rights, which may import appeals (not the reverse).
api.add_router("/appeals", rights_appeal_router)
api.add_router("/stations", stations_router)
api.add_router("/members", members_router)
api.add_router("/triage", triage_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/warnings", warnings_router)
api.add_router("/calendar", calendar_router)
api.add_router("/rights", rights_router)
api.add_router("/rights", rights_health_router)
api.add_router("/rights/contracts", rights_contracts_router)
api.add_router("/rights/consultations", rights_consultations_router)
api.add_router("/surveys", surveys_router)
api.add_router("/needs", needs_router)
api.add_router("/care", care_router)


@api.get("/", auth=None, summary="API root", tags=["meta"])
def root(request):
    return {
        "name": "gonghui",
        "version": api.version,
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    # ``fields`` carries what a client needs to act on the refusal (a conflict's matches).
    body = {"detail": exc.message, "code": exc.code, **exc.extra.get("fields", {})}
    response = api.create_response(request, body, status=exc.status)
    if "retry_after" in exc.extra:
        response["Retry-After"] = str(exc.extra["retry_after"])
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, validation_payload(exc), status=422)


_LOCATION_PARTS = ("body", "query", "path", "payload", "filters", "q")


def _field_of(err: dict) -> str:
    loc = [str(p) for p in err.get("loc", []) if p not in _LOCATION_PARTS]
    return ".".join(loc) or "body"


def _choice_refusal(err: dict) -> tuple[str, str] | None:
    """Return (code, detail) for a refused choice: the detail lists the valid values."""
    if err.get("type") not in ("literal_error", "enum"):
        return None
    names = [str(p) for p in err.get("loc", []) if isinstance(p, str) and p not in _LOCATION_PARTS]
    field = names[-1] if names else "value"
    expected = str((err.get("ctx") or {}).get("expected", ""))
    values = [v.strip().strip("'") for v in expected.replace(" or ", ", ").split(",") if v.strip()]
    values = [v if v else '""' for v in values]
    detail = _("%(field)s 的取值不正确，可选值：%(values)s。") % {
        "field": field,
        "values": ", ".join(values),
    }
    # Enum-typed filters answered ``invalid_request`` before choices listed their values,
    # and the fields that became Literals had a service code ``invalid_<field>``: both kept.
    code = f"invalid_{field}" if err.get("type") == "literal_error" else "invalid_request"
    return code, detail


@api.exception_handler(SchemaError)
def on_schema_error(request, exc: SchemaError):
    errors = list(exc.errors)
    for err in errors:
        refusal = _choice_refusal(err)
        if refusal is not None:
            code, detail = refusal
            return api.create_response(
                request, {"detail": detail, "code": code, "errors": errors}, status=422
            )
    fields = [_field_of(err) for err in errors]
    detail = _("请求内容不完整或格式不对：%(fields)s。") % {"fields": ", ".join(fields)}
    return api.create_response(
        request, {"detail": detail, "code": "invalid_request", "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request,
        {"detail": _("请先登录或提供有效的令牌。"), "code": "not_authenticated"},
        status=401,
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"detail": _("没有找到该对象，或您无权查看。"), "code": "not_found"}, status=404
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    refusal = getattr(request, "input_refusal", None)
    if refusal is not None:
        return on_service_error(request, refusal)
    code = "malformed_json" if exc.status_code == 400 else "error"
    detail = _("请求内容不是有效的 JSON。") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return api.create_response(
        request, {"detail": _("请求内容过大。"), "code": "request_too_large"}, status=413
    )


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return api.create_response(
        request, {"detail": _("请求格式不正确。"), "code": "invalid_multipart"}, status=400
    )


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request, exc):
    return api.create_response(
        request, {"detail": _("请求格式不正确。"), "code": "bad_request"}, status=400
    )


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def on_out_of_range(request, exc):
    # A number or date the database or the calendar cannot hold; any write rolled back.
    log.info("value out of range: %s", exc)
    return api.create_response(
        request, {"detail": _("数值或日期超出允许范围。"), "code": "out_of_range"}, status=422
    )


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    log.exception("unhandled API error")
    return api.create_response(
        request, {"detail": _("服务器内部错误，请稍后再试。"), "code": "server_error"}, status=500
    )


# --- every error an operation can answer, documented ------------------------------------------

# Operations behind a per-IP or per-account throttle (429 with Retry-After).
THROTTLED = {
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/otp/request"),
    ("POST", "/api/v1/auth/otp/verify"),
    ("GET", "/api/v1/appeals/track"),
    ("POST", "/api/v1/appeals/track/evaluate"),
    ("GET", "/api/v1/stations/nearby"),
    ("POST", "/api/v1/stations/{position_id}/checkins"),
}


def error_statuses(method: str, path: str, *, authenticated: bool, has_body: bool) -> set[int]:
    """Return the error statuses an operation can answer (each with ``ErrorOut``).

    422 (bad parameter) and 404 (unknown object, or outside the caller's scope) can come
    from any operation; 400 (malformed JSON, multipart), 411 and 413 from any body;
    401 and 403 (CSRF for a session write, a role that may not act) with credentials;
    409 from any write a record's state can refuse.
    """
    statuses = {404, 422}
    if method in ("POST", "PUT", "PATCH", "DELETE") or has_body:
        statuses |= {400, 411, 413}
    if authenticated:
        statuses |= {401, 403}
        if method != "GET":
            statuses.add(409)
    if (method, path) in THROTTLED:
        statuses.add(429)
    if method == "POST" and path == "/api/v1/auth/token":
        statuses |= {401, 403}  # wrong password; a locked account
    if method == "POST" and path == "/api/v1/auth/otp/verify":
        statuses.add(401)  # a wrong or expired code
    if method == "POST" and path == "/api/v1/appeals/track/evaluate":
        statuses.add(409)  # not resolved, or already rated
    return statuses


def document_errors(ninja_api: NinjaAPI) -> int:
    """Add ``ErrorOut`` to every operation for every error status it can answer."""
    added = 0
    for bound in ninja_api._get_bound_routers():
        for path, view in bound.path_operations.items():
            full = "/api/v1" + "/".join(p for p in (bound.prefix, path) if p).replace("//", "/")
            full = full.rstrip("/") or "/api/v1"
            if full == "/api/v1":
                full = "/api/v1/"
            for op in view.operations:
                has_body = any(
                    getattr(m, "__ninja_param_source__", "") == "body" for m in op.models
                )
                for method in op.methods:
                    statuses = error_statuses(
                        method, full, authenticated=bool(op.auth_callbacks), has_body=has_body
                    )
                    for status in statuses:
                        if status not in op.response_models:
                            op.response_models[status] = op._create_response_model(ErrorOut)
                            added += 1
    return added


document_errors(api)
