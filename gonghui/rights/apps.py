from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "gonghui.rights"
    label = "rights"
    verbose_name = _("劳动争议调解与法律援助")

    def ready(self) -> None:
        from gonghui.rights import stats, sweeps  # noqa: F401  (registers sweeps and figures)
