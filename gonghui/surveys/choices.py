from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


class Audience(models.TextChoices):
    MEMBERS = "members", _("本工会及下级会员（H5 登录作答）")
    PUBLIC = "public", _("公开链接（扫码作答）")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    CONFIRMED = "confirmed", _("职工已确认")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("已办结")


class NeedSource(models.TextChoices):
    VISIT = "visit", _("走访")
    APPEAL = "appeal", _("诉求")
    SURVEY = "survey", _("问卷")
    MEETING = "meeting", _("会议")
