"""The life of a legal health check, one ``core.workflow`` table. ``street`` is the
street union of the enterprise (it starts the check, reviews it, follows the findings
up); ``district`` the district union above it, which verifies."""

from django.utils.translation import gettext_lazy as _

from gonghui.core import workflow as wf
from gonghui.orgs.choices import Role
from gonghui.rights.health.choices import CheckStatus as S

STAFF = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})


def _status(value: str) -> str:
    return str(S(value).label) if value in S.values else value


HEALTH_CHECK = wf.Workflow(
    name="rights.health_check",
    transitions=[
        # The union chair submits from the signed link (no staff account): a worker-side step.
        wf.t("self_submit", {S.SELF_ASSESSMENT}, S.SUBMITTED, (), wf.WORKER, _("企业提交自查")),
        wf.t("submit", {S.SELF_ASSESSMENT}, S.SUBMITTED, STAFF, "street", _("代企业提交自查")),
        wf.t("return", {S.SUBMITTED}, S.SELF_ASSESSMENT, STAFF, "street", _("退回企业补充")),
        wf.t("review", {S.SUBMITTED}, S.REVIEWED, STAFF, "street", _("街道审核")),
        wf.t("verify", {S.REVIEWED}, S.VERIFIED, STAFF, "district", _("区级核验")),
        wf.t("close", {S.VERIFIED}, S.CLOSED, (), wf.SYSTEM, _("问题全部整改，体检结束")),
    ],
    orgs={"street": lambda hc: hc.street, "district": lambda hc: hc.district},
    status_labels=_status,
)

EVENT_LABELS = {
    "create": _("发起法治体检"),
    "answers": _("填报检查结果"),
    "follow_up": _("整改回访"),
}


def label(action: str) -> str:
    if action in HEALTH_CHECK:
        return HEALTH_CHECK.label(action)
    return str(EVENT_LABELS.get(action, action))
