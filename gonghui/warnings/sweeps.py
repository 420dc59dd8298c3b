"""The worker runs the detectors (once an interval, whichever worker claims it) and
supervises overdue warnings."""

from gonghui.core.sweeps import register
from gonghui.warnings import services


@register("warnings.detect")
def _detect() -> int:
    return services.run_detectors()


@register("warnings.overdue")
def _overdue() -> int:
    return services.mark_overdue()
