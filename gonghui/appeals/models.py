"""Appeals (诉求工单) of the 12351 hotline, their timeline, and the rules that route them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.choices import (
    Category,
    Channel,
    ExtensionStatus,
    Kind,
    RouteReason,
    RouteTarget,
    Satisfaction,
    Status,
    Urgency,
)
from gonghui.core.fields import PIIField
from gonghui.core.generations import bumping_queryset

# Intake holds these tables in each process (``appeals/tables.py``): a bulk write must
# tell the other processes too, as ``save`` and ``delete`` do through signals.
RoutingTableQuerySet = bumping_queryset("routing")


class TicketCounter(models.Model):
    """The last ticket number issued on a day; incremented under a row lock (gap-free)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工单号计数")
        verbose_name_plural = _("工单号计数")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Appeal(models.Model):
    """A worker's problem or question, traced from receipt until the worker says it is solved.

    ``dispatcher_org`` is the org whose dispatchers route it (首接: the first receiver);
    ``assigned_org`` the org handling it once dispatched. Staff see an appeal when
    either lies in their subtree.
    """

    ticket_no = models.CharField(_("工单号"), max_length=22, unique=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("分类"), max_length=20, choices=Category.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    text = models.TextField(_("诉求内容"))

    worker = models.ForeignKey(
        "accounts.Worker", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    phone = PIIField(_("联系电话"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)

    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（GCJ-02）"), null=True, blank=True)
    lng = models.FloatField(_("经度（GCJ-02）"), null=True, blank=True)
    district = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    employer_name = models.CharField(_("用人单位名称"), max_length=150, blank=True)
    employer_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    grassroots_union = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("涉及的基层工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    dispatcher_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("受理派单单位"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_appeals",
    )
    route_reason = models.CharField(
        _("派单依据"), max_length=30, choices=RouteReason.choices, blank=True
    )
    # What triage suggested at intake; a dispatcher's change is stored as a correction.
    triage_category = models.CharField(
        _("智能分类建议"), max_length=20, choices=Category.choices, blank=True
    )
    triage_confidence = models.FloatField(_("分类置信度"), null=True, blank=True)
    needs_review = models.BooleanField(_("需人工核实分类"), default=False)
    suggested_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("建议承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    accept_by = models.DateTimeField(_("签收时限"), null=True, blank=True)
    contact_by = models.DateTimeField(_("首次联系时限"), null=True, blank=True, db_index=True)
    resolve_by = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    supervised = models.BooleanField(_("督办"), default=False)
    overdue_accept = models.BooleanField(_("签收超时"), default=False)
    overdue_contact = models.BooleanField(_("联系超时"), default=False)
    overdue_resolve = models.BooleanField(_("办结超时"), default=False)

    reply = models.TextField(_("答复内容"), blank=True)
    eval_resolved = models.BooleanField(_("是否解决"), null=True, blank=True)
    eval_satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    eval_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["assigned_org", "status"]),
            models.Index(fields=["dispatcher_org", "status"]),
            models.Index(fields=["assigned_org", "contact_by"]),
            models.Index(fields=["assigned_org", "evaluated_at"]),
        ]

    def __str__(self) -> str:
        return self.ticket_no

    @property
    def audit_org(self):
        return self.assigned_org or self.dispatcher_org

    @property
    def overdue(self) -> bool:
        return self.overdue_accept or self.overdue_contact or self.overdue_resolve

    @property
    def is_open(self) -> bool:
        return self.status in {
            Status.RECEIVED,
            Status.DISPATCHED,
            Status.ACCEPTED,
            Status.IN_PROGRESS,
        }


class AppealEvent(models.Model):
    """One line of an appeal's timeline: who did what, when, with which note.

    ``public`` events (and their notes) are what the worker sees when tracking.
    """

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Extension(models.Model):
    """A handler's request for more working days, decided by a supervisor."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.CharField(_("延期理由"), max_length=500)
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.appeal_id} +{self.days} ({self.status})"


class Attachment(models.Model):
    """A photo or PDF a worker attached; checked by content, photos stripped of EXIF."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """One row of the intake routing table admins edit; the first matching rule wins."""

    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)
    category = models.CharField(
        _("分类（空=全部）"), max_length=20, choices=Category.choices, blank=True
    )
    target = models.CharField(_("派往"), max_length=30, choices=RouteTarget.choices)
    auto_dispatch = models.BooleanField(_("自动派单"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RoutingTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.category or '*'} → {self.target}"


class DeadlinePolicy(models.Model):
    """Deadlines for an urgency and (optionally) a category; the most specific row wins."""

    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    category = models.CharField(
        _("分类（空=全部）"), max_length=20, choices=Category.choices, blank=True
    )
    accept_hours = models.PositiveSmallIntegerField(_("签收时限（小时）"), default=24)
    contact_hours = models.PositiveSmallIntegerField(_("首次联系时限（小时）"), default=24)
    resolve_working_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), default=7)

    objects = RoutingTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["urgency", "category"], name="unique_deadline_policy")
        ]

    def __str__(self) -> str:
        return f"{self.urgency}/{self.category or '*'}"


class CallbackTask(models.Model):
    """A callback (回访) for an operator: a resolved appeal the worker has not rated."""

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="callback")
    due_at = models.DateTimeField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")

    def __str__(self) -> str:
        return f"callback {self.appeal_id}"


class DailyStat(models.Model):
    """Roll-up of the three rates' inputs per assigned org and day, recounted from appeals.

    Rows are recomputed from the appeals themselves whenever a transition touches
    their key, so they never drift; ``rebuild_appeal_stats`` recounts all of them.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    day = models.DateField()
    contact_due = models.PositiveIntegerField(default=0)
    contact_on_time = models.PositiveIntegerField(default=0)
    evaluations = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("三率日统计")
        verbose_name_plural = _("三率日统计")
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="unique_daily_stat")]
        indexes = [models.Index(fields=["day", "org_path"])]

    def __str__(self) -> str:
        return f"{self.org_id} {self.day}"
