"""Collective contracts; imported by ``gonghui/rights/models.py``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.choices import Industry
from gonghui.rights.contracts.choices import ContractStatus, Scope


class CollectiveContract(models.Model):
    """A collective contract: of one enterprise, of a region (a street, park or building
    union's area) or of an industry in a district; its ratification by the workers'
    congress, signature, filing with the labour authority and its term."""

    scope = models.CharField(_("类型"), max_length=12, choices=Scope.choices)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The union that negotiated it: the enterprise's street for an enterprise contract,
    # the street or area union for a regional one, the industry union for an industry one.
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("工会组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    industry = models.CharField(_("行业"), max_length=30, choices=Industry.choices, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("终止日期"), db_index=True)
    wage_floor = models.DecimalField(
        _("最低工资标准（元/月）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    yearly_raise = models.DecimalField(
        _("年度工资增长（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    weekly_hours = models.DecimalField(
        _("周工作时间（小时）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    covered_workers = models.PositiveIntegerField(_("覆盖职工人数"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.NEGOTIATING
    )
    vote_total = models.PositiveIntegerField(null=True, blank=True)
    vote_attending = models.PositiveIntegerField(null=True, blank=True)
    vote_approving = models.PositiveIntegerField(null=True, blank=True)
    ratified_on = models.DateField(_("审议通过日期"), null=True, blank=True)
    signed_on = models.DateField(_("签字日期"), null=True, blank=True)
    file_by = models.DateField(_("备案期限"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    # Expiry reminders already sent (days before the end: 90, 30, 7, 0), claimed one by one.
    reminders_sent = models.JSONField(default=list, blank=True)
    file_overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ContractEvent(models.Model):
    """One line of a collective contract's timeline."""

    contract = models.ForeignKey(
        CollectiveContract, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("集体合同记录")
        verbose_name_plural = _("集体合同记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at} {self.action}"
