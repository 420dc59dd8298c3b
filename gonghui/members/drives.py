"""Drive plans (区级工会加强年): writing a plan with its tasks, and where each task's
progress comes from.

A task's metric is a ``count`` of the metric registry in ``core/metrics.py``: this app
registers the ones it holds (members, gig members, unions founded, meetings); other
apps register theirs in ``AppConfig.ready`` (e.g. stations: ``"stations_built"``).
A task whose metric is not registered, or is ``manual``, shows the hand-reported figure.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gonghui.core import audit, metrics
from gonghui.core.errors import Forbidden
from gonghui.members.models import DrivePlan, DriveTask
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Org, StaffRole

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


# --- writing a plan -------------------------------------------------------------------------

PLANNERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
PLAN_ORG_KINDS = frozenset({OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET})


@dataclass
class TaskInput:
    """One numbered task as typed in the console; ``id`` names a task being edited."""

    number: int | None
    title: str
    metric: str
    target: int | None
    owner: str
    id: int | None = None


def can_plan(user, org: Org) -> bool:
    """A supervisor or admin at ``org`` or above may create and edit its drive plans."""
    return bool(access.roles_over(user, org) & PLANNERS)


def planning_orgs(user):
    """The orgs (city, district, street) the user may create drive plans for."""
    if not getattr(user, "is_authenticated", False):
        return Org.objects.none()
    paths = StaffRole.objects.filter(user=user, role__in=PLANNERS).values_list(
        "org__path", flat=True
    )
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return access.visible_orgs(user).filter(q, kind__in=PLAN_ORG_KINDS).defer("boundary")


def _check_tasks(tasks: list[TaskInput]) -> None:
    known = {key for key, _label in metric_choices()}
    if not tasks:
        raise ValidationError(_("请至少填写一项任务。"), code="no_tasks")
    seen = set()
    for t in tasks:
        if t.number is None or t.number < 1 or t.number > 999:
            raise ValidationError(_("任务序号须为1至999的整数。"), code="invalid_number")
        row = _("第 %(n)s 项任务：") % {"n": t.number}
        if t.number in seen:
            raise ValidationError(
                _("任务序号 %(n)s 重复，同一计划内序号不能相同。") % {"n": t.number},
                code="duplicate_number",
            )
        seen.add(t.number)
        if not t.title.strip():
            raise ValidationError(row + _("请填写任务名称。"), code="title_required")
        if len(t.title.strip()) > 200:
            raise ValidationError(row + _("任务名称不能超过200个字。"), code="title_too_long")
        if t.metric not in known:
            raise ValidationError(row + _("请选择进度来源。"), code="invalid_metric")
        if t.target is None or t.target <= 0 or t.target > 2_147_483_647:
            raise ValidationError(row + _("目标须为大于0的整数。"), code="invalid_target")
        if not t.owner.strip():
            raise ValidationError(row + _("请填写责任部门。"), code="owner_required")
        if len(t.owner.strip()) > 60:
            raise ValidationError(row + _("责任部门不能超过60个字。"), code="owner_too_long")


def save_drive_plan(
    *,
    actor,
    org: Org,
    title: str,
    starts_on: date | None,
    ends_on: date | None,
    tasks: list[TaskInput],
    plan: DrivePlan | None = None,
) -> DrivePlan:
    """Create a drive plan, or edit one, with its whole task list, in one transaction.

    Tasks with an ``id`` of the plan are updated (their hand-reported figure kept), tasks
    without are added, and the plan's tasks not listed are removed.
    """
    title = title.strip()
    if not title:
        raise ValidationError(_("请填写计划名称。"), code="title_required")
    if len(title) > 120:
        raise ValidationError(_("计划名称不能超过120个字。"), code="title_too_long")
    if starts_on is None or ends_on is None:
        raise ValidationError(_("请填写开始日期和结束日期。"), code="dates_required")
    if ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="invalid_period")
    if org.kind not in PLAN_ORG_KINDS:
        raise ValidationError(
            _("加强年计划只能属于市、区或街道（乡镇）总工会。"), code="invalid_org"
        )
    _check_tasks(tasks)
    with transaction.atomic():
        if plan is not None:
            plan = DrivePlan.objects.select_for_update().select_related("org").get(pk=plan.pk)
            if not can_plan(actor, plan.org):
                raise Forbidden(
                    _("只有督办/领导或管理员可以编辑加强年计划。"), code="forbidden_role"
                )
        if not can_plan(actor, org):
            raise Forbidden(_("只有督办/领导或管理员可以编辑加强年计划。"), code="forbidden_role")
        created = plan is None
        if created:
            plan = DrivePlan(org=org)
        plan.org, plan.title, plan.starts_on, plan.ends_on = org, title, starts_on, ends_on
        plan.save()
        existing = {t.pk: t for t in plan.tasks.all()} if not created else {}
        if any(t.id is not None and t.id not in existing for t in tasks):
            raise ValidationError(_("有的任务不属于该计划，请刷新后重试。"), code="unknown_task")
        keep = {t.id for t in tasks if t.id is not None}
        removed = [pk for pk in existing if pk not in keep]
        DriveTask.objects.filter(pk__in=removed).delete()
        # Park kept tasks on numbers no one types (1-999 only) so numbers may be swapped.
        if keep:
            for i, pk in enumerate(sorted(keep)):
                DriveTask.objects.filter(pk=pk).update(number=30000 + i)
        for t in tasks:
            fields = {
                "number": t.number,
                "title": t.title.strip(),
                "metric": t.metric,
                "target": t.target,
                "owner": t.owner.strip(),
            }
            if t.id is None:
                DriveTask.objects.create(plan=plan, **fields)
            else:
                DriveTask.objects.filter(pk=t.id).update(**fields)
        audit.record(
            "drive.plan_create" if created else "drive.plan_update",
            actor=actor,
            obj=plan,
            org=plan.org,
            title=title,
            tasks=len(tasks),
            removed=len(removed),
        )
    return plan
