"""Middleware of our own: API errors that Django or ninja answer outside our handlers."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# Headers a client needs from the original answer (which methods, when to retry).
KEPT_HEADERS = ("Allow", "Retry-After")


def _error_for(status: int, request: HttpRequest) -> tuple[str, str]:
    if status == 405:
        return "method_not_allowed", _("该地址不支持 %(method)s 请求。") % {
            "method": request.method
        }
    if status == 413:
        return "too_large", _("请求内容过大。")
    return "error", _("请求无法处理。")


class ApiErrorsAsJson:
    """Turn any non-JSON error under /api/ into ``{"detail", "code"}``.

    The API's exception handlers cover what a view raises, but some answers never reach
    them: ninja answers a wrong method with a bare ``405 Method not allowed`` in
    text/html. A client must be able to read every error the same way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, detail = _error_for(response.status_code, request)
        answer = JsonResponse({"detail": detail, "code": code}, status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        return answer
