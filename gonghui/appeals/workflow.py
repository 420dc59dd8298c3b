"""The appeal state machine, in one place: which action moves which status, and who may.

Declared on ``core.workflow`` (one ``Workflow`` table for every case type); services
(``services.py``) call ``WORKFLOW.check`` and perform the transitions. ``where`` names
the org a role must be held at (or above):

- ``dispatcher``: the org whose dispatchers route the appeal (首接);
- ``assigned``: the org handling it;
- ``above_assigned``: the handling org too, but the role must be held strictly above
  it (``above=True``: 督办 comes from above).
"""

from django.utils.translation import gettext_lazy as _

from gonghui.appeals.choices import Status
from gonghui.core.workflow import Transition, Workflow
from gonghui.core.workflow import t as _t
from gonghui.orgs.choices import Role

OPEN = frozenset({Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS})
WORKING = frozenset({Status.ACCEPTED, Status.IN_PROGRESS})
# The handling org's own handlers and dispatchers sign for, work on and return its
# appeals; the same roles held higher up (a city dispatcher) do not. Admins above may.
OWN = frozenset({Role.HANDLER, Role.DISPATCHER})

_TRANSITIONS: list[Transition] = [
    _t(
        "dispatch",
        {Status.RECEIVED},
        Status.DISPATCHED,
        {Role.DISPATCHER, Role.ADMIN},
        "dispatcher",
        _("已派单"),
    ),
    _t(
        "recategorise",
        {Status.RECEIVED},
        None,
        {Role.DISPATCHER, Role.ADMIN},
        "dispatcher",
        _("更正分类"),
        public=False,
    ),
    _t(
        "accept",
        {Status.DISPATCHED},
        Status.ACCEPTED,
        {Role.HANDLER, Role.DISPATCHER, Role.ADMIN},
        "assigned",
        _("承办单位已签收"),
        own=OWN,
    ),
    _t(
        "return",
        {Status.DISPATCHED},
        Status.RECEIVED,
        {Role.HANDLER, Role.DISPATCHER, Role.ADMIN},
        "assigned",
        _("退回重新派单"),
        public=False,
        own=OWN,
    ),
    _t(
        "contact",
        {Status.ACCEPTED},
        Status.IN_PROGRESS,
        {Role.HANDLER, Role.ADMIN},
        "assigned",
        _("已与您联系"),
        own=OWN,
    ),
    _t(
        "resolve",
        {Status.IN_PROGRESS},
        Status.RESOLVED,
        {Role.HANDLER, Role.ADMIN},
        "assigned",
        _("已办结"),
        own=OWN,
    ),
    _t(
        "answer_directly",
        {Status.RECEIVED},
        Status.RESOLVED,
        {Role.OPERATOR, Role.DISPATCHER, Role.ADMIN},
        "dispatcher",
        _("已直接答复"),
    ),
    _t(
        "extend",
        WORKING,
        None,
        {Role.HANDLER, Role.ADMIN},
        "assigned",
        _("申请延期"),
        public=False,
        own=OWN,
    ),
    _t(
        "extension/approve",
        WORKING,
        None,
        {Role.SUPERVISOR, Role.ADMIN},
        "assigned",
        _("延期已批准"),
    ),
    _t(
        "extension/reject",
        WORKING,
        None,
        {Role.SUPERVISOR, Role.ADMIN},
        "assigned",
        _("延期未批准"),
        public=False,
    ),
    _t(
        "supervise",
        OPEN,
        None,
        {Role.SUPERVISOR, Role.ADMIN},
        "above_assigned",
        _("上级督办"),
        public=False,
        above=True,
    ),
    _t(
        "merge",
        OPEN,
        Status.MERGED,
        {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN},
        "dispatcher",
        _("已与同类诉求合并办理"),
    ),
    # Worker (or operator on callback) actions: no staff role needed for the worker.
    _t(
        "evaluate",
        {Status.RESOLVED},
        Status.CLOSED,
        {Role.OPERATOR, Role.DISPATCHER, Role.ADMIN},
        "dispatcher",
        _("已评价"),
    ),
    _t(
        "reopen",
        {Status.RESOLVED},
        Status.ACCEPTED,
        {Role.OPERATOR, Role.DISPATCHER, Role.ADMIN},
        "dispatcher",
        _("未解决，重新办理"),
    ),
]

# Events that are not transitions but still belong on the timeline.
EVENT_LABELS = {
    "receive": _("已受理"),
    "overdue": _("超过办理时限"),
    "merged_from": _("同类诉求并入本单"),
    "callback": _("回访"),
    "deadline_moved": _("节假日安排调整，办结时限随之变更"),
    "to_dispute": _("已转为劳动争议调解案件"),
}

MAX_RETURNS = 2
MAX_EXTENSIONS = 2
# 首接负责: after MAX_RETURNS returns only these decide a further one (others get 409).
RETURN_DECIDERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _return_deciders(appeal, tr: Transition) -> frozenset:
    """Past the return limit a supervisor may return the appeal too (the handler's own
    further return is refused as ``return_limit``, a 409, in the service)."""
    if tr.action == "return" and appeal.return_count >= MAX_RETURNS:
        return RETURN_DECIDERS
    return frozenset()


WORKFLOW = Workflow(
    name="appeal",
    transitions=_TRANSITIONS,
    orgs={
        "dispatcher": lambda appeal: appeal.dispatcher_org,
        "assigned": lambda appeal: appeal.assigned_org,
        "above_assigned": lambda appeal: appeal.assigned_org,
    },
    status_labels=lambda status: Status(status).label,
    extra_roles=_return_deciders,
    messages={
        "no_org": _("该诉求尚未派单，不能进行此操作。"),
        "forbidden": _("您的岗位不能对该诉求进行此操作。"),
    },
)
TRANSITIONS = WORKFLOW.table


def label(action: str) -> str:
    if action in TRANSITIONS:
        return str(TRANSITIONS[action].label)
    return str(EVENT_LABELS.get(action, action))


def can_apply(action: str, status: str) -> bool:
    return status in TRANSITIONS[action].sources
