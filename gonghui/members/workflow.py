"""The state machines of membership cases, in one place: which action moves which
status, and which roles may take it at which org (``core.workflow`` tables; services
call ``<TABLE>.check(case, action, actor)`` and write the table's target).

``where`` names the org a role must be held at (or above): ``org`` (the union that
decides an application, holds the member, or runs a founding case), ``from_org`` /
``to_org`` (the two sides of a transfer).
"""

from django.utils.translation import gettext_lazy as _

from gonghui.core.workflow import SYSTEM, WORKER, Workflow
from gonghui.core.workflow import t as _t
from gonghui.members.choices import ApplicationStatus as A
from gonghui.members.choices import FoundingStep as F
from gonghui.members.choices import MemberStatus as M
from gonghui.members.choices import TransferStatus as T
from gonghui.orgs.choices import Role

DECIDERS = frozenset({Role.HANDLER, Role.ADMIN})
ORGANISERS = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})


# Membership refusals keep their own words: the status is not named in them.
_MESSAGES = {
    "conflict": _("当前状态不能进行“%(action)s”操作。"),
    "forbidden": _("您的岗位不能进行此操作。"),
}


def _flow(name: str, transitions, orgs: dict, **kwargs) -> Workflow:
    return Workflow(name=name, transitions=transitions, orgs=orgs, messages=_MESSAGES, **kwargs)


APPLICATION = _flow(
    "join_application",
    [
        _t("approve", {A.PENDING}, A.APPROVED, DECIDERS, "org", _("批准入会")),
        _t("reject", {A.PENDING}, A.REJECTED, DECIDERS, "org", _("不予批准")),
        # The worker withdraws their own application; no staff role involved.
        _t("withdraw", {A.PENDING}, A.WITHDRAWN, (), WORKER, _("撤回申请")),
    ],
    {"org": lambda application: application.org},
)

TRANSFER = _flow(
    "transfer",
    [
        _t("release", {T.REQUESTED}, T.RELEASED, DECIDERS, "from_org", _("原工会确认转出")),
        _t("auto_release", {T.REQUESTED}, T.RELEASED, (), SYSTEM, _("超时自动转出")),
        _t("accept", {T.RELEASED}, T.COMPLETED, DECIDERS, "to_org", _("新工会接收")),
        _t("decline", {T.RELEASED}, T.REJECTED, DECIDERS, "to_org", _("新工会不予接收")),
        _t("cancel", {T.REQUESTED, T.RELEASED}, T.CANCELLED, DECIDERS, "from_org", _("撤销转会")),
    ],
    {
        "from_org": lambda transfer: transfer.from_org,
        "to_org": lambda transfer: transfer.to_org,
    },
)

MEMBERSHIP = _flow(
    "membership",
    [
        _t("lapse", {M.ACTIVE}, M.LAPSED, DECIDERS, "org", _("会籍中断")),
        _t("resume", {M.LAPSED}, M.ACTIVE, DECIDERS, "org", _("恢复会籍")),
        _t("end", {M.ACTIVE, M.LAPSED}, M.ENDED, DECIDERS, "org", _("终止会籍")),
    ],
    {"org": lambda member: member.org},
)

# A founding case moves one step at a time; the upper union's approval creates the union.
_OPEN_STEPS = {F.CONTACT, F.PREPARATION, F.ELECTION, F.APPROVAL}
FOUNDING = _flow(
    "founding",
    [
        _t("prepare", {F.CONTACT}, F.PREPARATION, ORGANISERS, "org", _("进入筹备")),
        _t("elect", {F.PREPARATION}, F.ELECTION, ORGANISERS, "org", _("召开会员大会选举")),
        _t("submit", {F.ELECTION}, F.APPROVAL, ORGANISERS, "org", _("报上级工会批复")),
        _t("approve", {F.APPROVAL}, F.APPROVED, ORGANISERS, "org", _("上级工会批复建会")),
        _t("abandon", _OPEN_STEPS, F.ABANDONED, ORGANISERS, "org", _("中止建会")),
    ],
    {"org": lambda case: case.org},
    status_field="step",
)
