"""The daily roll-up of the rights figures (``DailyFigures``), kept by the services.

Each case adds one "share" (one case, its agreement, referral, collective flag, amounts
claimed and recovered, time to agreement) to the row of its receipt day, its kind and
its status, for its body's org **and every org above it**: a city's year is then 365
days x a dozen statuses read by one exact index lookup, not a scan of the year's cases.

Every write that changes a share (intake, a step, a claims edit, closing) calls
``move(before, after)`` in its own transaction: the difference is added to the rows
with one ``INSERT .. ON CONFLICT DO UPDATE SET x = x + excluded.x``. Additions commute,
so two transactions on the same day's rows are both counted (the row lock orders them),
and the rows are written in key order so two such transactions never deadlock.
``rebuild()`` recounts every row from the cases (``manage.py rebuild_rights_figures``);
a test checks that the kept rows equal the recount.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI
from gonghui.orgs import access
from gonghui.rights.models import AidCase, DailyFigures, Dispute

DISPUTE = DailyFigures.Kind.DISPUTE
AID = DailyFigures.Kind.AID
# The counted columns, in the order of a share's values.
COLUMNS = (
    "cases",
    "agreements",
    "referred",
    "collective",
    "claimed",
    "recovered",
    "agreement_us",
)
MICROSECOND = timedelta(microseconds=1)
TABLE = DailyFigures._meta.db_table


@dataclass(frozen=True)
class Share:
    """What one case adds to the roll-up: where (path, day, kind, status) and how much."""

    path: str
    day: object
    kind: str
    status: str
    values: tuple

    def cells(self) -> list[tuple]:
        return [(p, self.day, self.kind, self.status) for p in access.ancestor_paths(self.path)]


def dispute_share(d: Dispute) -> Share:
    agreed = d.agreed_at is not None
    return Share(
        d.org_path,
        d.received_on,
        DISPUTE,
        d.status,
        (
            1,
            int(agreed),
            int(bool(d.referred_to)),
            int(d.collective),
            Decimal(d.claimed_total or 0),
            Decimal(d.recovered_total or 0),
            (d.agreed_at - d.received_at) // MICROSECOND if agreed else 0,
        ),
    )


def aid_share(c: AidCase) -> Share:
    return Share(
        c.org_path,
        timezone.localtime(c.received_at, SHANGHAI).date(),
        AID,
        c.status,
        (1, 0, 0, 0, Decimal("0"), Decimal(c.recovered_total or 0), 0),
    )


def share(case: Dispute | AidCase) -> Share:
    return dispute_share(case) if isinstance(case, Dispute) else aid_share(case)


def move(before: Share | None, after: Share | None) -> None:
    """Add ``after`` and take away ``before`` (None: a new or removed case), at once."""
    deltas: dict[tuple, list] = {}
    for s, sign in ((before, -1), (after, 1)):
        if s is None:
            continue
        for key in s.cells():
            row = deltas.setdefault(key, [0] * len(COLUMNS))
            for i, value in enumerate(s.values):
                row[i] += sign * value
    _add({k: v for k, v in deltas.items() if any(v)})


def _add(deltas: dict[tuple, list]) -> None:
    if not deltas:
        return
    cols = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in COLUMNS)
    one = "(" + ", ".join(["%s"] * (4 + len(COLUMNS))) + ")"
    params: list = []
    for key in sorted(deltas):  # one order for every writer: no deadlocks
        params.extend(key)
        params.extend(deltas[key])
    # Only our own identifiers and placeholders are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {TABLE} AS t (path, day, kind, status, {cols}) "  # noqa: S608
        f"VALUES {', '.join([one] * len(deltas))} "
        f"ON CONFLICT (path, day, kind, status) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_all(cases: Iterable[Dispute | AidCase]) -> None:
    """Add many new cases at once (the demo's bulk writes)."""
    deltas: dict[tuple, list] = {}
    for case in cases:
        s = share(case)
        for key in s.cells():
            row = deltas.setdefault(key, [0] * len(COLUMNS))
            for i, value in enumerate(s.values):
                row[i] += value
    _add(deltas)


# --- the recount -------------------------------------------------------------------------

_DISPUTE_SELECT = """
SELECT left(org_path, %(n)s), received_on, 'dispute', status,
       count(*),
       count(*) FILTER (WHERE agreed_at IS NOT NULL),
       count(*) FILTER (WHERE referred_to <> ''),
       count(*) FILTER (WHERE collective),
       coalesce(sum(claimed_total), 0),
       coalesce(sum(recovered_total), 0),
       coalesce(sum((extract(epoch FROM agreed_at - received_at) * 1000000)::bigint)
                FILTER (WHERE agreed_at IS NOT NULL), 0)
FROM rights_dispute WHERE length(org_path) >= %(n)s
GROUP BY 1, 2, 3, 4
"""
_AID_SELECT = """
SELECT left(org_path, %(n)s), (received_at AT TIME ZONE 'Asia/Shanghai')::date, 'aid', status,
       count(*), 0, 0, 0, 0, coalesce(sum(recovered_total), 0), 0
FROM rights_aidcase WHERE length(org_path) >= %(n)s
GROUP BY 1, 2, 3, 4
"""


def _depth_lengths() -> list[int]:
    """The path lengths of every depth that holds a case's body or an org above it."""
    paths = set(Dispute.objects.values_list("org_path", flat=True).distinct())
    paths |= set(AidCase.objects.values_list("org_path", flat=True).distinct())
    return sorted({len(a) for p in paths for a in access.ancestor_paths(p)})


def recount_steps() -> list[tuple[str, int]]:
    return [(sql, n) for n in _depth_lengths() for sql in (_DISPUTE_SELECT, _AID_SELECT)]


def rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recount every row from the cases (one grouped query per depth and case type);
    return the number of rows. Locks the table so no write is counted twice."""
    table = TABLE
    cols = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for sql, n in recount_steps():
            cursor.execute(f"INSERT INTO {table} (path, day, kind, status, {cols}) {sql}", {"n": n})
            if progress:
                progress(1)
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]
