"""Authentication classes for the API: staff session or bearer, worker bearer, org API key."""

from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from gonghui.accounts.models import AccessToken
from gonghui.accounts.services import resolve_api_key, resolve_token


class StaffSession(SessionAuth):
    """A logged-in staff user of the console (CSRF-protected for writes)."""


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


staff_auth = [StaffSession(), StaffBearer(), OrgApiKey()]
worker_auth = [WorkerBearer()]
