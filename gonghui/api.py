"""The ninja API root at /api/v1/: routers of every app, and one error format for all.

Every error is JSON ``{"detail": ..., "code": ...}`` with the right status.
"""

import logging

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from gonghui.accounts.api import router as auth_router
from gonghui.appeals.api import router as appeals_router
from gonghui.care.api import router as care_router
from gonghui.core.errors import ServiceError, validation_payload
from gonghui.knowledge.api import router as knowledge_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import geo_router
from gonghui.orgs.api import router as orgs_router
from gonghui.stations.api import router as stations_router
from gonghui.triage.api import router as triage_router
from gonghui.warnings.api import hot_router as hot_topics_router
from gonghui.warnings.api import router as warnings_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="gonghui 智慧工会 API",
    version="1.0.0",
    urls_namespace="api",
    description='北京市总工会服务平台接口。错误统一返回 {"detail", "code"}。',
)
api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/geo", geo_router)
api.add_router("/appeals/hot-topics", hot_topics_router)
api.add_router("/appeals", appeals_router)
api.add_router("/stations", stations_router)
api.add_router("/members", members_router)
api.add_router("/triage", triage_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/warnings", warnings_router)
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
    response = api.create_response(
        request, {"detail": exc.message, "code": exc.code}, status=exc.status
    )
    if "retry_after" in exc.extra:
        response["Retry-After"] = str(exc.extra["retry_after"])
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, validation_payload(exc), status=422)


@api.exception_handler(SchemaError)
def on_schema_error(request, exc: SchemaError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.append(".".join(loc) or "body")
    detail = _("请求内容不完整或格式不对：%(fields)s。") % {"fields": ", ".join(fields)}
    return api.create_response(
        request, {"detail": detail, "code": "invalid_request", "errors": exc.errors}, status=422
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
    code = "malformed_json" if exc.status_code == 400 else "error"
    detail = _("请求内容不是有效的 JSON。") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    log.exception("unhandled API error")
    return api.create_response(
        request, {"detail": _("服务器内部错误，请稍后再试。"), "code": "server_error"}, status=500
    )
