"""The edge: refuse malformed or oversized requests before any view, and answer /api/ in JSON.

What is refused here never reaches a view, so nothing can be half-stored:

- a body longer than the limit, judged from ``Content-Length`` before a byte is read
  (413); the API takes JSON only, so its limit is far below the upload pages' one;
- a body sent without ``Content-Length`` (chunked): Django's WSGI request reads such a
  body as empty, so it is refused (411) instead of being taken for an empty form;
- a multipart body without a valid boundary (400), which Django's parser would raise
  inside whichever view or middleware first touched ``request.POST``.

Page forms' text (query string and form fields) goes through the one normaliser
(``core.inputs.clean_text``); the API's JSON and query go through it in the ninja parser.
Every error answer under /api/ is ``{"detail", "code"}``, including the ones Django or
ninja produce as HTML or plain text (an unknown method's 405, a CSRF 403).
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from gonghui.core.inputs import clean_text

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _messages() -> dict[int, tuple[str, str]]:
    # Built per call: the messages follow the request's language.
    return {
        400: ("bad_request", _("请求格式不正确。")),
        401: ("not_authenticated", _("请先登录或提供有效的令牌。")),
        403: ("forbidden", _("您没有权限进行此操作。")),
        404: ("not_found", _("没有找到该地址。")),
        405: ("method_not_allowed", _("该地址不支持此请求方法。")),
        411: ("length_required", _("请求必须带有 Content-Length，不接受分块传输的请求体。")),
        413: ("request_too_large", _("请求内容过大。")),
        415: ("unsupported_media_type", _("不支持该请求内容类型。")),
        429: ("throttled", _("请求过于频繁，请稍后再试。")),
        500: ("server_error", _("服务器内部错误，请稍后再试。")),
    }


def error_response(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    """Answer an error in the format of the part of the site that was asked."""
    if is_api(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    if request.path.startswith("/open311/"):
        # GeoReport v2 errors are a list of {code, description}.
        return JsonResponse([{"code": status, "description": detail}], status=status, safe=False)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _body_limit(request: HttpRequest) -> int:
    # JSON has no business being large; file uploads to the API (relief documents, an
    # XLSForm) get the pages' limit, and each endpoint then checks its own file sizes.
    multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
    if is_api(request) and not multipart:
        return settings.GONGHUI_API_MAX_BODY_BYTES
    return settings.GONGHUI_MAX_REQUEST_BYTES


def _refusal(request: HttpRequest) -> HttpResponse | None:
    meta = request.META
    raw_length = meta.get("CONTENT_LENGTH") or ""
    if raw_length:
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            return error_response(
                request, 400, "invalid_content_length", _("Content-Length 不正确。")
            )
        limit = _body_limit(request)
        if length > limit:
            return error_response(
                request,
                413,
                "request_too_large",
                _("请求内容过大（最多 %(limit)s 字节）。") % {"limit": limit},
            )
    elif request.method in BODY_METHODS and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", ""):
        code, detail = _messages()[411]
        return error_response(request, 411, code, detail)
    content_type = meta.get("CONTENT_TYPE", "")
    if content_type.lower().startswith("multipart/") and request.method in BODY_METHODS:
        _type, params = parse_header_parameters(content_type)
        boundary = params.get("boundary", "")
        if not boundary or len(boundary) > 70 or not boundary.isascii():
            return error_response(
                request,
                400,
                "invalid_multipart",
                _("multipart 请求缺少有效的 boundary。"),
            )
    return None


def _cleaned(query: QueryDict) -> QueryDict:
    out = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        out.setlist(
            clean_text(key, refuse_surrogates=False),
            [clean_text(v, refuse_surrogates=False) for v in values],
        )
    out._mutable = False
    return out


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class RequestGuard:
    """Refuse bad requests at the edge; clean page forms; keep /api/ errors JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _refusal(request)
        if refusal is not None:
            return refusal
        if not is_api(request):
            failed = self._clean_form(request)
            if failed is not None:
                return failed
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            response = self._as_json(response)
        return response

    def _clean_form(self, request: HttpRequest) -> HttpResponse | None:
        request.GET = _cleaned(request.GET)
        content_type = request.META.get("CONTENT_TYPE", "").lower()
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                request.POST = _cleaned(request.POST)
            except MultiPartParserError:
                return error_response(request, 400, "invalid_multipart", _("请求格式不正确。"))
            except RequestDataTooBig:
                code, detail = _messages()[413]
                return error_response(request, 413, code, detail)
        return None

    def _as_json(self, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        code, detail = _messages().get(status, ("error", _("请求未能完成。")))
        out = HttpResponse(
            json.dumps({"detail": detail, "code": code}, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                out[header] = response[header]
        return out
