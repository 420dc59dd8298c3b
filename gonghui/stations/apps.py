from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    verbose_name = _("服务阵地")
    default_auto_field = "django.db.models.BigAutoField"
