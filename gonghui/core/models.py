"""Core records shared by every part of gonghui."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PIIField


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """An append-only record of who did what, when, to which object, from where.

    Logins (and failed attempts), every write service and every view of unmasked
    personal data are written here. ``org_path`` is the materialised path of the org
    the event belongs to, so staff read the audit of their own subtree only.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=60, blank=True)
    org_path = models.CharField(_("所属组织路径"), max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "actor_label", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")


class OutboxMessage(models.Model):
    """A notification written in the same transaction as the event that caused it.

    The worker's sweep sends pending messages and retries failures with back-off, so a
    message is never lost with a rolled-back or crashed request, nor sent twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(max_length=10, default="sms")
    to = PIIField(_("接收号码"), kind="phone", hash_field="to_hash")
    to_hash = models.CharField(max_length=64, db_index=True, editable=False)
    text = models.TextField(_("内容"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待发通知")
        verbose_name_plural = _("待发通知")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} {self.status}"


class Notice(models.Model):
    """A message to a staff user in the console (overdue warnings, supervision, approvals)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class Generation(models.Model):
    """A token per process-wide cache (the triage gazetteer, the enterprise register),
    changed in the transaction of every change the cache is built from, so that every
    app process can tell its copy is stale (core/generations.py)."""

    key = models.CharField(primary_key=True, max_length=40)
    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("缓存版本")
        verbose_name_plural = _("缓存版本")

    def __str__(self) -> str:
        return f"{self.key} {self.token}"


class CalendarYear(models.Model):
    """The State Council's holiday schedule (节假日安排) for one year, as deadlines use it.

    ``library`` years were copied from chinese-calendar; ``entered`` years a city admin
    typed in from the notice (``notice`` is its title). A year without a row has no
    schedule yet: Monday to Friday count as working days (core/workdays.py).
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("程序内置")
        ENTERED = "entered", _("管理员录入")

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    notice = models.CharField(_("通知标题"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"


class CalendarDay(models.Model):
    """A date that the schedule makes different from an ordinary week: a statutory
    holiday (放假, weekends inside a holiday period included) or a make-up working day
    (调休上班, always a Saturday or Sunday)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField(_("日期"), primary_key=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("节假日安排日期")
        verbose_name_plural = _("节假日安排日期")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class ThrottleCounter(models.Model):
    """How often one throttled key (an IP, a phone, a ticket, an account from one IP) was
    hit in its current time window, shared by every app process (core/throttle.py)."""

    key = models.CharField(primary_key=True, max_length=120)
    window_start = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")

    def __str__(self) -> str:
        return f"{self.key} {self.hits}"
