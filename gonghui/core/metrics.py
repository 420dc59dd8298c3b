"""Every figure a dashboard or a drive plan shows about an org over a period, in one
registry: apps register their metrics at start-up (``AppConfig.ready``), as they do
sweeps, so ``core`` never imports an app and a dashboard reads the registry without
knowing which app holds the numbers.

A metric is a function ``(org, start, end)``: a ``count`` (members joined, stations
built; drive-plan tasks count these), a ``rate`` (the three appeal rates, between 0 and
1, or None when nothing was due), or ``figures``, a dict of named numbers (a rights
office's cases, agreements and amounts recovered, as decimal strings).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

COUNT = "count"
RATE = "rate"
FIGURES = "figures"


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    fn: Callable[[Any, date, date], Any]
    kind: str = COUNT
    app: str = ""


METRICS: dict[str, Metric] = {}


def register(key: str, label, *, kind: str = COUNT, app: str = "") -> Callable:
    """Register ``fn(org, start, end)`` under ``key`` (a decorator)."""

    def decorator(fn: Callable[[Any, date, date], Any]):
        METRICS[key] = Metric(key, label, fn, kind, app)
        return fn

    return decorator


def of_kind(kind: str) -> list[Metric]:
    return [m for m in METRICS.values() if m.kind == kind]


def value(key: str, org, start: date, end: date):
    return METRICS[key].fn(org, start, end)
