"""The legal health check's records; imported by ``gonghui/rights/models.py`` so that
Django finds them in the rights app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.rights.health.choices import CheckStatus, FindingStatus, Result, Risk, Stage


class Checklist(models.Model):
    """One version of the health-check indicator tree (法治体检指标体系) as loaded from its
    data file; a check keeps the version it was begun on, later versions do not touch it."""

    version = models.CharField(_("版本"), max_length=20, unique=True)
    title = models.CharField(_("名称"), max_length=100)
    tree = models.JSONField(_("指标"))
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("法治体检指标版本")
        verbose_name_plural = _("法治体检指标版本")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class HealthCheck(models.Model):
    """A legal health check of one enterprise: its union chair's self-assessment, the
    street union's review and the district union's verification, then the follow-up of
    what was found until every finding is put right."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("指标版本"), on_delete=models.PROTECT, related_name="checks"
    )
    street = models.ForeignKey(
        "orgs.Org", verbose_name=_("街道（乡镇）工会"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("区总工会"), on_delete=models.PROTECT, related_name="+"
    )
    # The street's path, copied: scope and the coverage figures go by it.
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.SELF_ASSESSMENT
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    risk = models.CharField(_("风险等级"), max_length=10, choices=Risk.choices, blank=True)
    # Changing the nonce revokes the self-assessment link sent to the union chair.
    link_nonce = models.CharField(max_length=32)
    chair_name = models.CharField(_("企业工会主席"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("法治体检")
        verbose_name_plural = _("法治体检")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["year", "org_path"], name="rights_hc_year_path")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"

    @property
    def org(self):
        return self.street


class HealthAnswer(models.Model):
    """The answer to one check of the tree: pass, fail or not applicable, with a note
    and evidence; the street and the district may correct the enterprise's answer."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="answers")
    check_id = models.CharField(_("检查项"), max_length=60)
    result = models.CharField(_("结果"), max_length=5, choices=Result.choices)
    note = models.TextField(_("说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="rights/health/%Y/%m/", blank=True)
    stage = models.CharField(_("填报环节"), max_length=10, choices=Stage.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        app_label = "rights"
        verbose_name = _("体检答复")
        verbose_name_plural = _("体检答复")
        constraints = [
            models.UniqueConstraint(fields=["health_check", "check_id"], name="unique_hc_answer")
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {self.result}"


class Finding(models.Model):
    """A labour-law risk found by a verified check: the check it fails, the advice, the
    rectification deadline and the union officer who follows it up until it is closed."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="findings")
    check_id = models.CharField(_("检查项"), max_length=60)
    text = models.CharField(_("问题"), max_length=300)
    advice = models.TextField(_("整改建议"), blank=True)
    due = models.DateField(_("整改期限"), db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟踪责任人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set once by the sweep when the deadline passed with the finding still open.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("体检发现问题")
        verbose_name_plural = _("体检发现问题")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.text


class FollowUp(models.Model):
    """A follow-up visit (回访) to a finding: what was seen, and whether it is put right."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    note = models.TextField(_("回访情况"))
    closed = models.BooleanField(_("已整改"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("整改回访")
        verbose_name_plural = _("整改回访")
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.finding_id}"


class HealthCheckEvent(models.Model):
    """One line of a health check's timeline (who did which step when)."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("体检记录")
        verbose_name_plural = _("体检记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at} {self.action}"
