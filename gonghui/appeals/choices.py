"""Codes of the appeal taxonomy (shared/docs/taxonomy.md) and of the appeal's life."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12351热线")
    H5 = "h5", _("手机网页")
    MINIPROGRAM = "miniprogram", _("小程序")
    WEB = "web", _("网站")
    WALK_IN = "walk_in", _("来访")
    LETTER = "letter", _("来信")
    TRANSFER_12345 = "transfer_12345", _("12345转办")


class Kind(models.TextChoices):
    ENQUIRY = "enquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")


class Category(models.TextChoices):
    WAGES = "wages", _("拖欠工资与劳动报酬")
    HOURS = "hours", _("加班、工时与休假")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险与公积金")
    INJURY = "injury", _("工伤与职业病")
    DISMISSAL = "dismissal", _("解除劳动合同与经济补偿")
    CONTRACT = "contract", _("劳动合同订立与履行")
    SAFETY = "safety", _("劳动安全卫生")
    WOMEN = "women", _("女职工与特殊群体保护")
    GIG = "gig", _("新就业形态劳动者权益")
    PROCEDURE = "procedure", _("劳动争议处理与法律援助")
    MEMBERSHIP = "membership", _("入会与会员服务")
    UNION_BUILDING = "union_building", _("工会组建与民主管理")
    SERVICES = "services", _("工会服务与阵地")
    HARDSHIP = "hardship", _("困难帮扶与救助")
    EMPLOYMENT = "employment", _("就业创业")
    FEEDBACK = "feedback", _("意见建议与工会工作投诉")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    COMPLEX = "complex", _("复杂")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已评价")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = [Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class RouteReason(models.TextChoices):
    """Why an appeal went where it went (派单依据), stored as a code, worded on display.

    The rule-made reasons are the routing targets' codes; a channel naming the handling
    org and a dispatcher's own choice have theirs."""

    EMPLOYER_UNION_STREET = "employer_union_street", _("用人单位已建会：派基层工会所在街道")
    LOCATION_STREET = "location_street", _("按诉求发生地派街道（乡镇）")
    LOCATION_DISTRICT = "location_district", _("只知道所在区：由区总工会派单")
    STREET_FEDERATION = "street_federation", _("入会事项由街道（乡镇）总工会办理")
    DISTRICT_SERVICE_CENTRE = "district_service_centre", _("困难帮扶由区职工服务中心办理")
    CITY = "city", _("兜底：市总工会派单中心")
    CHANNEL = "channel", _("由渠道指定的承办单位（如服务阵地的管理单位）")
    MANUAL = "manual", _("人工派单")


class RouteTarget(models.TextChoices):
    EMPLOYER_UNION_STREET = "employer_union_street", _("用人单位所在基层工会的街道总工会")
    LOCATION_STREET = "location_street", _("所在地街道（乡镇）总工会")
    LOCATION_DISTRICT = "location_district", _("所在地区级总工会")
    STREET_FEDERATION = "street_federation", _("街道（乡镇）总工会（按用人单位或位置）")
    DISTRICT_SERVICE_CENTRE = "district_service_centre", _("区职工服务中心（区级总工会）")
    CITY = "city", _("市总工会派单中心（兜底）")
