"""The life of a collective contract (Beijing Collective Contract Regulations, Art.
38–39, 43): ratified by the workers' congress, signed by both chiefs, filed within ten
days, effective when the labour authority raises no objection in fifteen days, then
expired or renewed. ``org`` is the negotiating union; its staff and those above act."""

from django.utils.translation import gettext_lazy as _

from gonghui.core import workflow as wf
from gonghui.orgs.choices import Role
from gonghui.rights.contracts.choices import ContractStatus as S

STAFF = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})


def _status(value: str) -> str:
    return str(S(value).label) if value in S.values else value


CONTRACT = wf.Workflow(
    name="rights.collective_contract",
    transitions=[
        wf.t("ratify", {S.NEGOTIATING}, S.RATIFIED, STAFF, "org", _("职工代表大会审议通过")),
        wf.t("sign", {S.RATIFIED}, S.SIGNED, STAFF, "org", _("双方首席代表签字")),
        wf.t("file", {S.SIGNED}, S.FILED, STAFF, "org", _("报劳动保障行政部门备案")),
        wf.t("effect", {S.FILED}, S.EFFECTIVE, (), wf.SYSTEM, _("备案15日内无异议，合同生效")),
        wf.t("expire", {S.EFFECTIVE}, S.EXPIRED, (), wf.SYSTEM, _("合同期满未续签")),
        wf.t("renew", {S.EFFECTIVE, S.EXPIRED}, S.RENEWED, STAFF, "org", _("已续订")),
    ],
    orgs={"org": lambda c: c.org},
    status_labels=_status,
)
