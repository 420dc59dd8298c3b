from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    verbose_name = _("服务阵地")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Drive plans and dashboards count the stations built in their period live.
        from gonghui.core import metrics
        from gonghui.stations import services
        from gonghui.stations.choices import Kind

        for key, kind, label in (
            ("stations_built", Kind.WARM_STATION, _("新建暖心驿站")),
            ("mother_baby_rooms_built", Kind.MOTHER_BABY_ROOM, _("新建母婴关爱室")),
            ("worker_homes_built", Kind.WORKER_HOME, _("新建职工之家")),
        ):
            metrics.register(key, label, app="stations")(
                lambda org, start, end, kind=kind: services.count_opened(org, start, end, kind=kind)
            )
