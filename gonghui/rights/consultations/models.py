"""Platform consultation records; imported by ``gonghui/rights/models.py``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mechanism(models.Model):
    """A standing round table between a union and a platform company for an area
    (e.g. 朝阳区 with 美团, the riders' round table)."""

    platform = models.CharField(_("平台企业"), max_length=100)
    name = models.CharField(_("名称"), max_length=150)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("工会组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("平台协商机制")
        verbose_name_plural = _("平台协商机制")
        ordering = ["org_path", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "org"], name="unique_platform_mechanism")
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """One round-table meeting (恳谈会) with who attended for the workers, the platform
    and the union."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("召开日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    attendees = models.JSONField(_("参会人员"), default=list)
    summary = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rights"
        verbose_name = _("恳谈会")
        verbose_name_plural = _("恳谈会")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.mechanism_id} {self.held_on}"


class AgreedItem(models.Model):
    """A matter agreed at a meeting: who does it by when, whether it is done, and when
    the workers were told; it may come from a worker's appeal or an early warning."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    org_path = models.CharField(max_length=255, db_index=True)
    text = models.CharField(_("议定事项"), max_length=500)
    owner = models.CharField(_("责任方"), max_length=100)
    due = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_note = models.TextField(_("落实情况"), blank=True)
    reported_on = models.DateField(_("反馈职工日期"), null=True, blank=True)
    report_note = models.TextField(_("反馈内容"), blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    warning = models.ForeignKey(
        "warnings.EarlyWarning", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "rights"
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.text
