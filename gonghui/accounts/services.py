"""Sign-in for staff (password, throttled) and workers (one-time code), tokens, API keys."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.accounts.models import AccessToken, OrgApiKey, OtpChallenge, Worker
from gonghui.core import audit, pii, throttle
from gonghui.core.audit import client_ip
from gonghui.core.errors import ServiceError, Throttled
from gonghui.core.inputs import half_width
from gonghui.core.locks import lock_for
from gonghui.core.models import Notice
from gonghui.core.sms import send_sms
from gonghui.orgs.choices import Role
from gonghui.orgs.services import grant_role

OTP_TTL = timedelta(minutes=5)
OTP_MAX_TRIES = 5
OTP_RESEND_AFTER = timedelta(seconds=60)
OTP_PER_PHONE_PER_HOUR = 5
OTP_PER_IP_PER_HOUR = 20
OTP_PHONE_LIMIT = throttle.Limit("otp_phone", OTP_PER_PHONE_PER_HOUR, 3600)
OTP_IP_LIMIT = throttle.Limit("otp_ip", OTP_PER_IP_PER_HOUR, 3600)
LAST_USED_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- staff -------------------------------------------------------------------


def _login_limits() -> tuple[throttle.Limit, throttle.Limit, throttle.Limit]:
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    return (
        # Failures of one account from one IP: a guesser is stopped, the holder elsewhere
        # is not. A lock on the account alone let anyone lock out a supervisor.
        throttle.Limit("login_account_ip", settings.LOGIN_FAILURE_LIMIT, window),
        # Failures from one IP, whatever the account: one address trying many accounts.
        throttle.Limit("login_ip", settings.LOGIN_IP_FAILURE_LIMIT, window),
        # Failures of one account from anywhere: counted only to tell the holder.
        throttle.Limit("login_account", settings.LOGIN_NOTICE_AFTER, window),
    )


def _login_throttled_message() -> str:
    return ngettext(
        "登录失败次数过多，请%(minutes)d分钟后再试。",
        "登录失败次数过多，请%(minutes)d分钟后再试。",
        settings.LOGIN_LOCKOUT_MINUTES,
    ) % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}


def _check_login_throttle(username: str, ip: str | None) -> None:
    by_account_ip, by_ip, _by_account = _login_limits()
    message, code = _login_throttled_message(), "login_throttled"
    throttle.refuse_if_exceeded(by_account_ip, f"{username}|{ip}", message=message, code=code)
    if ip:
        throttle.refuse_if_exceeded(by_ip, ip, message=message, code=code)


def _count_login_failure(username: str, ip: str | None) -> None:
    """Count a failure per account and IP and per IP; tell the holder when they pile up."""
    by_account_ip, by_ip, by_account = _login_limits()
    throttle.hit(by_account_ip, f"{username}|{ip}")
    if ip:
        throttle.hit(by_ip, ip)
    # Exactly at the threshold, so the holder gets one notice per window, not one a try.
    if throttle.hit(by_account, username) != by_account.limit:
        return
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        return
    Notice.objects.create(
        user=user,
        text=(
            _(
                "您的账号在%(minutes)d分钟内已有%(count)d次密码错误的登录尝试（最近一次来自"
                "%(ip)s）。如果不是您本人，请尽快修改密码并告知管理员。"
            )
            % {
                "minutes": settings.LOGIN_LOCKOUT_MINUTES,
                "count": by_account.limit,
                "ip": ip or "?",
            }
        )[:300],
    )


def authenticate_staff(request: HttpRequest, *, username: str, password: str, via: str):
    """Return the staff user for these credentials; failures are audited and throttled."""
    username = (username or "").strip()[:150]
    ip = client_ip(request)
    _check_login_throttle(username, ip)
    user = authenticate(request, username=username, password=password or "")
    if user is None or not user.is_active:
        # Committed before the refusal is raised, so the failure always counts.
        with transaction.atomic():
            audit.record("login.failed", actor_label=username, request=request, via=via)
            _count_login_failure(username, ip)
        raise ServiceError(_("用户名或密码错误。"), code="invalid_credentials", status=401)
    audit.record("login", actor=user, request=request, via=via)
    return user


@transaction.atomic
def create_staff(
    *, username: str, password: str, org, roles: list[str], full_name: str = "", actor=None
):
    """Create a staff account holding ``roles`` at ``org``; refuse a taken name or weak password.

    The password goes through Django's validators, as a person choosing one in a form would;
    nothing is stored when any check fails.
    """
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ServiceError(_("请填写用户名。"), code="username_required", status=422)
    unknown = sorted(set(roles) - set(Role.values)) or ([] if roles else ["(none)"])
    if unknown:
        raise ServiceError(
            _("角色无效：%(roles)s。可选：%(valid)s。")
            % {"roles": ", ".join(unknown), "valid": ", ".join(Role.values)},
            code="invalid_role",
            status=422,
        )
    if User.objects.filter(username=username).exists():
        raise ServiceError(_("该用户名已被使用。"), code="username_taken", status=409)
    user = User(username=username, first_name=full_name.strip()[:150], is_active=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), code="weak_password", status=422) from exc
    user.set_password(password)
    user.save()
    for role in dict.fromkeys(roles):
        grant_role(user=user, org=org, role=role)
    audit.record(
        "staff.create",
        actor=actor,
        actor_label="" if actor else "cli",
        obj=user,
        org=org,
        roles=list(dict.fromkeys(roles)),
    )
    return user


def issue_staff_token(user, *, request: HttpRequest | None = None) -> tuple[str, datetime]:
    raw = "st_" + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(hours=settings.STAFF_TOKEN_HOURS)
    AccessToken.objects.create(
        kind=AccessToken.Kind.STAFF, key_hash=_hash(raw), user=user, expires_at=expires
    )
    return raw, expires


def live_tokens(raw: str, kind: str):
    """The live tokens of ``kind`` for a raw bearer value (at most one), as a queryset a
    hot path can extend (annotate what it needs next) and so fetch in one statement."""
    return AccessToken.objects.filter(
        key_hash=_hash(raw), kind=kind, revoked_at=None, expires_at__gt=timezone.now()
    )


def resolve_token(raw: str, kind: str) -> AccessToken | None:
    """Return the live token of ``kind`` for a raw bearer value, else None."""
    if not raw:
        return None
    return live_tokens(raw, kind).select_related("user", "worker").first()


# --- workers: one-time codes ---------------------------------------------------


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone_hash}:{code}".encode(), "sha256"
    ).hexdigest()


@transaction.atomic
def request_otp(*, phone: str, request: HttpRequest | None = None) -> OtpChallenge:
    """Send a 6-digit sign-in code; refuse resends within 60 s and floods per phone and IP."""
    normal = pii.normalize_phone(phone)
    phone_hash = pii.digest(pii.PHONE, normal)
    # Two requests at the same moment must not both pass the resend check.
    lock_for(f"otp:{phone_hash}")
    now = timezone.now()
    ip = client_ip(request)
    recent = OtpChallenge.objects.filter(
        phone_hash=phone_hash, created_at__gte=now - timedelta(hours=1)
    )
    last = recent.order_by("-created_at").first()
    if last is not None and now - last.created_at < OTP_RESEND_AFTER:
        wait = int((OTP_RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
        raise Throttled(
            ngettext(
                "验证码已发送，请%(seconds)d秒后再重新获取。",
                "验证码已发送，请%(seconds)d秒后再重新获取。",
                wait,
            )
            % {"seconds": wait},
            code="otp_resend_too_soon",
            retry_after=wait,
        )
    # Counted in the shared throttle (inside this transaction: a refused request rolls its
    # own hit back, which leaves the count at the limit, so it stays refused).
    flood = _("获取验证码过于频繁，请一小时后再试。")
    throttle.check(OTP_PHONE_LIMIT, phone_hash, message=flood, code="otp_too_many")
    if ip:
        throttle.check(OTP_IP_LIMIT, ip, message=flood, code="otp_too_many")
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = OtpChallenge.objects.create(
        phone_hash=phone_hash,
        code_hash=_code_hash(phone_hash, code),
        expires_at=now + OTP_TTL,
        ip=ip,
    )
    # Sent after commit so a rolled-back request never texts a code that does not exist.
    transaction.on_commit(
        lambda: send_sms(
            normal,
            _("您的登录验证码是%(code)s，5分钟内有效。如非本人操作，请忽略。") % {"code": code},
        )
    )
    return challenge


def verify_otp(*, phone: str, code: str, request: HttpRequest | None = None) -> Worker:
    """Return the worker for a correct code; each wrong try counts, five end the code."""
    normal = pii.normalize_phone(phone)
    phone_hash = pii.digest(pii.PHONE, normal)
    now = timezone.now()
    challenge = (
        OtpChallenge.objects.filter(phone_hash=phone_hash, used_at=None)
        .order_by("-created_at")
        .first()
    )
    if challenge is None or challenge.expires_at <= now:
        raise ServiceError(_("验证码已过期，请重新获取。"), code="otp_expired")
    # Count the try with a conditional update so parallel guesses cannot exceed the limit.
    counted = OtpChallenge.objects.filter(
        pk=challenge.pk, used_at=None, attempts__lt=OTP_MAX_TRIES
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise ServiceError(
            _("验证码输错次数过多，请重新获取。"), code="otp_too_many_tries", status=429
        )
    code = half_width(code).strip()  # full-width digits from a Chinese keyboard
    if not hmac.compare_digest(challenge.code_hash, _code_hash(phone_hash, code)):
        left = OTP_MAX_TRIES - challenge.attempts - 1
        if left <= 0:
            raise ServiceError(
                _("验证码输错次数过多，请重新获取。"), code="otp_too_many_tries", status=429
            )
        raise ServiceError(
            _("验证码不正确，还可以再试%(left)d次。") % {"left": left}, code="otp_wrong_code"
        )
    with transaction.atomic():
        used = OtpChallenge.objects.filter(pk=challenge.pk, used_at=None).update(used_at=now)
        if not used:
            raise ServiceError(_("验证码已过期，请重新获取。"), code="otp_expired")
        # Only the newest code counts; end the older ones too, or they would become the
        # newest unused code and sign in again until they expire.
        OtpChallenge.objects.filter(phone_hash=phone_hash, used_at=None).update(used_at=now)
        worker = Worker.objects.filter(phone_hash=phone_hash).first()
        if worker is None:
            worker = Worker(phone=normal)
        worker.last_login_at = now
        worker.save()
        audit.record(
            "worker.login",
            actor_label=f"worker:{worker.pk}",
            obj=worker,
            request=request,
        )
    return worker


def issue_worker_token(worker: Worker) -> tuple[str, datetime]:
    raw = "wk_" + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=settings.WORKER_TOKEN_DAYS)
    AccessToken.objects.create(
        kind=AccessToken.Kind.WORKER, key_hash=_hash(raw), worker=worker, expires_at=expires
    )
    return raw, expires


# --- org API keys ----------------------------------------------------------------


@transaction.atomic
def create_api_key(*, org, name: str, actor=None) -> tuple[str, OrgApiKey]:
    """Create an API key for ``org``; the raw key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写接口密钥的用途。"), code="name_required")
    prefix = secrets.token_hex(4)
    raw = f"gh_{prefix}_{secrets.token_urlsafe(32)}"
    key = OrgApiKey.objects.create(org=org, name=name[:80], prefix=prefix, key_hash=_hash(raw))
    audit.record("api_key.create", actor=actor, actor_label="" if actor else "cli", obj=key)
    return raw, key


@transaction.atomic
def revoke_api_key(key: OrgApiKey, *, actor=None) -> OrgApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record("api_key.revoke", actor=actor, actor_label="" if actor else "cli", obj=key)
    return key


def resolve_api_key(raw: str) -> OrgApiKey | None:
    if not raw or not raw.startswith("gh_"):
        return None
    key = (
        OrgApiKey.objects.select_related("org")
        .defer("org__boundary")
        .filter(key_hash=_hash(raw), revoked_at=None)
        .first()
    )
    now = timezone.now()
    # A write per request would serialise a busy integration on one row; a minute's
    # precision is all "last used" is for.
    if key is not None and (key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY):
        OrgApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
