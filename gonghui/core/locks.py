"""Serialise transactions that work on the same logical key (no row exists to lock yet)."""

from django.db import connection


def lock_for(key: str) -> None:
    """Hold a lock on ``key`` until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite: transactions begin
    IMMEDIATE (settings), so writers are already serialised and nothing is needed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def try_lock_shared(key: str) -> bool:
    """Take a shared lock on ``key`` until the current transaction ends, unless another
    transaction holds it exclusively (``lock_for``): then return False at once.

    Never waiting is what keeps this free of deadlocks: the caller may already hold row
    locks that the exclusive holder is about to need. SQLite: always True (writers are
    serialised).
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock_shared(hashtextextended(%s, 0))", [key])
        return bool(cursor.fetchone()[0])
