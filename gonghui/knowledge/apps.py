from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "gonghui.knowledge"
    verbose_name = _("政策知识库")
