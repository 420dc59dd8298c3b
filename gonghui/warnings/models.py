"""Early warnings (预警): clusters of appeals found before they become a collective
dispute, with the consultation (会商研判) and joint action (联动处置) that follow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.warnings.choices import Level, WarningKind, WarningStatus


class EarlyWarning(models.Model):
    """A warning raised by a detector, routed to the org that must act (like an appeal),
    with the appeals that are its evidence. ``subject`` names what it is about; at most
    one warning per subject is not closed, later appeals join it as evidence."""

    kind = models.CharField(_("预警类型"), max_length=20, choices=WarningKind.choices)
    subject = models.CharField(_("预警对象"), max_length=120)
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=WarningStatus.choices,
        default=WarningStatus.OPEN,
        db_index=True,
    )
    title = models.CharField(_("标题"), max_length=200)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("负责单位"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(_("分类"), max_length=20, blank=True)
    term = models.CharField(_("热词"), max_length=40, blank=True)
    stats = models.JSONField(_("统计依据"), default=dict, blank=True)
    evidence = models.ManyToManyField(
        "appeals.Appeal", verbose_name=_("相关诉求"), related_name="warnings"
    )
    study_notes = models.TextField(_("会商研判意见"), blank=True)
    invited_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name=_("参与会商单位"), blank=True, related_name="+"
    )
    action_taken = models.TextField(_("联动处置情况"), blank=True)
    close_note = models.TextField(_("关闭说明"), blank=True)
    due_at = models.DateTimeField(_("处置时限"), db_index=True)
    overdue = models.BooleanField(_("超时"), default=False)
    supervised = models.BooleanField(_("督办"), default=False)
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=~models.Q(status="closed"),
                name="one_active_warning_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org(self):
        return self.org


class WarningEvent(models.Model):
    """One step of a warning's workflow, with who took it and the note."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("预警处置记录")
        verbose_name_plural = _("预警处置记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.action}"


class DetectorRun(models.Model):
    """When the detectors last ran; claimed by conditional update so one worker runs them."""

    name = models.CharField(max_length=40, primary_key=True)
    last_run = models.DateTimeField()

    class Meta:
        verbose_name = _("预警检测记录")
        verbose_name_plural = _("预警检测记录")

    def __str__(self) -> str:
        return f"{self.name} {self.last_run}"
