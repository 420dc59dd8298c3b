"""The law's clocks, swept by the worker process (rights/services.py ``run_clocks``)."""

from gonghui.core.sweeps import register


@register("rights.clocks")
def _clocks() -> int:
    from gonghui.rights.services import run_clocks

    return run_clocks()


@register("rights.health_findings")
def _health_findings() -> int:
    from gonghui.rights.health.services import flag_overdue

    return flag_overdue()


@register("rights.contracts")
def _contract_clocks() -> int:
    from gonghui.rights.contracts.services import run_clocks

    return run_clocks()
