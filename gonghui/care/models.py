"""Care and aid (服务"就在身边"): relief programmes and applications, hardship files
(困难职工档案, 一户一档), the employees' mutual-aid medical plan (医疗互助) and their
paper trail. Names are kept as the members app keeps them; ID numbers and phones are
encrypted with a keyed hash beside them for exact lookup and dedup."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.care.choices import (
    CampaignKind,
    ClaimStatus,
    FileStatus,
    HardshipCategory,
    ObjectionStatus,
    Relation,
    Stage,
    Status,
    TargetGroup,
)
from gonghui.core.fields import PIIField
from gonghui.orgs.models import Org


class Programme(models.Model):
    """A relief programme (大病慰问救助, 困难帮扶, 助学, 意外救助): its rules are data
    (see ``care/rules.py``), so the checklist changes without a release."""

    code = models.SlugField(_("项目代码"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=80)
    rules = models.JSONField(_("规则"), default=dict)
    active = models.BooleanField(_("开放申请"), default=True)

    class Meta:
        verbose_name = _("救助项目")
        verbose_name_plural = _("救助项目")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Publicity(models.Model):
    """One 公示 of approved applications: N working days on the Chinese calendar."""

    org = models.ForeignKey(Org, verbose_name=_("公示单位"), on_delete=models.PROTECT)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    days = models.PositiveSmallIntegerField(_("公示工作日数"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return f"{self.org_id} {self.starts_on}–{self.ends_on}"

    @property
    def audit_org(self) -> Org:
        return self.org


class Application(models.Model):
    """A worker's relief application: draft with its checklist, staged review
    (grassroots → street → district), 公示, approval and disbursement."""

    programme = models.ForeignKey(Programme, verbose_name=_("救助项目"), on_delete=models.PROTECT)
    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("职工账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_applications",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_applications",
    )
    name = models.CharField(_("申请人姓名"), max_length=40)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash")
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash", blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The three review orgs are fixed when the application is made (the member's union
    # and the street and district above it), so a later transfer does not move a case.
    org = models.ForeignKey(
        Org, verbose_name=_("基层工会"), on_delete=models.PROTECT, related_name="care_applications"
    )
    street = models.ForeignKey(
        Org, verbose_name=_("街道（乡镇）工会"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        Org, verbose_name=_("区总工会"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.JSONField(_("申请情况"), default=dict)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    stage = models.CharField(
        _("审核环节"), max_length=12, choices=Stage.choices, default=Stage.GRASSROOTS
    )
    returned_items = models.JSONField(_("退回补正的材料"), default=list, blank=True)
    stage_due_on = models.DateField(_("本环节审核时限"), null=True, blank=True)
    amount = models.DecimalField(_("救助金额"), max_digits=10, decimal_places=2, default=0)
    publicity = models.ForeignKey(
        Publicity,
        verbose_name=_("公示"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为申请的工作人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="care_app_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.programme_id}#{self.pk}"

    @property
    def audit_org(self) -> Org:
        return self.org


class Objection(models.Model):
    """An objection to an application on 公示, raised during the window by a worker (or
    recorded by staff from a letter or a call). While one is open the application is
    held (``objected``); the district answers it: upheld → rejected with the answer as
    the reason, dismissed → back on 公示. The objector is never shown to the applicant."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="objections"
    )
    publicity = models.ForeignKey(
        Publicity, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    reason = models.CharField(_("异议内容"), max_length=500)
    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为登记的工作人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.CharField(_("核查结论"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.status}"

    @property
    def audit_org(self) -> Org:
        return self.application.org


def document_path(instance, filename: str) -> str:
    return f"care/{instance.application_id}/{filename}"


class Document(models.Model):
    """One uploaded paper of an application's checklist (a photo or a PDF)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="documents"
    )
    material = models.CharField(_("材料"), max_length=40)
    file = models.FileField(_("文件"), upload_to=document_path)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.material}"


class Event(models.Model):
    """The timeline of an application: every step, who took it, and what they said."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=30)
    label = models.CharField(_("说明"), max_length=80)
    status = models.CharField(_("操作后状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    items = models.JSONField(_("涉及材料"), default=list, blank=True)
    public = models.BooleanField(default=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.action}"


class MinimumLivingLine(models.Model):
    """The district's minimum-living line (最低生活保障标准) for one year, per person per month."""

    district = models.ForeignKey(Org, verbose_name=_("区"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    monthly = models.DecimalField(_("每人每月（元）"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("最低生活保障标准")
        verbose_name_plural = _("最低生活保障标准")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_line_per_district_year")
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.year}"


class HardshipFile(models.Model):
    """A hardship household's file (一户一档), kept by the grassroots union."""

    org = models.ForeignKey(
        Org, verbose_name=_("建档工会"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    category = models.CharField(_("困难类别"), max_length=12, choices=HardshipCategory.choices)
    causes = models.CharField(_("致困原因"), max_length=300, blank=True)
    monthly_income = models.DecimalField(_("家庭月总收入（元）"), max_digits=10, decimal_places=2)
    union_opinion = models.CharField(_("基层工会意见"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=FileStatus.choices, default=FileStatus.ACTIVE
    )
    review_on = models.DateField(_("下次复核日期"))
    closed_reason = models.CharField(_("出档原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.org_id}#{self.pk}"

    @property
    def audit_org(self) -> Org:
        return self.org


class HouseholdMember(models.Model):
    """A person in a hardship household; one active file per person (by ID hash)."""

    file = models.ForeignKey(
        HardshipFile, verbose_name=_("档案"), on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=40)
    relation = models.CharField(_("与户主关系"), max_length=8, choices=Relation.choices)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash")
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    income = models.DecimalField(_("月收入（元）"), max_digits=10, decimal_places=2, default=0)
    health = models.CharField(_("健康状况"), max_length=100, blank=True)
    work = models.CharField(_("工作情况"), max_length=100, blank=True)
    # A copy of the file's status, so one partial unique index enforces the dedup.
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(active=True), name="one_active_file_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.name}"


class Claim(models.Model):
    """A mutual-aid medical claim (医疗互助) with its bills; payout by the plan's rules."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, verbose_name=_("受理工会"), on_delete=models.PROTECT)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    claimed = models.DecimalField(_("申请金额"), max_digits=10, decimal_places=2)
    payout = models.DecimalField(_("核定支付"), max_digits=10, decimal_places=2, default=0)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("互助理赔")
        verbose_name_plural = _("互助理赔")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}#{self.pk}"

    @property
    def audit_org(self) -> Org:
        return self.org


class Bill(models.Model):
    """One medical bill on a claim; ``key`` (hospital + number) finds the same bill again."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="bills")
    number = models.CharField(_("票据号"), max_length=40)
    hospital = models.CharField(_("医院"), max_length=100)
    date = models.DateField(_("就诊日期"))
    amount = models.DecimalField(_("票据金额"), max_digits=10, decimal_places=2)
    covered = models.DecimalField(_("本次报销"), max_digits=10, decimal_places=2)
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("医疗票据")
        verbose_name_plural = _("医疗票据")

    def __str__(self) -> str:
        return f"{self.hospital} {self.number}"


class PaymentJob(models.Model):
    """A bulk payment of approved mutual-aid claims of one org subtree, run in chunks.

    ``cursor`` is the last claim id done; a retry resumes after it. Each claim is paid
    by a conditional update (approved → paid) that writes its one ``PaymentLine``
    (unique per claim) in the same transaction, so a crash half-way pays nobody twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("待执行")
        RUNNING = "running", _("执行中")
        FAILED = "failed", _("中断，可重试")
        DONE = "done", _("已完成")

    org = models.ForeignKey(Org, verbose_name=_("范围"), on_delete=models.PROTECT)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(_("待支付笔数"), default=0)
    done = models.PositiveIntegerField(_("已处理笔数"), default=0)
    cursor = models.BigIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量支付任务")
        verbose_name_plural = _("批量支付任务")

    def __str__(self) -> str:
        return f"{self.org_id} {self.state} {self.done}/{self.total}"

    @property
    def audit_org(self) -> Org:
        return self.org


class PaymentLine(models.Model):
    """One claim's payment in a bulk job; at most one per claim, ever."""

    job = models.ForeignKey(PaymentJob, on_delete=models.PROTECT, related_name="lines")
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支付明细")
        verbose_name_plural = _("支付明细")

    def __str__(self) -> str:
        return f"{self.job_id}:{self.claim_id}"


class Campaign(models.Model):
    """A care campaign (送温暖 in winter, 送清凉 in summer) run by a union for its subtree."""

    name = models.CharField(_("活动名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=8, choices=CampaignKind.choices)
    org = models.ForeignKey(Org, verbose_name=_("主办工会"), on_delete=models.PROTECT)
    groups = models.JSONField(_("慰问对象"), default=list)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("慰问活动")
        verbose_name_plural = _("慰问活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org(self) -> Org:
        return self.org


class Distribution(models.Model):
    """One person's care visit in a campaign: who, what, how much, where, when, by whom.
    One person is counted once per campaign (unique by ID hash)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="distributions")
    org = models.ForeignKey(Org, verbose_name=_("发放工会"), on_delete=models.PROTECT)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash")
    id_hash = models.CharField(max_length=64, editable=False)
    group = models.CharField(_("对象类别"), max_length=14, choices=TargetGroup.choices)
    what = models.CharField(_("慰问品或慰问金"), max_length=100)
    amount = models.DecimalField(_("折合金额"), max_digits=10, decimal_places=2)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    given_on = models.DateField(_("发放日期"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("慰问发放")
        verbose_name_plural = _("慰问发放")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "id_hash"], name="one_visit_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.name}"


class TransferBatch(models.Model):
    """A bank-transfer batch of approved relief (代发): the xlsx file sent to the bank,
    and the bank's answer (paid or failed per line) read back. A failed line puts its
    application back in the queue (``payment_failed``) for the next batch."""

    org = models.ForeignKey(Org, verbose_name=_("发放单位"), on_delete=models.PROTECT)
    lines_count = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("总金额"), max_digits=12, decimal_places=2, default=0)
    answered = models.BooleanField(_("已导入银行回执"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("代发批次")
        verbose_name_plural = _("代发批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"CARE-{self.pk:06d}"

    @property
    def audit_org(self) -> Org:
        return self.org


class TransferLine(models.Model):
    """One application's line in a transfer batch; ``reference`` is what the bank echoes."""

    class State(models.TextChoices):
        PENDING = "pending", _("待银行回执")
        PAID = "paid", _("已到账")
        FAILED = "failed", _("发放失败")

    batch = models.ForeignKey(TransferBatch, on_delete=models.PROTECT, related_name="lines")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="transfer_lines"
    )
    reference = models.CharField(_("流水号"), max_length=24, unique=True)
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("代发明细")
        verbose_name_plural = _("代发明细")
        ordering = ["id"]
        constraints = [
            # An application waits for the bank in one batch at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state="pending"),
                name="one_pending_transfer_per_application",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Enrolment(models.Model):
    """A member's yearly enrolment in the mutual-aid medical plan (医疗互助), made by
    their grassroots union's roster import: fee per head, payment confirmed, coverage."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, verbose_name=_("参保工会"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    fee = models.DecimalField(_("互助金（元/人）"), max_digits=8, decimal_places=2)
    covered_from = models.DateField(_("保障开始"))
    covered_to = models.DateField(_("保障结束"))
    paid = models.BooleanField(_("已确认缴费"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("互助参保")
        verbose_name_plural = _("互助参保")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_enrolment_per_year")
        ]
        indexes = [models.Index(fields=["org", "year"], name="care_enrol_org_year_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"

    @property
    def audit_org(self) -> Org:
        return self.org
