from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("基层工会审核中")
    STREET_REVIEW = "street_review", _("街道（乡镇）工会审核中")
    DISTRICT_REVIEW = "district_review", _("区总工会审核中")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("不予救助")
    REVIEWED = "reviewed", _("审核通过，待公示")
    PUBLICITY = "publicity", _("公示中")
    OBJECTED = "objected", _("公示异议核查中")
    APPROVED = "approved", _("已批准，待发放")
    PAID = "paid", _("已发放")
    PAYMENT_FAILED = "payment_failed", _("发放失败")


class Stage(models.TextChoices):
    GRASSROOTS = "grassroots", _("基层工会")
    STREET = "street", _("街道（乡镇）工会")
    DISTRICT = "district", _("区总工会")


# The review status of each stage, and the stage of each review status.
REVIEW_STATUS = {
    Stage.GRASSROOTS: Status.SUBMITTED,
    Stage.STREET: Status.STREET_REVIEW,
    Stage.DISTRICT: Status.DISTRICT_REVIEW,
}
STAGE_OF = {status: stage for stage, status in REVIEW_STATUS.items()}
NEXT_STAGE = {Stage.GRASSROOTS: Stage.STREET, Stage.STREET: Stage.DISTRICT}


class Eligibility(models.TextChoices):
    MEMBER = "member", _("工会会员")
    HARDSHIP_HOUSEHOLD = "hardship_household", _("困难职工家庭成员")


class HardshipCategory(models.TextChoices):
    DIBAO = "dibao", _("低保户")
    NEAR_DIBAO = "near_dibao", _("低保边缘户")
    ACCIDENT = "accident", _("意外致困")
    ILLNESS = "illness", _("因病致困")


class FileStatus(models.TextChoices):
    ACTIVE = "active", _("在档")
    CLOSED = "closed", _("已脱困出档")


class Relation(models.TextChoices):
    HEAD = "head", _("户主（困难职工本人）")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核准")
    PAID = "paid", _("已支付")
    REJECTED = "rejected", _("不予支付")


class CampaignKind(models.TextChoices):
    WARMTH = "warmth", _("送温暖")
    COOL = "cool", _("送清凉")


class TargetGroup(models.TextChoices):
    HARDSHIP = "hardship", _("困难职工家庭")
    MODEL_WORKER = "model_worker", _("劳动模范")
    OUTDOOR = "outdoor", _("户外劳动者")
    FRONT_LINE = "front_line", _("一线职工")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("核查中")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
