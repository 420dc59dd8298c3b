from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5Config(AppConfig):
    name = "gonghui.h5"
    label = "h5"
    verbose_name = _("职工端")
