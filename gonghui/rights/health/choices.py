from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckStatus(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("企业自查")
    SUBMITTED = "submitted", _("待街道审核")
    REVIEWED = "reviewed", _("待区级核验")
    VERIFIED = "verified", _("整改跟踪")
    CLOSED = "closed", _("已结束")


class Result(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NA = "na", _("不适用")


class Stage(models.TextChoices):
    SELF = "self", _("企业自查")
    REVIEW = "review", _("街道审核")
    VERIFY = "verify", _("区级核验")


class Risk(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已整改")
