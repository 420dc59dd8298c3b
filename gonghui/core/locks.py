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
