"""Drive plans (区级工会加强年): where each task's progress comes from.

A task's metric is a ``count`` of the metric registry in ``core/metrics.py``: this app
registers the ones it holds (members, gig members, unions founded, meetings); other
apps register theirs in ``AppConfig.ready`` (e.g. stations: ``"stations_built"``).
A task whose metric is not registered, or is ``manual``, shows the hand-reported figure.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gonghui.core import metrics
from gonghui.members.models import DrivePlan, DriveTask

MANUAL = "manual"


class _Counts(Mapping):
    """The registry's counts, by key: the metrics a drive-plan task may follow."""

    def __getitem__(self, key: str) -> metrics.Metric:
        metric = metrics.METRICS[key]
        if metric.kind != metrics.COUNT:
            raise KeyError(key)
        return metric

    def __iter__(self):
        return (m.key for m in metrics.of_kind(metrics.COUNT))

    def __len__(self) -> int:
        return len(metrics.of_kind(metrics.COUNT))


SOURCES = _Counts()


def register_metric(key: str, label) -> Callable:
    return metrics.register(key, label, kind=metrics.COUNT, app="members")


def metric_choices() -> list[tuple[str, str]]:
    # This app's own counts first, then the other apps' (stations start up before us).
    counts = sorted(metrics.of_kind(metrics.COUNT), key=lambda m: m.app != "members")
    return [(m.key, str(m.label)) for m in counts] + [(MANUAL, str(_("人工填报")))]


@dataclass
class Progress:
    task: DriveTask
    value: int
    live: bool

    @property
    def percent(self) -> int:
        if not self.task.target:
            return 100
        return min(100, round(100 * self.value / self.task.target))


def progress(plan: DrivePlan) -> list[Progress]:
    """Return each task's progress: live from the registered source, or as reported."""
    out = []
    for task in plan.tasks.order_by("number"):
        source = SOURCES.get(task.metric)
        if source is None:
            out.append(Progress(task, task.reported, live=False))
        else:
            out.append(Progress(task, source.fn(plan.org, plan.starts_on, plan.ends_on), True))
    return out


def _register_builtin() -> None:
    from gonghui.members import stats
    from gonghui.members.choices import DriveMetric as M

    for key in (
        M.NEW_MEMBERS,
        M.NEW_GIG_MEMBERS,
        M.UNIONS_FOUNDED,
        M.NON_PUBLIC_UNIONS,
        M.WORKER_MEETINGS,
        M.ENTERPRISE_MEETINGS,
    ):
        register_metric(str(key), M(key).label)(
            lambda org, start, end, key=str(key): stats.metric(key, org, start, end)
        )


_register_builtin()
