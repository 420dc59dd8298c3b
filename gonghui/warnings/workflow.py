"""The early-warning workflow on ``core.workflow``: open → studied (会商研判) → acted
(联动处置) → closed, each step taken by staff holding a workflow role at or above the
warning's org; it may be closed from any open status."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.workflow import Workflow
from gonghui.core.workflow import t as _t
from gonghui.orgs.choices import Role
from gonghui.warnings.choices import WarningStatus as W

WORKFLOW_ROLES = frozenset({Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})

WORKFLOW = Workflow(
    name="warning",
    transitions=[
        _t("study", {W.OPEN}, W.STUDIED, WORKFLOW_ROLES, "org", _("会商研判")),
        _t("act", {W.STUDIED}, W.ACTED, WORKFLOW_ROLES, "org", _("联动处置")),
        _t("close", {W.OPEN, W.STUDIED, W.ACTED}, W.CLOSED, WORKFLOW_ROLES, "org", _("关闭预警")),
    ],
    orgs={"org": lambda warning: warning.org},
    status_labels=lambda status: W(status).label,
    messages={
        "conflict": _("当前状态（%(status)s）不能进行此操作。"),
        "forbidden": _("您的岗位不能处置该预警。"),
    },
)
