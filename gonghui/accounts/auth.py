"""Authentication classes for the API: staff session or bearer, worker bearer, org API key.

CSRF protects only what a browser sends by itself: the session cookie. A request that
carries a bearer token or an API key was built by a program that had to hold the
secret, so it never needs a CSRF token; a request authenticated by the session cookie
always does (ninja's own ``SessionAuth`` checked CSRF before it even looked for a
session, so every bearer and API-key write was refused with 403).
"""

from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth
from ninja.utils import check_csrf

from gonghui.accounts.models import AccessToken
from gonghui.accounts.services import resolve_api_key, resolve_token
from gonghui.core.errors import ServiceError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfFailed(ServiceError):
    status = 403


def _carries_credentials(request) -> bool:
    return "authorization" in request.headers or "x-api-key" in request.headers


class StaffSession(SessionAuth):
    """A logged-in staff user of the console; writes must carry the CSRF token."""

    def _get_key(self, request):
        # Requests with their own credentials are authenticated by those, not the cookie.
        if _carries_credentials(request):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed(
                _("页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试。"),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if key is None:
            return None
        return super().authenticate(request, key)


class StaffBearer(HttpBearer):
    def authenticate(self, request, token):
        found = resolve_token(token, AccessToken.Kind.STAFF)
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user


class WorkerBearer(HttpBearer):
    def authenticate(self, request, token):
        found = resolve_token(token, AccessToken.Kind.WORKER)
        if found is None:
            return None
        request.worker = found.worker
        return found.worker


class OrgApiKey(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        return resolve_api_key(key)


# Staff or an org's API key; staff users only (session or bearer); workers.
staff_auth = [StaffBearer(), OrgApiKey(), StaffSession()]
staff_user_auth = [StaffBearer(), StaffSession()]
worker_auth = [WorkerBearer()]
