from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "gonghui.warnings"
    verbose_name = _("预警与研判")

    def ready(self) -> None:
        from gonghui.warnings import sweeps  # noqa: F401  (registers the sweeps)
