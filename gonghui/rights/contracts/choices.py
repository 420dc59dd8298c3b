from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业集体合同")
    REGIONAL = "regional", _("区域性集体合同")
    INDUSTRY = "industry", _("行业性集体合同")


class ContractStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("协商中")
    RATIFIED = "ratified", _("职代会已通过")
    SIGNED = "signed", _("已签字待备案")
    FILED = "filed", _("已备案待生效")
    EFFECTIVE = "effective", _("已生效")
    EXPIRED = "expired", _("到期未续签")
    RENEWED = "renewed", _("已续订")
