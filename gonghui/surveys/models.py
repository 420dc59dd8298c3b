"""Surveys (问卷调查) a union runs across its subtree, and the needs list (需求清单)
whose items must be answered to the worker before they close.

Anonymity is a property of the schema, not of a query: an anonymous survey's answers
live in ``AnonymousResponse`` (no worker, no time of day, a random key) and who has
answered lives in ``Participation`` (no answers, no date); no column joins the two.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.surveys.choices import Audience, NeedSource, NeedStatus, SurveyStatus


class Survey(models.Model):
    """A questionnaire of a union (``org``) to the members of its subtree or to the public
    through a link. Its questions are in versions; ``current`` is the one answered now."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发起工会"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("问卷标题"), max_length=200)
    anonymous = models.BooleanField(_("匿名问卷"), default=False)
    audience = models.CharField(
        _("作答范围"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    current = models.ForeignKey(
        "SurveyVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("开始收集时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org(self):
        return self.org


class SurveyVersion(models.Model):
    """One frozen set of questions. A version is frozen when its survey opens with it;
    a change afterwards makes a new version. The XLSForm it came from is kept, with its
    SHA-256, so a result can always be traced to the file its questions were read from."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    definition = models.JSONField(_("题目定义"))
    frozen = models.BooleanField(_("已冻结"), default=False)
    source_name = models.CharField(_("来源文件名"), max_length=200, blank=True)
    source_file = models.BinaryField(_("来源文件"), null=True, blank=True)
    source_sha256 = models.CharField(_("来源文件SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问卷版本")
        verbose_name_plural = _("问卷版本")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} v{self.number}"

    @property
    def audit_org(self):
        return self.survey.org


class Distribution(models.Model):
    """One channel a public link went out through (a poster, a chat group); its token is
    signed with the distribution's id, so a leaked token can be revoked alone."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="distributions"
    )
    label = models.CharField(_("渠道"), max_length=100)
    revoked = models.BooleanField(_("已停用"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投放渠道")
        verbose_name_plural = _("投放渠道")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """An answer sheet of an identified survey (or of a public one, where ``worker`` is
    empty). One per worker per survey, held by a unique constraint, so two simultaneous
    submits store one."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses"
    )
    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("版本"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("作答职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("作答人所在工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    distribution = models.ForeignKey(
        Distribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(_("答案"))
    seconds = models.FloatField(_("作答用时（秒）"), null=True, blank=True)
    possible_machine = models.BooleanField(_("疑似机器作答"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "worker"],
                condition=Q(worker__isnull=False),
                name="survey_response_once_per_worker",
            )
        ]
        indexes = [models.Index(fields=["survey", "org_path"], name="survey_resp_org_idx")]

    def __str__(self) -> str:
        return f"response {self.pk}"


class AnonymousResponse(models.Model):
    """An answer sheet of an anonymous survey: a random key (no sequence to line up with
    participations), the date only, the respondent's union (results are only shown in
    cells of five or more) and nothing that names or points to the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("版本"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(_("作答人所在工会"), max_length=255, blank=True)
    answers = models.JSONField(_("答案"))
    possible_machine = models.BooleanField(_("疑似机器作答"), default=False)
    submitted_on = models.DateField(_("提交日期"))

    class Meta:
        verbose_name = _("匿名答卷")
        verbose_name_plural = _("匿名答卷")
        indexes = [models.Index(fields=["survey", "org_path"], name="survey_anon_org_idx")]

    def __str__(self) -> str:
        return f"anonymous {self.pk}"


class Participation(models.Model):
    """That a worker has answered an anonymous survey (to refuse a second answer), and
    nothing else: no date, no answer, no key shared with ``AnonymousResponse``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey("accounts.Worker", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("参与记录")
        verbose_name_plural = _("参与记录")
        constraints = [
            models.UniqueConstraint(fields=["survey", "worker"], name="survey_participation_once")
        ]

    def __str__(self) -> str:
        return f"participation {self.pk}"


class SurveyTally(models.Model):
    """How many answer sheets chose ``value`` for ``question``, per survey and respondent
    union, kept up to date at each submit so results never scan the answers. Counts only:
    nothing here points to an answer or a person. ``question=""`` counts the sheets."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255)
    question = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("结果计数")
        verbose_name_plural = _("结果计数")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "org_path", "question", "value"], name="survey_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.question}={self.value}: {self.n}"


class SurveyQuota(models.Model):
    """A quota cell (as LimeSurvey has): at most ``cap`` answer sheets whose ``question``
    has ``value`` (``question=""``: all sheets). ``filled`` counts up in the answer's
    transaction by a conditional update, so the last free place goes to one answer only;
    a full cell refuses further answers that fall in it (409 ``quota_full``)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="quotas"
    )
    question = models.CharField(_("题目名称"), max_length=100, blank=True)
    value = models.CharField(_("选项"), max_length=200, blank=True)
    cap = models.PositiveIntegerField(_("配额"))
    filled = models.PositiveIntegerField(_("已收"), default=0)

    class Meta:
        verbose_name = _("配额")
        verbose_name_plural = _("配额")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "value"], name="survey_quota_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("cap")), name="survey_quota_not_over"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.question}={self.value}: {self.filled}/{self.cap}"


class Need(models.Model):
    """An item of the needs list (需求清单): what a worker needs, the org that owns it, its
    due date, and its life until the worker has had a reply and said whether it is solved.
    Linked both ways to the appeal or survey answer it came from."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("需求"), max_length=200)
    detail = models.TextField(_("具体情况"), blank=True)
    due = models.DateField(_("办理时限"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=NeedStatus.choices,
        default=NeedStatus.OPEN,
        db_index=True,
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=NeedSource.choices, default=NeedSource.VISIT
    )
    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("提出需求的职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    response = models.ForeignKey(
        Response,
        verbose_name=_("来源答卷"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    assignee = models.CharField(_("承办部门"), max_length=100, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    worker_word = models.CharField(_("职工意见"), max_length=20, blank=True)
    unreachable_reason = models.TextField(_("无法联系职工的原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(appeal__isnull=False), name="need_once_per_appeal"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org(self):
        return self.org


class NeedNote(models.Model):
    """One step in a need's life (交办, 进展, 答复, 职工意见, 办结), in order."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="notes")
    action = models.CharField(_("操作"), max_length=20)
    text = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求办理记录")
        verbose_name_plural = _("需求办理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.need_id} {self.action}"
