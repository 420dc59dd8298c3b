from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("会员与建会")

    def ready(self) -> None:
        from gonghui.core.calendars import register_recount
        from gonghui.members import drives, sweeps  # noqa: F401  (register metrics, sweeps)
        from gonghui.members.recount import recount_deadlines

        register_recount("members", _("入会申请与转会"))(recount_deadlines)
