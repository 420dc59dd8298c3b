"""Dispatcher corrections of the triage suggestion: what ``train_triage`` learns from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Correction(models.Model):
    """A dispatcher changed the category triage gave an appeal, or sent it to another org
    than the one triage suggested. Stored so the next ``train_triage`` learns from it."""

    class Field(models.TextChoices):
        CATEGORY = "category", _("分类")
        ORG = "org", _("承办单位")

    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.CASCADE, related_name="triage_corrections"
    )
    field = models.CharField(_("更正项"), max_length=10, choices=Field.choices)
    old_value = models.CharField(_("原建议"), max_length=40, blank=True)
    new_value = models.CharField(_("更正为"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("更正时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("分类更正")
        verbose_name_plural = _("分类更正")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.field}: {self.old_value} → {self.new_value}"
