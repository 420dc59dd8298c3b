"""Middleware of our own: browser hardening headers on every response, compression of
worker pages, and API errors that Django or ninja answer outside our handlers.

``SecurityHeadersMiddleware`` adds the Content-Security-Policy and Permissions-Policy
(Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy from settings). The policy allows scripts from our own origin
only, so templates carry no inline ``<script>`` code and no ``on...=`` attributes: page
data travels in ``page_data`` blocks (``type="application/json"``, never executed) and
``data-`` attributes.

``CompressionMiddleware`` gzips HTML and JSON except for staff sessions (BREACH; see
docs/decisions.md). Static files are compressed ahead of time by whitenoise.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import gettext as _

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "image/svg+xml")


class SecurityHeadersMiddleware:
    """Add ``settings.CONTENT_SECURITY_POLICY`` and ``settings.PERMISSIONS_POLICY``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug page for a crash runs inline script; it is shown only with DEBUG
        # on, to the developer at the keyboard.
        if not (settings.DEBUG and response.status_code >= 500):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class CompressionMiddleware(GZipMiddleware):
    """Gzip text and JSON, except answers to a signed-in staff member.

    Django's GZipMiddleware pads each response with random bytes ("Heal the Breach") and
    masks the CSRF token afresh per response, which is what keeps BREACH off the worker
    pages. Staff pages hold unmasked personal data beside echoed search input, and
    staff sit on office networks where the bytes matter less: those stay uncompressed.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)


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


class ConsoleNotFound:
    """Answer a 404 raised inside the staff console (a record outside the user's area,
    which ``access.py`` turns into Http404) with the console's own page, menu and all,
    also under DEBUG, where Django would show its technical 404 page instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.http import Http404
        from django.shortcuts import render

        if isinstance(exception, Http404) and request.path.startswith("/console/"):
            return render(request, "console/404.html", status=404)
        return None
