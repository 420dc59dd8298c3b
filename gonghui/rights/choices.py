from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WRITTEN = "written", _("书面申请")
    ORAL = "oral", _("口头申请")


class DisputeStatus(models.TextChoices):
    RECEIVED = "received", _("已收到申请")
    REFUSED = "refused", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    IN_SESSION = "in_session", _("调解中")
    AGREED = "agreed", _("已达成调解协议")
    PERFORMED = "performed", _("协议已履行")
    DEFAULTED = "defaulted", _("协议未履行")
    REFERRED = "referred", _("已转仲裁或诉讼")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已结案")


class ClaimKind(models.TextChoices):
    WAGES = "wages", _("劳动报酬（工资）")
    OVERTIME = "overtime", _("加班费")
    SEVERANCE = "severance", _("经济补偿")
    DOUBLE_PAY = "double_pay", _("未签书面劳动合同二倍工资")
    INJURY = "injury", _("工伤待遇")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    OTHER = "other", _("其他")


# Art. 16: a defaulted agreement on these lets the worker apply for a payment order (支付令).
PAYMENT_ORDER_KINDS = frozenset(
    {ClaimKind.WAGES, ClaimKind.OVERTIME, ClaimKind.SEVERANCE, ClaimKind.INJURY}
)


class ReferTo(models.TextChoices):
    ARBITRATION = "arbitration", _("劳动人事争议仲裁（调裁衔接）")
    COURT = "court", _("人民法院（诉调对接）")


class DisputeOutcome(models.TextChoices):
    PERFORMED = "performed", _("达成协议并履行")
    PARTLY = "partly", _("部分履行")
    PAYMENT_ORDER = "payment_order", _("申请支付令")
    ARBITRATION = "arbitration", _("转仲裁")
    COURT = "court", _("转诉讼")
    WITHDRAWN = "withdrawn", _("撤回")
    OTHER = "other", _("其他")


class AidStatus(models.TextChoices):
    SCREENING = "screening", _("待审查")
    ACCEPTED = "accepted", _("已受理并指派律师")
    REJECTED = "rejected", _("不予援助")
    IN_SERVICE = "in_service", _("援助中")
    CLOSED = "closed", _("已结案")


class AidGroup(models.TextChoices):
    MIGRANT = "migrant", _("农民工追索劳动报酬")
    GIG = "gig", _("新就业形态劳动者")
    INJURY = "injury", _("工伤职工")


class AidOutcome(models.TextChoices):
    MEDIATED = "mediated", _("调解结案")
    ARBITRATION_WON = "arbitration_won", _("仲裁支持")
    COURT_WON = "court_won", _("诉讼支持")
    PARTLY = "partly", _("部分支持")
    LOST = "lost", _("未获支持")
    TERMINATED = "terminated", _("终止援助")


class Criterion(models.TextChoices):
    LOCAL = "local", _("在本市工作或居住")
    LABOUR = "labour", _("属于劳动争议事项")
    INCOME = "income", _("经济困难（收入低于标准）")
