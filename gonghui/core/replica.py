"""Reads that tolerate a little staleness go to a streaming replica, when there is one.

Django routes by model, but staleness is a property of the work, not of the table: a
dashboard may read appeals a second old, the intake that just wrote one may not. So a
request opts in by its path (``GONGHUI_REPLICA_PATHS``: dashboards, rankings,
statistics, knowledge and station searches; GET and HEAD only), and the router sends
its reads to the ``replica`` alias while three guards hold:

- the replica answers and its replay is at most ``GONGHUI_REPLICA_MAX_LAG`` seconds
  behind (checked at most once a second per process; a replica that is down or paused
  sends those reads to the primary, with no error to the client);
- the request has not written anything (read-your-writes for the request that wrote);
- the client did not write in the last few seconds (a short cookie set after each
  successful write, so a worker who just filed an appeal sees it on the next page).

Without a ``replica`` database (the embedded default, the test suite) nothing changes.
"""

import contextlib
import logging
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "gh_wrote"

_stale_ok: ContextVar[bool] = ContextVar("gonghui_stale_ok", default=False)
_wrote: ContextVar[bool] = ContextVar("gonghui_wrote", default=False)

_health_lock = threading.Lock()
_health = {"checked": 0.0, "ok": False, "lag": None}


def enabled() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag() -> float | None:
    """Return the replica's replay lag in seconds, or None when it cannot be asked.

    A replica that has replayed all it received is 0 behind however long ago the last
    write was; otherwise the lag is the age of the last replayed transaction."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
                "THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
            )
            (lag,) = cursor.fetchone()
        return float(lag or 0)
    except Exception as exc:  # down, restarting, refusing: fall back, never fail the request
        log.warning("replica unavailable: %s", exc)
        # The connection is broken already; closing it may fail too.
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        return None


def replica_usable() -> bool:
    """Return whether stale-tolerant reads may use the replica now (cached for a second)."""
    now = time.monotonic()
    every = getattr(settings, "GONGHUI_REPLICA_CHECK_SECONDS", 1.0)
    if now - _health["checked"] < every:
        return _health["ok"]
    with _health_lock:
        if now - _health["checked"] >= every:
            lag = replica_lag()
            max_lag = getattr(settings, "GONGHUI_REPLICA_MAX_LAG", 5.0)
            _health.update(checked=time.monotonic(), lag=lag, ok=lag is not None and lag <= max_lag)
    return _health["ok"]


def forget_health() -> None:
    _health.update(checked=0.0, ok=False, lag=None)


class ReplicaRouter:
    """Send reads of stale-tolerant requests to the replica; everything else to default."""

    def db_for_read(self, model, **hints):
        if _stale_ok.get() and not _wrote.get() and replica_usable():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


_paths: list[re.Pattern] | None = None


def _path_patterns() -> list[re.Pattern]:
    global _paths
    if _paths is None:
        _paths = [re.compile(p) for p in getattr(settings, "GONGHUI_REPLICA_PATHS", [])]
    return _paths


def stale_tolerant(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(WROTE_COOKIE):
        return False
    return any(p.match(request.path_info) for p in _path_patterns())


class ReplicaMiddleware:
    """Mark stale-tolerant requests for the router; mark writers with a short cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        stale = _stale_ok.set(stale_tolerant(request))
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
                seconds = int(getattr(settings, "GONGHUI_REPLICA_MAX_LAG", 5.0)) + 1
                response.set_cookie(
                    WROTE_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax"
                )
            return response
        finally:
            _stale_ok.reset(stale)
            _wrote.reset(wrote)
