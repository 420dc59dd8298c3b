from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Employment(models.TextChoices):
    EMPLOYEE = "employee", _("单位职工")
    GIG = "gig", _("新就业形态（平台灵活就业）")


class JobType(models.TextChoices):
    COURIER = "courier", _("快递员")
    FOOD_DELIVERY = "food_delivery", _("外卖骑手")
    RIDE_HAILING = "ride_hailing", _("网约车司机")
    TRUCK = "truck", _("货车司机")
    DOMESTIC = "domestic", _("家政")
    OTHER = "other", _("其他")


class GigPlatform(models.TextChoices):
    MEITUAN = "meituan", _("美团")
    ELEME = "eleme", _("饿了么")
    SF = "sf", _("顺丰")
    JD = "jd", _("京东")
    ZTO = "zto", _("中通")
    DIDI = "didi", _("滴滴出行")
    HUOLALA = "huolala", _("货拉拉")
    FIFTY_EIGHT = "58daojia", _("58到家")
    OTHER = "other", _("其他平台")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    LAPSED = "lapsed", _("中断（停止缴费等）")
    ENDED = "ended", _("已终止")


class PeriodStart(models.TextChoices):
    JOINED = "joined", _("入会")
    TRANSFERRED_IN = "transferred_in", _("转入")
    RESUMED = "resumed", _("恢复")


class PeriodEnd(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", _("转出")
    LAPSED = "lapsed", _("中断")
    ENDED = "ended", _("终止")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("待原工会确认")
    RELEASED = "released", _("待新工会接收")
    COMPLETED = "completed", _("已转入")
    REJECTED = "rejected", _("新工会未接收")
    CANCELLED = "cancelled", _("已撤销")


OPEN_TRANSFER = [TransferStatus.REQUESTED, TransferStatus.RELEASED]


class RouteTarget(models.TextChoices):
    EMPLOYER_UNION = "employer_union", _("用人单位的基层工会")
    AREA_JOINT = "area_joint", _("用人单位所在园区、楼宇的区域联合工会")
    INDUSTRY_JOB_TYPE = "industry_job_type", _("该职业的行业联合工会")
    MOBILE_JOINT = "mobile_joint", _("居住街道的流动会员联合工会")
    STREET_FEDERATION = "street_federation", _("居住街道（乡镇）总工会（兜底）")


class FoundingStep(models.TextChoices):
    CONTACT = "contact", _("联系企业")
    PREPARATION = "preparation", _("筹备")
    ELECTION = "election", _("会员大会与选举")
    APPROVAL = "approval", _("上级工会批复")
    APPROVED = "approved", _("已建会")
    ABANDONED = "abandoned", _("已中止")


# The order a founding case goes through; each step is recorded with date and owner.
FOUNDING_ORDER = [
    FoundingStep.CONTACT,
    FoundingStep.PREPARATION,
    FoundingStep.ELECTION,
    FoundingStep.APPROVAL,
    FoundingStep.APPROVED,
]


class MeetingKind(models.TextChoices):
    WORKER = "worker", _("职工沟通会")
    ENTERPRISE = "enterprise", _("企业沟通会")


class DriveMetric(models.TextChoices):
    NEW_MEMBERS = "new_members", _("新发展会员")
    NEW_GIG_MEMBERS = "new_gig_members", _("新发展新就业形态会员")
    UNIONS_FOUNDED = "unions_founded", _("新建工会")
    NON_PUBLIC_UNIONS = "non_public_unions", _("新建非公企业工会")
    WORKER_MEETINGS = "worker_meetings", _("职工沟通会")
    ENTERPRISE_MEETINGS = "enterprise_meetings", _("企业沟通会")
    MANUAL = "manual", _("人工填报")
