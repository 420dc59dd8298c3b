"""Browser hardening headers on every response, and compression of worker pages.

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
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

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
