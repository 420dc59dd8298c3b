"""The relief application's life in one table (see ``gonghui/core/workflow.py``).

Review is staged: the grassroots union, then the street, then the district, each
approving, returning (with the items to fix) or rejecting at its own stage. A role
held above a stage's org counts for it (a street union may act for a grassroots one
without staff of its own); ``services.decide`` keeps one person from approving two
stages of one case, so staged review stays two pairs of eyes at least.
"""

from django.utils.translation import gettext_lazy as _

from gonghui.care.choices import Status as S
from gonghui.core import workflow as wf
from gonghui.orgs.choices import Role

REVIEWERS = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
DECIDERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

WORKFLOW = wf.Workflow(
    name="care-application",
    transitions=[
        wf.t("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, (), wf.WORKER, _("提交申请")),
        wf.t(
            "approve_grassroots",
            {S.SUBMITTED},
            S.STREET_REVIEW,
            REVIEWERS,
            "org",
            _("基层工会审核通过"),
        ),
        wf.t(
            "approve_street",
            {S.STREET_REVIEW},
            S.DISTRICT_REVIEW,
            REVIEWERS,
            "street",
            _("街道（乡镇）工会审核通过"),
        ),
        wf.t(
            "approve_district",
            {S.DISTRICT_REVIEW},
            S.REVIEWED,
            REVIEWERS,
            "district",
            _("区总工会审核通过"),
        ),
        wf.t("return_grassroots", {S.SUBMITTED}, S.RETURNED, REVIEWERS, "org", _("退回补正")),
        wf.t("return_street", {S.STREET_REVIEW}, S.RETURNED, REVIEWERS, "street", _("退回补正")),
        wf.t(
            "return_district",
            {S.DISTRICT_REVIEW},
            S.RETURNED,
            REVIEWERS,
            "district",
            _("退回补正"),
        ),
        wf.t("reject_grassroots", {S.SUBMITTED}, S.REJECTED, REVIEWERS, "org", _("不予救助")),
        wf.t("reject_street", {S.STREET_REVIEW}, S.REJECTED, REVIEWERS, "street", _("不予救助")),
        wf.t(
            "reject_district",
            {S.DISTRICT_REVIEW},
            S.REJECTED,
            REVIEWERS,
            "district",
            _("不予救助"),
        ),
        wf.t("publicise", {S.REVIEWED}, S.PUBLICITY, REVIEWERS, "district", _("公示")),
        # An objection during 公示 holds the case until the district answers it.
        wf.t("object", {S.PUBLICITY}, S.OBJECTED, (), wf.WORKER, _("收到公示异议，核查中")),
        wf.t(
            "uphold_objection",
            {S.OBJECTED},
            S.REJECTED,
            DECIDERS,
            "district",
            _("公示异议成立，不予救助"),
        ),
        wf.t(
            "dismiss_objection",
            {S.OBJECTED},
            S.PUBLICITY,
            DECIDERS,
            "district",
            _("公示异议不成立，继续办理"),
        ),
        wf.t(
            "approve_final",
            {S.PUBLICITY},
            S.APPROVED,
            DECIDERS,
            "district",
            _("公示期满，批准救助"),
        ),
        wf.t(
            "pay", {S.APPROVED, S.PAYMENT_FAILED}, S.PAID, REVIEWERS, "district", _("救助金已发放")
        ),
        wf.t(
            "payment_failed",
            {S.APPROVED, S.PAYMENT_FAILED},
            S.PAYMENT_FAILED,
            REVIEWERS,
            "district",
            _("发放失败"),
        ),
    ],
    orgs={
        "org": lambda a: a.org,
        "street": lambda a: a.street,
        "district": lambda a: a.district,
    },
    status_labels=lambda s: str(S(s).label) if s in S.values else s,
)

# The API's stage-neutral actions and the table's action for each review status.
STAGE_ACTIONS = {
    "approve": {
        S.SUBMITTED: "approve_grassroots",
        S.STREET_REVIEW: "approve_street",
        S.DISTRICT_REVIEW: "approve_district",
        S.PUBLICITY: "approve_final",
    },
    "return": {
        S.SUBMITTED: "return_grassroots",
        S.STREET_REVIEW: "return_street",
        S.DISTRICT_REVIEW: "return_district",
    },
    "reject": {
        S.SUBMITTED: "reject_grassroots",
        S.STREET_REVIEW: "reject_street",
        S.DISTRICT_REVIEW: "reject_district",
    },
}


def table_action(action: str, status: str) -> str:
    """Map ``approve``/``return``/``reject`` to the table's action for ``status``; a
    status without one maps to the grassroots action, whose check then answers 409."""
    if action not in STAGE_ACTIONS:
        return WORKFLOW[action].action  # unknown: 404
    return STAGE_ACTIONS[action].get(status) or next(iter(STAGE_ACTIONS[action].values()))
