"""The three rates (三率) and rankings, from the appeals themselves via a daily roll-up.

response rate   = appeals contacted by their contact deadline / appeals whose contact
                  deadline fell in the period
resolution rate = evaluations "solved" / evaluations
satisfaction    = (1.0 x satisfied + 0.6 x basically + 0 x unsatisfied) / evaluations
score           = 30 % response + 35 % resolution + 35 % satisfaction

Weights live in settings (``GONGHUI_RATE_WEIGHTS``, ``GONGHUI_SATISFACTION_WEIGHTS``)
and are documented in docs/metrics.md. ``DailyStat`` rows are recounted from the
appeals for every (org, day) a transition touches, so they cannot drift;
``rebuild()`` recounts everything.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from gonghui.appeals.choices import Satisfaction
from gonghui.appeals.models import Appeal, DailyStat
from gonghui.orgs.models import Org

FIELDS = [
    "contact_due",
    "contact_on_time",
    "evaluations",
    "solved",
    "satisfied",
    "basically",
    "unsatisfied",
]
RATE_WEIGHTS = {"response": 0.30, "resolution": 0.35, "satisfaction": 0.35}
SATISFACTION_WEIGHTS = {"satisfied": 1.0, "basically": 0.6, "unsatisfied": 0.0}
MIN_VOLUME = 10


def rate_weights() -> dict:
    return getattr(settings, "GONGHUI_RATE_WEIGHTS", RATE_WEIGHTS)


def satisfaction_weights() -> dict:
    return getattr(settings, "GONGHUI_SATISFACTION_WEIGHTS", SATISFACTION_WEIGHTS)


def _day(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def keys_of(appeal: Appeal) -> set[tuple[int, date]]:
    """The roll-up rows an appeal contributes to: its contact day and evaluation day."""
    keys = set()
    if appeal.assigned_org_id:
        for day in (_day(appeal.contact_by), _day(appeal.evaluated_at)):
            if day is not None:
                keys.add((appeal.assigned_org_id, day))
    return keys


def count_appeals(appeals, start: date, end: date) -> dict:
    """Count the rates' inputs straight from ``appeals`` for the days start..end.

    The roll-up's source of truth; also what the benchmark compares the roll-up with.
    """
    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    hi = datetime.combine(end, datetime.max.time(), tzinfo=tz)
    contact = appeals.filter(contact_by__range=(lo, hi)).aggregate(
        due=Count("id"),
        on_time=Count(
            "id", filter=Q(contacted_at__isnull=False, contacted_at__lte=F("contact_by"))
        ),
    )
    ev = appeals.filter(evaluated_at__range=(lo, hi)).aggregate(
        n=Count("id"),
        solved=Count("id", filter=Q(eval_resolved=True)),
        satisfied=Count("id", filter=Q(eval_satisfaction=Satisfaction.SATISFIED)),
        basically=Count("id", filter=Q(eval_satisfaction=Satisfaction.BASICALLY)),
        unsatisfied=Count("id", filter=Q(eval_satisfaction=Satisfaction.UNSATISFIED)),
    )
    return {
        "contact_due": contact["due"],
        "contact_on_time": contact["on_time"],
        "evaluations": ev["n"],
        "solved": ev["solved"],
        "satisfied": ev["satisfied"],
        "basically": ev["basically"],
        "unsatisfied": ev["unsatisfied"],
    }


_state = threading.local()


@contextmanager
def deferred():
    """Skip the per-transition recounts inside the block and ``rebuild()`` once at its end.

    For writing much history at once (the demo's year of appeals): the same rows as the
    per-transition path, from the same counting, in two grouped queries instead of a
    recount per step."""
    _state.deferred = True
    try:
        yield
    finally:
        _state.deferred = False
    rebuild()


def _is_deferred() -> bool:
    return getattr(_state, "deferred", False)


def refresh(keys: set[tuple[int, date]]) -> None:
    """Recount the roll-up rows for these (org, day) keys from the appeals."""
    if not keys or _is_deferred():
        return
    paths = dict(Org.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "path"))
    for org_id, day in keys:
        counts = count_appeals(Appeal.objects.filter(assigned_org_id=org_id), day, day)
        if any(counts.values()):
            DailyStat.objects.update_or_create(
                org_id=org_id, day=day, defaults={**counts, "org_path": paths[org_id]}
            )
        else:
            DailyStat.objects.filter(org_id=org_id, day=day).delete()


def add_contact_due(org: Org, day: date) -> None:
    """Count one more contact due for ``org`` on ``day`` (a new appeal's first dispatch)."""
    if _is_deferred():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO appeals_dailystat (org_id, org_path, day, contact_due, contact_on_time,"
            " evaluations, solved, satisfied, basically, unsatisfied)"
            " VALUES (%s, %s, %s, 1, 0, 0, 0, 0, 0, 0) ON CONFLICT (org_id, day)"
            " DO UPDATE SET contact_due = appeals_dailystat.contact_due + 1",
            [org.pk, org.path, day],
        )


@transaction.atomic
def rebuild() -> int:
    """Recount every roll-up row from scratch with two grouped queries; return the row count."""
    tz = timezone.get_current_timezone()
    rows: dict[tuple[int, date], dict] = {}

    def row(org_id, day):
        return rows.setdefault((org_id, day), dict.fromkeys(FIELDS, 0))

    assigned = Appeal.objects.exclude(assigned_org=None)
    contact = (
        assigned.exclude(contact_by=None)
        .annotate(day=TruncDate("contact_by", tzinfo=tz))
        .values("assigned_org_id", "day")
        .annotate(
            due=Count("id"),
            on_time=Count(
                "id", filter=Q(contacted_at__isnull=False, contacted_at__lte=F("contact_by"))
            ),
        )
    )
    for r in contact:
        target = row(r["assigned_org_id"], r["day"])
        target["contact_due"], target["contact_on_time"] = r["due"], r["on_time"]
    evaluations = (
        assigned.exclude(evaluated_at=None)
        .annotate(day=TruncDate("evaluated_at", tzinfo=tz))
        .values("assigned_org_id", "day")
        .annotate(
            n=Count("id"),
            solved=Count("id", filter=Q(eval_resolved=True)),
            satisfied=Count("id", filter=Q(eval_satisfaction=Satisfaction.SATISFIED)),
            basically=Count("id", filter=Q(eval_satisfaction=Satisfaction.BASICALLY)),
            unsatisfied=Count("id", filter=Q(eval_satisfaction=Satisfaction.UNSATISFIED)),
        )
    )
    for r in evaluations:
        target = row(r["assigned_org_id"], r["day"])
        target.update(
            evaluations=r["n"],
            solved=r["solved"],
            satisfied=r["satisfied"],
            basically=r["basically"],
            unsatisfied=r["unsatisfied"],
        )
    paths = dict(Org.objects.filter(pk__in={k[0] for k in rows}).values_list("pk", "path"))
    DailyStat.objects.all().delete()
    DailyStat.objects.bulk_create(
        [
            DailyStat(org_id=org_id, day=day, org_path=paths[org_id], **counts)
            for (org_id, day), counts in rows.items()
        ],
        batch_size=5000,
    )
    return len(rows)


@dataclass
class Rates:
    counts: dict
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float | None


def rates_from(counts: dict) -> Rates:
    def ratio(a, b):
        return round(a / b, 4) if b else None

    response = ratio(counts["contact_on_time"], counts["contact_due"])
    resolution = ratio(counts["solved"], counts["evaluations"])
    w = satisfaction_weights()
    satisfaction = ratio(
        w["satisfied"] * counts["satisfied"]
        + w["basically"] * counts["basically"]
        + w["unsatisfied"] * counts["unsatisfied"],
        counts["evaluations"],
    )
    parts = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
    weights = rate_weights()
    score = (
        round(sum(weights[k] * v for k, v in parts.items()), 4)
        if all(v is not None for v in parts.values())
        else None
    )
    return Rates(counts, response, resolution, satisfaction, score)


def for_org(org: Org, start: date, end: date) -> Rates:
    totals = DailyStat.objects.filter(
        org_path__startswith=org.path, day__range=(start, end)
    ).aggregate(**{f: Sum(f) for f in FIELDS})
    return rates_from({f: totals[f] or 0 for f in FIELDS})


def ranking(orgs: list[Org], start: date, end: date, *, min_volume: int = MIN_VOLUME) -> list[dict]:
    """Rank orgs by score in one query per path length; small volumes are listed apart."""
    by_len: dict[int, dict[str, Org]] = {}
    for org in orgs:
        by_len.setdefault(len(org.path), {})[org.path] = org
    sums: dict[int, dict] = {}
    for length, prefixes in by_len.items():
        rows = (
            DailyStat.objects.filter(day__range=(start, end))
            .annotate(prefix=Substr("org_path", 1, length))
            .filter(prefix__in=list(prefixes))
            .values("prefix")
            .annotate(**{f: Sum(f) for f in FIELDS})
        )
        for row in rows:
            sums[prefixes[row["prefix"]].pk] = {f: row[f] or 0 for f in FIELDS}
    result = []
    for org in orgs:
        r = rates_from(sums.get(org.pk, dict.fromkeys(FIELDS, 0)))
        result.append(
            {
                "org": org,
                "rates": r,
                "insufficient_volume": r.counts["evaluations"] < min_volume or r.score is None,
            }
        )
    ranked = sorted(
        (x for x in result if not x["insufficient_volume"]),
        key=lambda x: (-x["rates"].score, x["org"].path),
    )
    for i, row in enumerate(ranked, 1):
        row["rank"] = i
    apart = sorted((x for x in result if x["insufficient_volume"]), key=lambda x: x["org"].path)
    for row in apart:
        row["rank"] = None
    return ranked + apart


def register_rates() -> None:
    """Register the three rates (响应率, 解决率, 满意率) with the dashboards' registry."""
    from django.utils.translation import gettext_lazy as _

    from gonghui.core import metrics

    for key, attr, label in (
        ("appeals_response_rate", "response_rate", _("响应率")),
        ("appeals_resolution_rate", "resolution_rate", _("解决率")),
        ("appeals_satisfaction_rate", "satisfaction_rate", _("满意率")),
    ):
        metrics.register(key, label, kind=metrics.RATE, app="appeals")(
            lambda org, start, end, attr=attr: getattr(for_org(org, start, end), attr)
        )
