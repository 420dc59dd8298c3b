"""The state machines of membership cases, in one place: which action moves which
status, and which roles may take it at which org.

``where`` names the org a role must be held at (or above): ``org`` (the union that
decides an application, holds the member, or runs a founding case), ``from_org`` /
``to_org`` (the two sides of a transfer).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gonghui.members.choices import ApplicationStatus as A
from gonghui.members.choices import FoundingStep as F
from gonghui.members.choices import MemberStatus as M
from gonghui.members.choices import TransferStatus as T
from gonghui.orgs.choices import Role

DECIDERS = frozenset({Role.HANDLER, Role.ADMIN})
ORGANISERS = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    roles: frozenset
    where: str
    label: object


def _t(action, sources, target, roles, where, label) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), where, label)


APPLICATION = {
    t.action: t
    for t in [
        _t("approve", {A.PENDING}, A.APPROVED, DECIDERS, "org", _("批准入会")),
        _t("reject", {A.PENDING}, A.REJECTED, DECIDERS, "org", _("不予批准")),
        # The worker withdraws their own application; no staff role involved.
        _t("withdraw", {A.PENDING}, A.WITHDRAWN, frozenset(), "worker", _("撤回申请")),
    ]
}

TRANSFER = {
    t.action: t
    for t in [
        _t("release", {T.REQUESTED}, T.RELEASED, DECIDERS, "from_org", _("原工会确认转出")),
        _t("auto_release", {T.REQUESTED}, T.RELEASED, frozenset(), "system", _("超时自动转出")),
        _t("accept", {T.RELEASED}, T.COMPLETED, DECIDERS, "to_org", _("新工会接收")),
        _t("decline", {T.RELEASED}, T.REJECTED, DECIDERS, "to_org", _("新工会不予接收")),
        _t("cancel", {T.REQUESTED, T.RELEASED}, T.CANCELLED, DECIDERS, "from_org", _("撤销转会")),
    ]
}

MEMBERSHIP = {
    t.action: t
    for t in [
        _t("lapse", {M.ACTIVE}, M.LAPSED, DECIDERS, "org", _("会籍中断")),
        _t("resume", {M.LAPSED}, M.ACTIVE, DECIDERS, "org", _("恢复会籍")),
        _t("end", {M.ACTIVE, M.LAPSED}, M.ENDED, DECIDERS, "org", _("终止会籍")),
    ]
}

# A founding case moves one step at a time; the upper union's approval creates the union.
_OPEN_STEPS = {F.CONTACT, F.PREPARATION, F.ELECTION, F.APPROVAL}
FOUNDING = {
    t.action: t
    for t in [
        _t("prepare", {F.CONTACT}, F.PREPARATION, ORGANISERS, "org", _("进入筹备")),
        _t("elect", {F.PREPARATION}, F.ELECTION, ORGANISERS, "org", _("召开会员大会选举")),
        _t("submit", {F.ELECTION}, F.APPROVAL, ORGANISERS, "org", _("报上级工会批复")),
        _t("approve", {F.APPROVAL}, F.APPROVED, ORGANISERS, "org", _("上级工会批复建会")),
        _t("abandon", _OPEN_STEPS, F.ABANDONED, ORGANISERS, "org", _("中止建会")),
    ]
}
