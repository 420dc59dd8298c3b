"""One throttle for every endpoint, counted in the database so all processes share it.

A ``Limit`` allows ``limit`` hits per key in a fixed window of ``seconds``. Each hit is
one statement, an upsert that starts a new window or adds to the current one and
returns the count (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, on PostgreSQL
and SQLite alike), so parallel requests in any number of processes can never both see
the last free hit. A per-process cache counted 20 lookups as ~60 behind three workers.

Keys are stored as a keyed hash of the identity (an IP, a phone, a ticket number), so
the table holds no personal data. A window starts at the first hit after the last one
ended and lasts ``seconds`` (so "15 minutes" means 15 minutes from the first failure);
a burst at the end of one window and the start of the next can reach twice the limit,
the price of one statement per hit.

A hit must be counted outside a transaction that the refusal rolls back, or the
refusal undoes its own count: callers hit before they open their transaction.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gonghui.core.errors import Throttled
from gonghui.core.models import ThrottleCounter

KEEP = timedelta(days=1)  # rows whose window ended this long ago are purged by the sweep


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` hits per key of ``scope`` in each window of ``seconds``."""

    scope: str
    limit: int
    seconds: int


def _key(limit: Limit, ident: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{limit.scope}:{ident}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{limit.scope}:{digest[:64]}"


def _since(limit: Limit, now: datetime) -> datetime:
    # A window that started at or after this moment is still running.
    return now - timedelta(seconds=limit.seconds)


def _row(limit: Limit, ident: str, now: datetime) -> ThrottleCounter | None:
    return ThrottleCounter.objects.filter(
        key=_key(limit, ident), window_start__gte=_since(limit, now)
    ).first()


def retry_after(limit: Limit, ident: str) -> int:
    """Seconds until the window of ``ident`` ends (at least 1)."""
    now = timezone.now()
    row = _row(limit, ident, now)
    if row is None:
        return 1
    left = row.window_start + timedelta(seconds=limit.seconds) - now
    return max(math.ceil(left.total_seconds()), 1)


def hit(limit: Limit, ident: str, *, n: int = 1) -> int:
    """Count ``n`` hits for ``ident`` and return the hits of its current window."""
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    now = timezone.now()
    since = _since(limit, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, %s)
            ON CONFLICT (key) DO UPDATE SET
              hits = CASE WHEN {table}.window_start >= %s
                          THEN {table}.hits + excluded.hits ELSE excluded.hits END,
              window_start = CASE WHEN {table}.window_start >= %s
                                  THEN {table}.window_start ELSE excluded.window_start END
            RETURNING hits
            """,  # noqa: S608 - the table name is the model's, quoted; values are parameters
            [_key(limit, ident), now, n, since, since],
        )
        return cursor.fetchone()[0]


def count(limit: Limit, ident: str) -> int:
    """Return the hits of the current window without counting one."""
    row = _row(limit, ident, timezone.now())
    return row.hits if row else 0


def exceeded(limit: Limit, ident: str) -> bool:
    """Whether ``ident`` has used up the current window (no hit is counted)."""
    return count(limit, ident) >= limit.limit


def check(limit: Limit, ident: str, *, message: str, code: str) -> int:
    """Count a hit; raise ``Throttled`` (429) once the window's limit is passed."""
    hits = hit(limit, ident)
    if hits > limit.limit:
        raise Throttled(message, code=code, retry_after=retry_after(limit, ident))
    return hits


def refuse_if_exceeded(limit: Limit, ident: str, *, message: str, code: str) -> None:
    """Raise ``Throttled`` when the window is used up; count nothing (e.g. failures only)."""
    if exceeded(limit, ident):
        raise Throttled(message, code=code, retry_after=retry_after(limit, ident))


def clear(limit: Limit, ident: str) -> None:
    """Forget the hits of ``ident`` (e.g. after a success that proves the caller)."""
    ThrottleCounter.objects.filter(key=_key(limit, ident)).delete()


def purge(now: datetime | None = None) -> int:
    """Delete counters whose window ended long ago; return how many."""
    now = now or timezone.now()
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=now - KEEP).delete()
    return deleted
