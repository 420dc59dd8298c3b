"""Drive plans (区级工会加强年): where each task's progress comes from.

A metric source is a function ``(org, start, end) -> int`` registered under a key;
this app registers the ones it holds (members, gig members, unions founded, meetings).
Other apps register theirs in ``AppConfig.ready`` (e.g. stations: ``"stations_built"``);
a task whose metric is not registered, or is ``manual``, shows the hand-reported figure.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from gonghui.members.models import DrivePlan, DriveTask
from gonghui.orgs.models import Org

MANUAL = "manual"


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    fn: Callable[[Org, date, date], int]


SOURCES: dict[str, Source] = {}


def register_metric(key: str, label) -> Callable:
    def decorator(fn: Callable[[Org, date, date], int]):
        SOURCES[key] = Source(key, label, fn)
        return fn

    return decorator


def metric_choices() -> list[tuple[str, str]]:
    return [(s.key, str(s.label)) for s in SOURCES.values()] + [(MANUAL, str(_("人工填报")))]


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
