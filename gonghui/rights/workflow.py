"""The lives of a mediation case and of a legal-aid case, one ``core.workflow`` table
each. ``body`` is the mediating body (the case's org): its mediators, their supervisors
and admins above it take the steps. Services check here and take the target status."""

from django.utils.translation import gettext_lazy as _

from gonghui.core import workflow as wf
from gonghui.orgs.choices import Role
from gonghui.rights.choices import AidStatus as A
from gonghui.rights.choices import DisputeStatus as D

MEDIATORS = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
# Only a supervisor (or admin) may assign a lawyer despite a conflict or a failed criterion.
OVERRIDERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
OPEN = {D.RECEIVED, D.ACCEPTED, D.IN_SESSION}
# Statuses in which the Art. 14 clock still runs: no agreement and no other ending yet.
CLOCK_RUNNING = frozenset({D.RECEIVED, D.ACCEPTED, D.IN_SESSION})


def _dispute_status(value: str) -> str:
    return str(D(value).label) if value in D.values else value


def _aid_status(value: str) -> str:
    return str(A(value).label) if value in A.values else value


DISPUTE = wf.Workflow(
    name="rights.dispute",
    transitions=[
        wf.t("accept", {D.RECEIVED}, D.ACCEPTED, MEDIATORS, "body", _("受理调解申请")),
        wf.t("refuse", {D.RECEIVED}, D.REFUSED, MEDIATORS, "body", _("不予受理")),
        wf.t(
            "session",
            {D.ACCEPTED, D.IN_SESSION},
            D.IN_SESSION,
            MEDIATORS,
            "body",
            _("召开调解会"),
        ),
        wf.t("agree", {D.ACCEPTED, D.IN_SESSION}, D.AGREED, MEDIATORS, "body", _("达成调解协议")),
        wf.t("performed", {D.AGREED}, D.PERFORMED, MEDIATORS, "body", _("调解协议已履行")),
        wf.t("default", {D.AGREED}, D.DEFAULTED, MEDIATORS, "body", _("用人单位未按期履行")),
        wf.t(
            "refer",
            {D.RECEIVED, D.ACCEPTED, D.IN_SESSION, D.DEFAULTED},
            D.REFERRED,
            MEDIATORS,
            "body",
            _("转仲裁或诉讼"),
        ),
        wf.t("withdraw", OPEN, D.WITHDRAWN, MEDIATORS, "body", _("申请人撤回调解申请")),
        wf.t(
            "close",
            {D.PERFORMED, D.DEFAULTED, D.REFERRED, D.WITHDRAWN},
            D.CLOSED,
            MEDIATORS,
            "body",
            _("结案"),
        ),
    ],
    orgs={"body": lambda case: case.org},
    status_labels=_dispute_status,
)

AID = wf.Workflow(
    name="rights.legal_aid",
    transitions=[
        wf.t("assign", {A.SCREENING}, A.ACCEPTED, MEDIATORS, "org", _("受理并指派律师")),
        wf.t("reject", {A.SCREENING}, A.REJECTED, MEDIATORS, "org", _("不予援助")),
        wf.t(
            "override",
            {A.SCREENING},
            None,
            OVERRIDERS,
            "org",
            _("审查条件特批"),
            public=False,
        ),
        wf.t(
            "serve",
            {A.ACCEPTED, A.IN_SERVICE},
            A.IN_SERVICE,
            MEDIATORS,
            "org",
            _("援助服务"),
        ),
        wf.t("close", {A.ACCEPTED, A.IN_SERVICE}, A.CLOSED, MEDIATORS, "org", _("援助结案")),
    ],
    orgs={"org": lambda case: case.org},
    status_labels=_aid_status,
)

# Timeline lines that are not steps of the table.
EVENT_LABELS = {
    "receive": _("收到调解申请"),
    "from_appeal": _("由职工诉求转为调解案件"),
    "collective": _("集体劳动争议：已向区总工会预警"),
    "day12": _("调解期限将满（第12日）提醒调解员"),
    "arbitration_notice": _("15日内未达成协议：已短信告知可申请仲裁"),
    "limitation_warning": _("仲裁时效即将届满（30日内）"),
    "intake": _("收到法律援助申请"),
    "conflict_override": _("利益冲突经审批后指派"),
    "claims": _("修改请求事项"),
}


def label(flow: wf.Workflow, action: str) -> str:
    if action in flow:
        return flow.label(action)
    return str(EVENT_LABELS.get(action, action))
