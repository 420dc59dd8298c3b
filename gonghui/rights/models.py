"""Labour-dispute mediation (劳动争议调解) and legal aid (法律援助): the cases, their
parties, claims and timelines, the union lawyers and the parties they have acted for."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PIIField
from gonghui.rights.choices import (
    AidOutcome,
    AidStatus,
    Channel,
    ClaimKind,
    DisputeOutcome,
    DisputeStatus,
    ReferTo,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class CaseCounter(models.Model):
    """The last case number issued per prefix and year (调 2026 …), taken under a row lock."""

    key = models.CharField(primary_key=True, max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件编号计数")
        verbose_name_plural = _("案件编号计数")

    def __str__(self) -> str:
        return f"{self.key} {self.last}"


class DailyFigures(models.Model):
    """One day's mediation or legal-aid cases received in an org's subtree, by their
    status now: how many, how many reached an agreement or were referred, how many were
    collective, the amounts claimed and recovered, the time to agreement. Every org on
    a case's path has its own row, so a city's, a district's or a street's period is
    read from its own rows (``rights/rollups.py`` keeps them; ``rebuild_rights_figures``
    recounts them)."""

    class Kind(models.TextChoices):
        DISPUTE = "dispute", _("劳动争议调解")
        AID = "aid", _("法律援助")

    path = models.CharField(_("单位路径"), max_length=255)
    day = models.DateField(_("收案日期"))
    kind = models.CharField(_("案件类型"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("当前状态"), max_length=12)
    cases = models.IntegerField(_("案件数"), default=0)
    agreements = models.IntegerField(_("达成协议数"), default=0)
    referred = models.IntegerField(_("转仲裁或诉讼数"), default=0)
    collective = models.IntegerField(_("集体争议数"), default=0)
    claimed = models.DecimalField(_("请求金额"), max_digits=18, decimal_places=2, default=0)
    recovered = models.DecimalField(_("挽回金额"), max_digits=18, decimal_places=2, default=0)
    # Summed microseconds from receipt to agreement (average = this / agreements).
    agreement_us = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("维权每日统计")
        verbose_name_plural = _("维权每日统计")
        constraints = [
            models.UniqueConstraint(
                fields=["path", "day", "kind", "status"], name="rights_dailyfigures_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.day} {self.kind} {self.status} {self.cases}"


class Dispute(models.Model):
    """A labour dispute brought to a union mediating body (a street federation, an
    enterprise mediation committee or a district mediation guidance committee), from
    the application through sessions and the mediation agreement (调解协议书) to
    performance, default, or referral to arbitration (调裁衔接) or a court (诉调对接).

    ``received_on`` starts the law's clocks: 15 days later a party may apply for
    arbitration (Art. 14); ``limitation_until`` is the last day to do so (Art. 27).
    ``org_path`` copies the body's path so the figures of a subtree are one prefix scan.
    """

    case_no = models.CharField(_("案件编号"), max_length=24, unique=True)
    channel = models.CharField(_("申请方式"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.RECEIVED
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(_("调解组织路径"), max_length=255, db_index=True, editable=False)
    district = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所在区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(_("用人单位"), max_length=150)
    employer_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("匹配的用人单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    facts = models.TextField(_("争议事项和理由"), blank=True)
    workers_count = models.PositiveIntegerField(_("劳动者人数"), default=1)
    collective = models.BooleanField(_("集体劳动争议"), default=False)
    urgent = models.BooleanField(_("紧急"), default=False)
    oral_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("口头申请记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("收到申请时间"), default=timezone.now, db_index=True)
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    arbitration_right_from = models.DateField(_("可申请仲裁日期"))
    known_since = models.DateField(_("知道权利被侵害之日"), null=True, blank=True)
    employment_ended_on = models.DateField(_("劳动关系终止日"), null=True, blank=True)
    limitation_until = models.DateField(_("仲裁时效届满日"), null=True, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    warning = models.ForeignKey(
        "warnings.EarlyWarning",
        verbose_name=_("预警"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("达成协议时间"), null=True, blank=True)
    perform_by = models.DateField(_("协议履行期限"), null=True, blank=True)
    signed_worker = models.CharField(_("劳动者签名"), max_length=80, blank=True)
    signed_employer = models.CharField(_("用人单位签章"), max_length=150, blank=True)
    signed_mediator = models.CharField(_("调解员签名"), max_length=80, blank=True)
    referred_to = models.CharField(_("转往"), max_length=12, choices=ReferTo.choices, blank=True)
    external_no = models.CharField(_("仲裁或法院案号"), max_length=60, blank=True)
    outcome = models.CharField(
        _("结案方式"), max_length=15, choices=DisputeOutcome.choices, blank=True
    )
    claimed_total = models.DecimalField(_("请求金额合计"), default=0, **MONEY)
    agreed_total = models.DecimalField(_("协议金额合计"), default=0, **MONEY)
    recovered_total = models.DecimalField(_("挽回金额合计"), default=0, **MONEY)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # Clock notices already sent (each once; set by the sweep's conditional update).
    warned_day12 = models.BooleanField(default=False)
    notified_arbitration = models.BooleanField(default=False)
    warned_limitation = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("劳动争议调解案件")
        verbose_name_plural = _("劳动争议调解案件")
        ordering = ["-received_at", "-id"]
        # The figures read only these columns: a subtree by path prefix (street, district)
        # or a period across the city, each an index-only scan once vacuumed.
        _FIGURES = [
            "agreed_at",
            "received_at",
            "referred_to",
            "collective",
            "claimed_total",
            "recovered_total",
        ]
        indexes = [
            models.Index(fields=["status", "arbitration_right_from"]),
            models.Index(
                fields=["org_path", "received_on"],
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=_FIGURES,
                name="dispute_figures_path_idx",
            ),
            models.Index(
                fields=["received_on"],
                include=["org_path", *_FIGURES],
                name="dispute_figures_day_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.employer_name}"

    @property
    def audit_org(self):
        return self.org


class Applicant(models.Model):
    """A worker applying for mediation; a collective dispute (Art. 7) names its
    representatives (推举代表)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="applicants")
    name = models.CharField(_("姓名"), max_length=40)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash", blank=True)
    id_hash = models.CharField(max_length=64, db_index=True, editable=False, blank=True)
    representative = models.BooleanField(_("推举代表"), default=False)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    """One claim item of a dispute: what was asked, what the agreement fixed, and what
    was recovered in the end (yuan)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(_("请求事项"), max_length=20, choices=ClaimKind.choices)
    amount = models.DecimalField(_("请求金额（元）"), **MONEY)
    agreed = models.DecimalField(_("协议金额（元）"), null=True, blank=True, **MONEY)
    recovered = models.DecimalField(_("挽回金额（元）"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("请求事项")
        verbose_name_plural = _("请求事项")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "kind"], name="one_claim_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Session(models.Model):
    """One mediation session (调解会): when, where, who attended and what came of it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    attendees = models.CharField(_("参加人员"), max_length=500)
    note = models.TextField(_("调解情况"), blank=True)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.at:%Y-%m-%d}"


