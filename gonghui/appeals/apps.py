from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "gonghui.appeals"
    label = "appeals"
    verbose_name = _("诉求办理")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gonghui.appeals import sweeps  # noqa: F401  (registers the sweeps)
        from gonghui.appeals.defaults import load_if_empty

        post_migrate.connect(load_if_empty, sender=self, dispatch_uid="appeals-defaults")
        from gonghui.appeals.recount import recount_deadlines
        from gonghui.core.calendars import register_recount

        register_recount("appeals", _("诉求工单"))(recount_deadlines)

        from gonghui.appeals.metrics import register_rates

        register_rates()

        from gonghui.appeals import tables
        from gonghui.appeals.models import DeadlinePolicy, RoutingRule

        tables.connect(RoutingRule, DeadlinePolicy)  # and tier orgs, by its own receiver
