"""A need's life (需求清单闭环) as one core Workflow: recorded → assigned to the department
that owns it → progress notes → a reply to the worker → the worker's word (confirmed,
or reopened because it is not solved) → closed. Closing needs the reply and the
worker's word, or a recorded reason when the worker cannot be reached (services.py
checks the reason; the table refuses closing before a reply)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.workflow import Workflow, t
from gonghui.orgs.choices import Role
from gonghui.surveys.choices import NeedStatus as S

STAFF = {Role.HANDLER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}
WORKING = {S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}

NEED_WORKFLOW = Workflow(
    name="need",
    transitions=[
        t("assign", {S.OPEN, S.REOPENED}, S.ASSIGNED, STAFF, "org", _("交办")),
        t("progress", WORKING, S.IN_PROGRESS, STAFF, "org", _("办理进展")),
        t("reply", WORKING, S.REPLIED, STAFF, "org", _("答复职工")),
        t("confirm", {S.REPLIED}, S.CONFIRMED, STAFF, "org", _("职工确认已解决")),
        t("reopen", {S.REPLIED, S.CONFIRMED}, S.REOPENED, STAFF, "org", _("职工表示未解决")),
        t("close", {S.REPLIED, S.CONFIRMED}, S.CLOSED, STAFF, "org", _("办结")),
    ],
    orgs={"org": lambda need: need.org},
    status_labels=lambda status: str(S(status).label),
)
