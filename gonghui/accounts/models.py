"""Worker identities, one-time codes, bearer tokens and org API keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PIIField


class Worker(models.Model):
    """A worker (职工) known by a verified mainland mobile number; member or not."""

    phone = PIIField(_("手机号"), kind="phone", hash_field="phone_hash")
    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("最近登录"), null=True, blank=True)

    class Meta:
        verbose_name = _("职工账户")
        verbose_name_plural = _("职工账户")

    def __str__(self) -> str:
        from gonghui.core.pii import PHONE, mask

        return mask(PHONE, self.phone)


class OtpChallenge(models.Model):
    """A 6-digit sign-in code sent to a phone: 5 minutes, at most 5 tries."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")

    def __str__(self) -> str:
        return f"otp {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class AccessToken(models.Model):
    """A bearer token for a staff client or a worker's phone; only its hash is stored."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("工作人员")
        WORKER = "worker", _("职工")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="staff", user__isnull=False, worker__isnull=True)
                    | models.Q(kind="worker", worker__isnull=False, user__isnull=True)
                ),
                name="token_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} token {self.pk}"


class OrgApiKey(models.Model):
    """An integration key (call centre, 12345 transfer, mini-program) acting for one org."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("工会组织"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_org(self):
        return self.org

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
