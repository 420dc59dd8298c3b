"""Periodic sweeps run by the worker process (deadlines, outbox, callbacks, roll-ups).

Apps register their sweeps in ``AppConfig.ready``. Every sweep must be safe with two
workers running at once (claim rows by conditional update).
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

log = logging.getLogger(__name__)
SWEEPS: dict[str, Callable[[], int]] = {}


def register(name: str):
    def decorator(fn: Callable[[], int]):
        SWEEPS[name] = fn
        return fn

    return decorator


def run_all() -> dict[str, int]:
    """Run every sweep once; a failing sweep is logged and does not stop the others."""
    results = {}
    for name, fn in SWEEPS.items():
        try:
            results[name] = fn()
        except Exception:
            log.exception("sweep %s failed", name)
            results[name] = -1
    return results


def run_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        run_all()
        close_old_connections()
        stop.wait(interval)


@register("outbox")
def _deliver_outbox() -> int:
    from gonghui.core.outbox import deliver_pending

    return deliver_pending()


@register("throttle_purge")
def _purge_throttles() -> int:
    from gonghui.core.throttle import purge

    return purge()
