"""A registry of figures for the dashboards: name → callable(org, start, end) → dict.

Apps register their figures in ``AppConfig.ready`` (as sweeps do), so ``core`` and the
future dashboards never import an app to learn what it can count. Each figure covers
``org`` and its whole subtree over the calendar days ``start``..``end`` (both included).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

Figure = Callable[[Any, date, date], dict]
METRICS: dict[str, Figure] = {}


def register(name: str):
    """Register a figure under ``name`` (an app's prefix, e.g. ``rights.disputes``)."""

    def decorator(fn: Figure) -> Figure:
        if name in METRICS and METRICS[name] is not fn:
            raise ValueError(f"metric {name!r} registered twice")
        METRICS[name] = fn
        return fn

    return decorator


def compute(name: str, org, start: date, end: date) -> dict:
    """Return one registered figure (KeyError for an unknown name)."""
    return METRICS[name](org, start, end)