class DisputeEvent(models.Model):
    """One line of a dispute's timeline; ``public`` lines are what the worker sees."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("调解案件记录")
        verbose_name_plural = _("调解案件记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class Lawyer(models.Model):
    """A union lawyer (工会律师): the positions and streets they serve (一站一家一律师)
    and, through engagements, the parties they have acted for."""

    name = models.CharField(_("姓名"), max_length=40)
    firm = models.CharField(_("律师事务所"), max_length=120)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    positions = models.ManyToManyField(
        "stations.Position", verbose_name=_("服务阵地"), blank=True, related_name="+"
    )
    orgs = models.ManyToManyField(
        "orgs.Org", verbose_name=_("服务街道或工会"), blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "orgs.Org", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工会律师")
        verbose_name_plural = _("工会律师")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.firm}）"

    @property
    def audit_org(self):
        return self.owner


class Party(models.Model):
    """A party a union lawyer or the union has acted for: a lawyer's declared engagement,
    or a past case where the party was on the worker's side. The conflict check looks
    the adverse employer up here by credit code, normalised name and pinyin."""

    class Source(models.TextChoices):
        ENGAGEMENT = "engagement", _("律师申报的委托关系")
        CASE = "case", _("工会办理过的案件")

    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("律师"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    name = models.CharField(_("当事人名称"), max_length=150)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    norm = models.CharField(max_length=150, db_index=True, editable=False)
    pinyin = models.CharField(max_length=400, db_index=True, editable=False)
    case_ref = models.CharField(_("案件"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("利益冲突登记")
        verbose_name_plural = _("利益冲突登记")

    def __str__(self) -> str:
        return self.name


class AidCase(models.Model):
    """A legal-aid case (法律援助): intake, conflict check and eligibility screen, then
    accepted with a union lawyer or rejected with a reason and a referral, the service,
    and the closing with an outcome code and the amount recovered."""

    case_no = models.CharField(_("案件编号"), max_length=24, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=AidStatus.choices, default=AidStatus.SCREENING
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("受理单位"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    applicant_name = models.CharField(_("申请人"), max_length=40)
    applicant_phone = PIIField(_("手机号"), kind="phone", hash_field="applicant_phone_hash")
    applicant_phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    applicant_id_number = PIIField(
        _("身份证号"), kind="id_number", hash_field="applicant_id_hash", blank=True
    )
    applicant_id_hash = models.CharField(max_length=64, editable=False, blank=True)
    employer_name = models.CharField(_("对方用人单位"), max_length=150)
    employer_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matter = models.TextField(_("援助事项"))
    monthly_income = models.DecimalField(_("月收入（元）"), null=True, blank=True, **MONEY)
    groups = models.JSONField(_("优先群体"), default=list, blank=True)
    lives_or_works_locally = models.BooleanField(_("在本市工作或居住"), default=True)
    eligibility = models.JSONField(_("审查结果"), default=list)
    eligible = models.BooleanField(_("符合援助条件"), default=False)
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("承办律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    conflict_override = models.CharField(_("利益冲突审批理由"), max_length=500, blank=True)
    reject_reason = models.CharField(_("不予援助理由"), max_length=500, blank=True)
    referral = models.CharField(_("转介去向"), max_length=200, blank=True)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="aid_cases"
    )
    outcome = models.CharField(_("结案方式"), max_length=20, choices=AidOutcome.choices, blank=True)
    recovered_total = models.DecimalField(_("挽回金额（元）"), default=0, **MONEY)
    received_at = models.DateTimeField(_("申请时间"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("法律援助案件")
        verbose_name_plural = _("法律援助案件")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_no} {self.employer_name}"

    @property
    def audit_org(self):
        return self.org


class AidEvent(models.Model):
    """One line of a legal-aid case's timeline (screening, assignment, service, closing)."""

    case = models.ForeignKey(AidCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("法律援助记录")
        verbose_name_plural = _("法律援助记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class HelpRequest(models.Model):
    """A worker's request for help sent from the "my union lawyer" page to a lawyer."""

    lawyer = models.ForeignKey(Lawyer, on_delete=models.CASCADE, related_name="help_requests")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        "accounts.Worker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=40)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    text = models.TextField(_("问题"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("求助")
        verbose_name_plural = _("求助")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} → {self.lawyer_id}"


# The legal health check's models live beside their code (rights/health/); imported here
# so that Django registers them with the rights app.
from gonghui.rights.consultations.models import AgreedItem, Mechanism, Meeting  # noqa: E402, F401
from gonghui.rights.contracts.models import CollectiveContract, ContractEvent  # noqa: E402, F401
from gonghui.rights.health.models import (  # noqa: E402, F401
    Checklist,
    Finding,
    FollowUp,
    HealthAnswer,
    HealthCheck,
    HealthCheckEvent,
)
