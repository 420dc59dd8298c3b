"""Process-wide caches that every app process rebuilds after a change, not only the
process that made it.

A ``Generation`` row per cache holds a token, changed inside the transaction of each
change the cache is built from (``bump``). ``ProcessCache.get`` compares it with the
token its copy was built at, at most every ``check_every`` seconds, so a hot path that
touches no database otherwise pays one small query that often: other processes see a
change within that time, the changing process at once.
"""

import secrets
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, models

from gonghui.core.models import Generation

T = TypeVar("T")


_local: dict[str, list["ProcessCache"]] = {}


def bump(key: str) -> None:
    """Mark ``key``'s caches stale in every process (call inside the writing
    transaction); this process's copies are dropped at once.

    A random token, not the old one plus one: a rolled-back transaction must not leave
    a token that a later, different change reuses."""
    token = secrets.randbits(62) or 1
    if not Generation.objects.filter(key=key).update(token=token):
        Generation.objects.update_or_create(key=key, defaults={"token": token})
    for cache in _local.get(key, ()):
        cache.clear()


def current(key: str) -> int:
    return Generation.objects.filter(key=key).values_list("token", flat=True).first() or 0


def current_under_shared_lock(key: str) -> tuple[bool, int]:
    """Take ``core.locks.try_lock_shared(key)`` and read ``key``'s token in one statement
    (a deadline computed on the hot path needs both); return (locked, token). SQLite
    has no advisory locks: always locked (its writers are serialised)."""
    if connection.vendor != "postgresql":
        return True, current(key)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock_shared(hashtextextended(%s, 0)), "
            "(SELECT token FROM core_generation WHERE key = %s)",
            [key, key],
        )
        locked, token = cursor.fetchone()
    return bool(locked), token or 0


def bumping_queryset(key: str) -> type[models.QuerySet]:
    """A QuerySet class whose bulk writes (``update``, ``delete``, ``bulk_create``,
    ``bulk_update``) bump ``key``, as signals do for ``save`` and ``delete``."""

    class BumpingQuerySet(models.QuerySet):
        def update(self, **kwargs):
            rows = super().update(**kwargs)
            bump(key)
            return rows

        def delete(self):
            result = super().delete()
            bump(key)
            return result

        def bulk_create(self, objs, *args, **kwargs):
            created = super().bulk_create(objs, *args, **kwargs)
            bump(key)
            return created

        def bulk_update(self, objs, fields, *args, **kwargs):
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            bump(key)
            return rows

    BumpingQuerySet.__name__ = f"BumpingQuerySet_{key}"
    return BumpingQuerySet


class ProcessCache(Generic[T]):
    """One process's copy of a value built by ``build``, rebuilt when its generation
    moved (checked at most every ``check_every`` seconds) or after ``clear``."""

    def __init__(self, key: str, build: Callable[[], T], check_every: float = 30.0):
        self.key, self.build, self.check_every = key, build, check_every
        self._value: T | None = None
        self._token = 0
        self._checked = 0.0
        self._lock = threading.Lock()
        _local.setdefault(key, []).append(self)

    def get(self, *, max_age: float | None = None, token: int | None = None) -> T:
        """Return the copy, checked against the generation row if it was last checked
        more than ``max_age`` seconds ago (default ``check_every``; 0: check now, for a
        value about to be stored, such as a deadline). ``token``: the generation's token,
        already read by the caller in this transaction; the copy is checked against it
        without another query."""
        if token is not None:
            return self._get_at(token)
        limit = self.check_every if max_age is None else max_age
        value = self._value
        if value is not None and time.monotonic() - self._checked < limit:
            return value
        with self._lock:
            now = time.monotonic()
            if self._value is None or now - self._checked >= limit:
                token = current(self.key)  # read before building: a change meanwhile rebuilds
                if self._value is None or token != self._token:
                    self._value = self.build()
                    self._token = token
                self._checked = now
            return self._value

    def _get_at(self, token: int) -> T:
        value = self._value
        if value is not None and token == self._token:
            return value
        with self._lock:
            if self._value is None or token != self._token:
                self._value = self.build()
                self._token = token
            self._checked = time.monotonic()
            return self._value

    def put(self, value: T) -> None:
        """Use ``value`` as the current copy (a benchmark's register built in memory)."""
        with self._lock:
            self._value, self._token, self._checked = value, current(self.key), time.monotonic()

    def clear(self) -> None:
        """Drop this process's copy (after a change made here: no need to wait)."""
        with self._lock:
            self._value = None
