from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_calendar(sender, using="default", **kwargs) -> None:
    """Copy the years chinese-calendar knows into the schedule table after every migrate
    (and after a test flush), so an upgraded library adds its new years by itself."""
    from gonghui.core.calendars import seed_from_library

    seed_from_library()


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        post_migrate.connect(_seed_calendar, sender=self, dispatch_uid="core.seed_calendar")
