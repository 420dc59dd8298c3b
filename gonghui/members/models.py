"""Members, their membership periods, join applications, transfers, routing rules, and
organising: founding cases (建会), meetings and drive plans (加强年)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PIIField
from gonghui.members.choices import (
    ApplicationStatus,
    Employment,
    FoundingStep,
    Gender,
    GigPlatform,
    JobType,
    MeetingKind,
    MemberStatus,
    PeriodEnd,
    PeriodStart,
    RouteTarget,
    TransferStatus,
)
from gonghui.orgs.models import Enterprise, Org


class EmploymentFields(models.Model):
    """Where a worker works: an employer, or gig work with a platform and a job type."""

    employment = models.CharField(
        _("就业方式"), max_length=10, choices=Employment.choices, default=Employment.EMPLOYEE
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer_name = models.CharField(_("单位名称"), max_length=150, blank=True)
    gig_platform = models.CharField(
        _("平台"), max_length=20, choices=GigPlatform.choices, blank=True
    )
    job_type = models.CharField(_("职业"), max_length=20, choices=JobType.choices, blank=True)
    street = models.ForeignKey(
        Org,
        verbose_name=_("居住街道（乡镇）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class Member(EmploymentFields):
    """A trade-union member (会员): one per resident ID number across the whole city.

    ``org`` is the union that holds the membership now; the history is in
    ``MembershipPeriod`` rows, which are only ever opened and closed, never rewritten.
    """

    # db_index on PostgreSQL also builds a pattern-ops index, which serves prefix search.
    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash")
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash", blank=True)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False, blank=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    worker = models.OneToOneField(
        "accounts.Worker",
        verbose_name=_("职工账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    org = models.ForeignKey(
        Org, verbose_name=_("会籍所在工会"), on_delete=models.PROTECT, related_name="members"
    )
    member_number = models.CharField(_("会员编号"), max_length=20, unique=True)
    status = models.CharField(
        _("会籍状态"),
        max_length=10,
        choices=MemberStatus.choices,
        default=MemberStatus.ACTIVE,
        db_index=True,
    )
    joined_on = models.DateField(_("入会日期"))
    source = models.CharField(_("来源"), max_length=20, default="h5")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="member_org_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.member_number}"

    @property
    def audit_org(self) -> Org:
        return self.org


class MembershipPeriod(models.Model):
    """One stretch of membership at one union: how it began, and (once) how it ended.

    A member who keeps their membership has consecutive periods where each one ends on
    the day the next begins; at most one period is open at a time (database constraint).
    """

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="periods"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="membership_periods"
    )
    started_on = models.DateField(_("开始日期"))
    start_reason = models.CharField(_("开始方式"), max_length=20, choices=PeriodStart.choices)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("结束方式"), max_length=20, choices=PeriodEnd.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会籍期间")
        verbose_name_plural = _("会籍期间")
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on=None), name="one_open_period_per_member"
            ),
            models.CheckConstraint(
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")),
                name="period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["org", "started_on"], name="period_org_start_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.org_id} {self.started_on}–{self.ended_on or ''}"


class JoinApplication(EmploymentFields):
    """A worker's application to join (入会申请), routed to the union that decides it."""

    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("职工账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_applications",
    )
    name = models.CharField(_("姓名"), max_length=40)
    id_number = PIIField(_("身份证号"), kind="id_number", hash_field="id_hash")
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    org = models.ForeignKey(
        Org, verbose_name=_("受理工会"), on_delete=models.PROTECT, related_name="join_applications"
    )
    route_note = models.CharField(_("分配依据"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    due_at = models.DateTimeField(_("审核时限"))
    overdue = models.BooleanField(_("已超时"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    member = models.ForeignKey(
        Member,
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    # The member's declaration (自愿加入工会，承认《中国工会章程》) and the consent to the
    # privacy notice, each with when it was given; none before these were asked for.
    declared_at = models.DateTimeField(_("入会声明时间"), null=True, blank=True)
    privacy_consented_at = models.DateTimeField(_("同意隐私告知时间"), null=True, blank=True)
    privacy_notice_version = models.CharField(_("隐私告知版本"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One pending application per ID number, even with two requests at once.
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(status="pending"),
                name="one_pending_application_per_id",
            )
        ]
        indexes = [models.Index(fields=["status", "overdue", "due_at"], name="app_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} → {self.org_id} ({self.status})"

    @property
    def audit_org(self) -> Org:
        return self.org


class Transfer(models.Model):
    """A transfer of membership (转会) from the holding union to a new one.

    The old union confirms (or the sweep confirms after the deadline), then the new
    union accepts; on acceptance the old period closes and the new one opens that day.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_org = models.ForeignKey(
        Org, verbose_name=_("转出工会"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_org = models.ForeignKey(
        Org, verbose_name=_("转入工会"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.CharField(_("转会原因"), max_length=300, blank=True)
    new_employer_name = models.CharField(_("新单位"), max_length=150, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.CharField(_("申请人"), max_length=100)
    release_by = models.DateTimeField(_("原工会确认时限"))
    released_at = models.DateTimeField(_("原工会确认时间"), null=True, blank=True)
    released_automatically = models.BooleanField(_("超时自动确认"), default=False)
    decided_at = models.DateTimeField(_("新工会处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("转会")
        verbose_name_plural = _("转会")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["requested", "released"]),
                name="one_open_transfer_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_org_id} → {self.to_org_id} ({self.status})"

    @property
    def audit_org(self) -> Org:
        return self.from_org


class MemberEvent(models.Model):
    """One line of a member's timeline (joined, transfer steps, lapsed, resumed, ended)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(_("事件"), max_length=40)
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    org = models.ForeignKey(Org, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("会员动态")
        verbose_name_plural = _("会员动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.action}"


class RoutingRule(models.Model):
    """One row of the join routing table admins edit: the first target that resolves wins."""

    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)
    target = models.CharField(_("分配给"), max_length=30, choices=RouteTarget.choices)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("入会分配规则")
        verbose_name_plural = _("入会分配规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.target}"


class IndustryJobUnion(models.Model):
    """Which industry joint union takes members of a job type (e.g. 快递员 → 快递行业联合工会).

    A union under a district takes that district's workers; one directly under the city
    takes everyone else.
    """

    job_type = models.CharField(_("职业"), max_length=20, choices=JobType.choices)
    org = models.ForeignKey(
        Org,
        verbose_name=_("行业联合工会"),
        on_delete=models.CASCADE,
        related_name="job_types",
        limit_choices_to={"kind": "industry"},
    )

    class Meta:
        verbose_name = _("行业工会对应职业")
        verbose_name_plural = _("行业工会对应职业")
        constraints = [
            models.UniqueConstraint(fields=["job_type", "org"], name="unique_job_type_union")
        ]

    def __str__(self) -> str:
        return f"{self.get_job_type_display()} → {self.org}"


class NumberCounter(models.Model):
    """The last member number issued under one prefix (district code and year)."""

    prefix = models.CharField(max_length=12, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("会员编号计数")
        verbose_name_plural = _("会员编号计数")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


# --- organising -------------------------------------------------------------------------------


class FoundingCase(models.Model):
    """A case of founding a union (建会) at an enterprise, step by step, under a street."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="founding_cases",
    )
    org = models.ForeignKey(
        Org, verbose_name=_("负责工会"), on_delete=models.PROTECT, related_name="founding_cases"
    )
    step = models.CharField(
        _("当前步骤"), max_length=12, choices=FoundingStep.choices, default=FoundingStep.CONTACT
    )
    owner = models.CharField(_("负责人"), max_length=60)
    union = models.ForeignKey(
        Org,
        verbose_name=_("成立的基层工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="founding_case",
    )
    opened_on = models.DateField(_("立案日期"))
    approved_on = models.DateField(_("批复日期"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("建会案例")
        verbose_name_plural = _("建会案例")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=~Q(step__in=["approved", "abandoned"]),
                name="one_open_founding_case_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.step})"

    @property
    def audit_org(self) -> Org:
        return self.org


class FoundingStepRecord(models.Model):
    """A step of a founding case done: when, by whom, what came of it."""

    case = models.ForeignKey(FoundingCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("步骤"), max_length=12, choices=FoundingStep.choices)
    done_on = models.DateField(_("日期"))
    owner = models.CharField(_("负责人"), max_length=60)
    note = models.CharField(_("情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("建会步骤")
        verbose_name_plural = _("建会步骤")
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.done_on}"


class Meeting(models.Model):
    """A worker meeting (职工沟通会) or enterprise meeting (企业沟通会) and what came of it."""

    kind = models.CharField(_("类型"), max_length=12, choices=MeetingKind.choices)
    held_on = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=150)
    org = models.ForeignKey(
        Org, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="meetings"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("参加企业"), blank=True, related_name="meetings"
    )
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)
    members_recruited = models.PositiveIntegerField(_("发展会员数"), default=0)
    unions_founded = models.PositiveIntegerField(_("建会数"), default=0)
    outcomes = models.TextField(_("成效"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("沟通会")
        verbose_name_plural = _("沟通会")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on} {self.place}"

    @property
    def audit_org(self) -> Org:
        return self.org


class DrivePlan(models.Model):
    """A district's strengthening-year plan (区级工会加强年): numbered tasks with targets."""

    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.CASCADE, related_name="drive_plans"
    )
    title = models.CharField(_("名称"), max_length=120)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("加强年计划")
        verbose_name_plural = _("加强年计划")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org(self) -> Org:
        return self.org


class DriveTask(models.Model):
    """One numbered task of a plan; progress comes from a live metric or is hand-reported.

    ``metric`` names a source in ``gonghui.members.drives`` (other apps register theirs,
    e.g. stations); ``manual`` means the owner reports ``reported`` by hand.
    """

    plan = models.ForeignKey(DrivePlan, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=200)
    metric = models.CharField(_("进度来源"), max_length=40)
    target = models.PositiveIntegerField(_("目标"))
    owner = models.CharField(_("责任部门"), max_length=60)
    reported = models.PositiveIntegerField(_("填报进度"), default=0)
    reported_at = models.DateTimeField(_("填报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("加强年任务")
        verbose_name_plural = _("加强年任务")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
