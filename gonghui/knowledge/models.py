"""The policy knowledge base: laws and typical cases by article, and curated answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """A law, regulation or judicial interpretation, or one typical case (典型案例)."""

    class Kind(models.TextChoices):
        LAW = "law", _("法律法规")
        CASE = "case", _("典型案例")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    stem = models.CharField(_("来源文件"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    header = models.TextField(_("制定与修订"), blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("法规文件")
        verbose_name_plural = _("法规文件")
        ordering = ["kind", "stem"]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """One article (第X条) of a law, or the text of a typical case (number 0)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="articles")
    chapter = models.CharField(_("章"), max_length=120, blank=True)
    number = models.PositiveIntegerField(_("条号"))
    label = models.CharField(_("条"), max_length=30)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("法条")
        verbose_name_plural = _("法条")
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_article")
        ]

    def __str__(self) -> str:
        return f"{self.document.title}{self.label}"

    def citation(self) -> str:
        """Return the citation a handler pastes into a reply."""
        if self.document.kind == Document.Kind.CASE:
            return f"参考典型案例《{self.document.title}》"
        return f"依据《{self.document.title}》{self.label}：{self.text}"


class Answer(models.Model):
    """A curated question and answer (政策问答) a union keeps for operators, with the
    articles it rests on and a date by which someone must check it is still right."""

    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(_("答复"))
    articles = models.ManyToManyField(Article, verbose_name=_("引用法条"), blank=True)
    owner_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("维护单位"), on_delete=models.PROTECT, related_name="+"
    )
    review_by = models.DateField(_("复核日期"))
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政策问答")
        verbose_name_plural = _("政策问答")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.question

    @property
    def audit_org(self):
        return self.owner_org
