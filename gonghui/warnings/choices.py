from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningKind(models.TextChoices):
    EMPLOYER_CLUSTER = "employer_cluster", _("同一用人单位集中反映")
    AREA_SURGE = "area_surge", _("区域同类诉求激增")
    TERM_SURGE = "term_surge", _("新热词突增")


class Level(models.TextChoices):
    YELLOW = "yellow", _("黄色（一般）")
    ORANGE = "orange", _("橙色（较重）")
    RED = "red", _("红色（严重）")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    STUDIED = "studied", _("已会商研判")
    ACTED = "acted", _("已联动处置")
    CLOSED = "closed", _("已关闭")
