"""Every write to membership: join applications, approval, transfers, lapses, numbers.

Each service runs in one transaction that locks the row it changes, checks the state
machine in ``workflow.py`` (409) and the actor's role (403), writes the member's
timeline and the audit log, and queues any text message through the outbox.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from gonghui.accounts.models import Worker
from gonghui.core import audit, pii
from gonghui.core.errors import Conflict, ServiceError, UnknownAction
from gonghui.core.errors import Forbidden as Forbidden  # re-exported: callers catch it here
from gonghui.core.outbox import queue_sms
from gonghui.core.workdays import SHANGHAI, add_working_days  # noqa: F401 (services.SHANGHAI)
from gonghui.core.workdays import today as today  # re-exported: the members modules use it
from gonghui.members import routing, workflow
from gonghui.members.access import visible_applications as visible_applications  # re-exported
from gonghui.members.access import visible_members as visible_members
from gonghui.members.access import visible_transfers as visible_transfers
from gonghui.members.choices import (
    OPEN_TRANSFER,
    ApplicationStatus,
    Employment,
    Gender,
    GigPlatform,
    JobType,
    MemberStatus,
    PeriodEnd,
    PeriodStart,
)
from gonghui.members.models import (
    JoinApplication,
    Member,
    MemberEvent,
    MembershipPeriod,
    NumberCounter,
    Transfer,
)
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import validate_uscc

MIN_AGE = 16  # the statutory minimum working age
NAME_MIN, NAME_MAX = 2, 40


def approval_days() -> int:
    return getattr(settings, "GONGHUI_MEMBERS_APPROVAL_DAYS", 5)


def release_days() -> int:
    return getattr(settings, "GONGHUI_MEMBERS_TRANSFER_RELEASE_DAYS", 5)


# --- identity and employment, validated before anything is stored ------------------------------


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    gender: str
    birth_date: date


def check_identity(name: str, id_number: str, *, on: date | None = None) -> Identity:
    """Validate a name and resident ID number; derive gender and birth date from the ID."""
    name = " ".join((name or "").split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ValidationError(
            _("请填写您的真实姓名（%(min)d到%(max)d个字）。") % {"min": NAME_MIN, "max": NAME_MAX},
            code="invalid_name",
        )
    number = pii.normalize_id_number(id_number)
    birth = ric.get_birth_date(number)
    on = on or today()
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age < MIN_AGE:
        raise ValidationError(
            _("年满%(age)d周岁的职工才能入会，请核对身份证号码。") % {"age": MIN_AGE},
            code="too_young",
        )
    # The 17th digit is odd for men and even for women (GB 11643).
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return Identity(name, number, gender, birth)


@dataclass
class WorkPlace:
    employment: str
    enterprise: Enterprise | None
    employer_name: str
    gig_platform: str
    job_type: str
    street: Org


def _choice(value: str, choices, code: str, message: str) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise ValidationError(message, code=code)
    return value


def check_employment(
    *,
    employer_name: str = "",
    employer_uscc: str = "",
    gig_platform: str = "",
    job_type: str = "",
    street_id: int | None = None,
) -> WorkPlace:
    """Validate where the worker works and lives; every refusal names what to fix."""
    platform = _choice(gig_platform, GigPlatform, "invalid_platform", _("请选择正确的平台。"))
    job = _choice(job_type, JobType, "invalid_job_type", _("请选择正确的职业。"))
    uscc = validate_uscc(employer_uscc) if (employer_uscc or "").strip() else ""
    name = " ".join((employer_name or "").split())[:150]
    enterprise = None
    if uscc:
        enterprise = (
            Enterprise.objects.select_related("union", "street")
            .defer("union__boundary", "street__boundary")
            .filter(uscc=uscc)
            .first()
        )
    elif name:
        enterprise = (
            Enterprise.objects.select_related("union", "street")
            .defer("union__boundary", "street__boundary")
            .filter(name=name)
            .first()
        )
    if enterprise is not None:
        name = enterprise.name
    if platform and not job:
        raise ValidationError(_("请选择您从事的职业。"), code="job_type_required")
    if not (name or uscc or job):
        raise ValidationError(
            _("请填写工作单位，或选择您在平台上从事的职业。"), code="employment_required"
        )
    street = None
    if street_id not in (None, ""):
        try:
            street = (
                Org.objects.defer("boundary", "parent__boundary")
                .select_related("parent")
                .get(pk=int(street_id), kind=OrgKind.STREET)
            )
        except (Org.DoesNotExist, ValueError, TypeError) as exc:
            raise ValidationError(_("请选择您居住的街道（乡镇）。"), code="invalid_street") from exc
    elif enterprise is not None:
        street = enterprise.street
    if street is None:
        raise ValidationError(_("请选择您居住的街道（乡镇）。"), code="street_required")
    employment = Employment.GIG if job and enterprise is None else Employment.EMPLOYEE
    return WorkPlace(employment, enterprise, name, platform, job, street)


def _employment_fields(e: WorkPlace) -> dict:
    return {
        "employment": e.employment,
        "enterprise": e.enterprise,
        "employer_name": e.employer_name,
        "gig_platform": e.gig_platform,
        "job_type": e.job_type,
        "street": e.street,
    }


# --- member numbers ------------------------------------------------------------------------------


def _district_code(org: Org) -> str:
    parts = [p for p in org.path.split("/") if p]
    if len(parts) >= 2:
        code = Org.objects.filter(pk=int(parts[1])).values_list("admin_code", flat=True).first()
        if code:
            return code[:6]
    return "110000"


def next_member_numbers(org: Org, count: int = 1, *, year: int | None = None) -> list[str]:
    """Return ``count`` new member numbers: district code, year, 7-digit sequence.

    The counter row is locked until the transaction commits, so numbers are unique and
    (with no rollback) gap-free per district and year.
    """
    prefix = f"{_district_code(org)}{year or today().year}"
    NumberCounter.objects.get_or_create(prefix=prefix)
    counter = NumberCounter.objects.select_for_update().get(prefix=prefix)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{prefix}{n:07d}" for n in range(first, first + count)]


# --- timeline and permission helpers -----------------------------------------------------------


def _event(member: Member, action: str, *, actor_label: str, note: str = "", org=None) -> None:
    MemberEvent.objects.create(
        member=member, action=action, actor_label=actor_label[:100], note=note[:300], org=org
    )


def _label(actor, fallback: str = "system") -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return fallback


# --- join ----------------------------------------------------------------------------------------


@dataclass
class JoinRequest:
    """What a worker hands in to join; validated by ``submit_application``."""

    name: str
    id_number: str
    employer_name: str = ""
    employer_uscc: str = ""
    gig_platform: str = ""
    job_type: str = ""
    street_id: int | None = None
    # 自愿加入工会，承认《中国工会章程》, and consent to the privacy notice: both required.
    declaration: bool = False
    privacy_consent: bool = False


# The privacy notice a worker consents to when joining (templates/members/h5/privacy.html);
# a new text gets a new version, and each application records the one it was given.
PRIVACY_NOTICE_VERSION = "2026-12"


def check_declaration(*, declaration: bool, privacy_consent: bool) -> None:
    """Refuse (422) an application without the member's declaration or the consent."""
    if not declaration:
        raise ValidationError(
            _("入会需要本人声明：自愿加入工会，承认《中国工会章程》。请勾选入会声明。"),
            code="declaration_required",
        )
    if not privacy_consent:
        raise ValidationError(
            _("请阅读并同意《个人信息保护告知》后再提交。"), code="privacy_consent_required"
        )


def membership_of(id_number: str) -> Member | None:
    """Return the member holding this ID number (any status), or None."""
    return Member.objects.filter(id_hash=pii.digest(pii.ID_NUMBER, id_number)).first()


def submit_application(
    req: JoinRequest, *, worker: Worker, request=None, now: datetime | None = None
) -> JoinApplication:
    """Validate and store a pending application, routed to its union, and text the worker.

    Refused with 422 (invalid input) or 409 (the ID already holds a membership or has a
    pending application) before anything is stored.
    """
    identity = check_identity(req.name, req.id_number)
    check_declaration(declaration=req.declaration, privacy_consent=req.privacy_consent)
    employment = check_employment(
        employer_name=req.employer_name,
        employer_uscc=req.employer_uscc,
        gig_platform=req.gig_platform,
        job_type=req.job_type,
        street_id=req.street_id,
    )
    id_hash = pii.digest(pii.ID_NUMBER, identity.id_number)
    existing = (
        Member.objects.select_related("org").defer("org__boundary").filter(id_hash=id_hash).first()
    )
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        # Only the member's own phone learns which union holds the membership.
        if existing.phone_hash and existing.phone_hash == worker.phone_hash:
            message = _(
                "您已经是工会会员了（会籍在%(org)s），不需要重新入会。"
                "如果您换了工作或住处，可以申请转会，会籍不会中断。"
            ) % {"org": existing.org.name}
        else:
            message = _(
                "这个身份证号已经是工会会员了，不需要重新入会。"
                "如果您换了工作或住处，可以申请转会，会籍不会中断。"
            )
        raise Conflict(message, code="already_member")
    if existing is not None and existing.status == MemberStatus.LAPSED:
        raise Conflict(
            _("这个身份证号的会籍目前中断，请联系原工会恢复会籍，不需要重新入会。"),
            code="membership_lapsed",
        )
    pending = Q(id_hash=id_hash) | Q(worker=worker)
    if JoinApplication.objects.filter(pending, status=ApplicationStatus.PENDING).exists():
        raise Conflict(
            _("您的入会申请正在审核中，请耐心等待，结果会短信通知您。"),
            code="application_pending",
        )
    found = routing.route(
        enterprise=employment.enterprise, job_type=employment.job_type, street=employment.street
    )
    if found is None:
        raise ValidationError(_("暂时找不到受理您入会的工会，请拨打12351咨询。"), code="no_union")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            application = JoinApplication.objects.create(
                worker=worker,
                name=identity.name,
                id_number=identity.id_number,
                phone=worker.phone,
                gender=identity.gender,
                birth_date=identity.birth_date,
                org=found.org,
                route_note=found.note[:200],
                due_at=add_working_days(now, approval_days()),
                declared_at=now,
                privacy_consented_at=now,
                privacy_notice_version=PRIVACY_NOTICE_VERSION,
                **_employment_fields(employment),
            )
            audit.record(
                "member.apply",
                actor_label=f"worker:{worker.pk}",
                obj=application,
                request=request,
            )
            queue_sms(
                worker.phone,
                _("您的入会申请已提交，由%(org)s在%(days)d个工作日内审核，结果会短信通知您。")
                % {"org": found.org.name, "days": approval_days()},
            )
    except IntegrityError as exc:
        # Two submissions at once: the partial unique index lets only one through.
        raise Conflict(
            _("您的入会申请正在审核中，请耐心等待，结果会短信通知您。"),
            code="application_pending",
        ) from exc
    return application


def _open_period(member: Member, org: Org, on: date, reason: str) -> MembershipPeriod:
    return MembershipPeriod.objects.create(
        member=member, org=org, started_on=on, start_reason=reason
    )


def _close_period(member: Member, on: date, reason: str) -> MembershipPeriod:
    period = MembershipPeriod.objects.select_for_update().get(member=member, ended_on=None)
    if on < period.started_on:
        raise Conflict(_("结束日期不能早于本段会籍的开始日期。"), code="invalid_date")
    period.ended_on = on
    period.end_reason = reason
    period.save(update_fields=["ended_on", "end_reason"])
    return period


def approve_application(
    application: JoinApplication, *, actor, request=None, on: date | None = None
) -> Member:
    """Approve: issue the member number, open the first period (or resume), text the worker."""
    with transaction.atomic():
        application = JoinApplication.objects.select_for_update().get(pk=application.pk)
        workflow.APPLICATION.check(application, "approve", actor)
        on = on or today()
        member = Member.objects.select_for_update().filter(id_hash=application.id_hash).first()
        fields = {
            "employment": application.employment,
            "enterprise": application.enterprise,
            "employer_name": application.employer_name,
            "gig_platform": application.gig_platform,
            "job_type": application.job_type,
            "street": application.street,
        }
        if member is not None and member.status == MemberStatus.ACTIVE:
            raise Conflict(_("该身份证号已经是会员。"), code="already_member")
        if member is None:
            member = Member.objects.create(
                name=application.name,
                id_number=application.id_number,
                phone=application.phone,
                gender=application.gender,
                birth_date=application.birth_date,
                worker=_free_worker(application.worker),
                org=application.org,
                member_number=next_member_numbers(application.org)[0],
                joined_on=on,
                **fields,
            )
            _open_period(member, application.org, on, PeriodStart.JOINED)
            _event(member, "joined", actor_label=_label(actor), org=application.org)
        else:
            # A former member joins again: the same member number, a new period.
            for key, value in fields.items():
                setattr(member, key, value)
            member.org = application.org
            member.status = MemberStatus.ACTIVE
            member.name = application.name
            member.phone = application.phone
            member.worker = member.worker or _free_worker(application.worker)
            member.save()
            _open_period(member, application.org, on, PeriodStart.RESUMED)
            _event(member, "resumed", actor_label=_label(actor), org=application.org)
        application.status = workflow.APPLICATION["approve"].target
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.member = member
        application.save(update_fields=["status", "decided_at", "decided_by", "member"])
        audit.record("member.approve", actor=actor, obj=application, request=request)
        queue_sms(
            application.phone,
            _("欢迎加入工会！您的会员编号是%(number)s，可在“我的会员”页面查看电子会员卡。")
            % {"number": member.member_number},
        )
    return member


def _free_worker(worker: Worker | None) -> Worker | None:
    """Return the worker account unless it is already linked to another member."""
    if worker is None or Member.objects.filter(worker=worker).exists():
        return None
    return worker


def reject_application(
    application: JoinApplication, *, actor, reason: str, request=None
) -> JoinApplication:
    """Reject with a reason the worker is told by text message."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("请填写不予批准的理由，会告知申请人。"), code="reason_required")
    with transaction.atomic():
        application = JoinApplication.objects.select_for_update().get(pk=application.pk)
        workflow.APPLICATION.check(application, "reject", actor)
        application.status = workflow.APPLICATION["reject"].target
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.reason = reason[:300]
        application.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        audit.record("member.reject", actor=actor, obj=application, request=request)
        queue_sms(
            application.phone,
            _("您的入会申请未获批准，理由：%(reason)s。如有疑问请拨打12351。")
            % {"reason": application.reason},
        )
    return application


def withdraw_application(application: JoinApplication, *, worker: Worker) -> JoinApplication:
    with transaction.atomic():
        application = JoinApplication.objects.select_for_update().get(pk=application.pk)
        if application.worker_id != worker.pk:
            raise ServiceError(_("没有找到该申请。"), code="not_found", status=404)
        workflow.APPLICATION.check(application, "withdraw", None)
        application.status = workflow.APPLICATION["withdraw"].target
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        audit.record("member.withdraw", actor_label=f"worker:{worker.pk}", obj=application)
    return application


# --- transfers -----------------------------------------------------------------------------------


def _holding_org(org: Org) -> None:
    if org.kind not in routing.HOLDING_KINDS:
        raise ValidationError(
            _("会籍只能转入基层工会、联合工会、行业工会或街道（乡镇）总工会。"),
            code="invalid_target_org",
        )


def request_transfer(
    member: Member,
    *,
    to_org: Org,
    reason: str = "",
    requested_by: str,
    new_employer_name: str = "",
    released_by=None,
    request=None,
    now: datetime | None = None,
) -> Transfer:
    """Open a transfer. ``released_by`` (staff of the old union) confirms it at once."""
    _holding_org(to_org)
    now = now or timezone.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise Conflict(_("只有正常状态的会员才能转会。"), code="not_active")
        if member.org_id == to_org.pk:
            raise Conflict(_("会籍已经在这个工会，不需要转会。"), code="same_union")
        if Transfer.objects.filter(member=member, status__in=OPEN_TRANSFER).exists():
            raise Conflict(_("已有一个转会正在办理中。"), code="transfer_pending")
        transfer = Transfer.objects.create(
            member=member,
            from_org=member.org,
            to_org=to_org,
            reason=" ".join((reason or "").split())[:300],
            new_employer_name=new_employer_name[:150],
            requested_by=requested_by[:100],
            release_by=add_working_days(now, release_days()),
        )
        _event(
            member,
            "transfer_requested",
            actor_label=requested_by,
            note=to_org.name,
            org=member.org,
        )
        audit.record("member.transfer_request", actor_label=requested_by, obj=transfer)
        if released_by is not None:
            _do_release(transfer, actor=released_by, automatic=False, now=now)
    return transfer


def _do_release(transfer: Transfer, *, actor, automatic: bool, now: datetime) -> None:
    transfer.status = workflow.TRANSFER["auto_release" if automatic else "release"].target
    transfer.released_at = now
    transfer.released_automatically = automatic
    transfer.save(update_fields=["status", "released_at", "released_automatically"])
    label = "system" if automatic else _label(actor)
    _event(transfer.member, "transfer_released", actor_label=label, org=transfer.from_org)
    audit.record(
        "member.transfer_release", actor=actor, actor_label=label, obj=transfer, automatic=automatic
    )


def _locked_transfer(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org")
        .get(pk=transfer.pk)
    )


def release_transfer(transfer: Transfer, *, actor, request=None) -> Transfer:
    """The old union confirms the member may go."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        workflow.TRANSFER.check(transfer, "release", actor)
        _do_release(transfer, actor=actor, automatic=False, now=timezone.now())
    return transfer


def accept_transfer(transfer: Transfer, *, actor, request=None, on: date | None = None) -> Transfer:
    """The new union accepts: the old period ends and the new one begins on the same day."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        workflow.TRANSFER.check(transfer, "accept", actor)
        complete_transfer(transfer, actor=actor, on=on)
        audit.record("member.transfer_accept", actor=actor, obj=transfer, request=request)
    return transfer


def complete_transfer(transfer: Transfer, *, actor, on: date | None = None) -> None:
    """Move the membership (inside the caller's transaction, transfer row locked)."""
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(_("该会员当前不是正常状态，不能转入。"), code="not_active")
    on = on or today()
    _close_period(member, on, PeriodEnd.TRANSFERRED_OUT)
    _open_period(member, transfer.to_org, on, PeriodStart.TRANSFERRED_IN)
    member.org = transfer.to_org
    if transfer.new_employer_name:
        member.employer_name = transfer.new_employer_name
    member.save(update_fields=["org", "employer_name", "updated_at"])
    transfer.status = workflow.TRANSFER["accept"].target
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_at"])
    _event(
        member,
        "transferred",
        actor_label=_label(actor),
        note=transfer.to_org.name,
        org=transfer.to_org,
    )
    if member.phone:
        queue_sms(
            member.phone,
            _("您的会籍已转入%(org)s，会员编号不变，会籍连续。") % {"org": transfer.to_org.name},
        )


def decline_transfer(transfer: Transfer, *, actor, reason: str, request=None) -> Transfer:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("请填写不予接收的理由。"), code="reason_required")
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        workflow.TRANSFER.check(transfer, "decline", actor)
        transfer.status = workflow.TRANSFER["decline"].target
        transfer.decided_at = timezone.now()
        transfer.decision_note = reason[:300]
        transfer.save(update_fields=["status", "decided_at", "decision_note"])
        _event(transfer.member, "transfer_declined", actor_label=_label(actor), note=reason)
        audit.record("member.transfer_decline", actor=actor, obj=transfer, request=request)
    return transfer


def staff_transfer(
    member: Member, *, to_org: Org, reason: str, actor, request=None, on: date | None = None
) -> Transfer:
    """Staff of the holding union transfer a member; if they also act for the new union
    (e.g. a district moving a member between two of its unions) it completes at once."""
    if not (access.roles_over(actor, member.org) & workflow.DECIDERS):
        raise Forbidden(_("您的岗位不能进行此操作。"), code="forbidden_role")
    with transaction.atomic():
        transfer = request_transfer(
            member,
            to_org=to_org,
            reason=reason,
            requested_by=_label(actor),
            released_by=actor,
            request=request,
        )
        if access.roles_over(actor, to_org) & workflow.DECIDERS:
            transfer = _locked_transfer(transfer)
            complete_transfer(transfer, actor=actor, on=on)
            audit.record("member.transfer_accept", actor=actor, obj=transfer, request=request)
    return transfer


def worker_transfer(
    member: Member,
    *,
    worker: Worker,
    employer_name: str = "",
    employer_uscc: str = "",
    gig_platform: str = "",
    job_type: str = "",
    street_id: int | None = None,
    reason: str = "",
    request=None,
) -> Transfer:
    """A member asks to move to the union of their new employer or new place."""
    employment = check_employment(
        employer_name=employer_name,
        employer_uscc=employer_uscc,
        gig_platform=gig_platform,
        job_type=job_type,
        street_id=street_id,
    )
    found = routing.route(
        enterprise=employment.enterprise, job_type=employment.job_type, street=employment.street
    )
    if found is None:
        raise ValidationError(_("暂时找不到接收您会籍的工会，请拨打12351咨询。"), code="no_union")
    transfer = request_transfer(
        member,
        to_org=found.org,
        reason=reason,
        requested_by=f"worker:{worker.pk}",
        new_employer_name=employment.employer_name,
        request=request,
    )
    queue_sms(
        worker.phone,
        _(
            "您的转会申请已提交：由%(old)s确认转出（%(days)d个工作日内，"
            "逾期自动转出），再由%(new)s接收。会籍不会中断。"
        )
        % {"old": transfer.from_org.name, "new": found.org.name, "days": release_days()},
    )
    return transfer


# --- lapse, resume, end --------------------------------------------------------------------------


def change_status(
    member: Member, action: str, *, actor, note: str = "", on: date | None = None, request=None
) -> Member:
    """Lapse, resume or end a membership; each closes or opens a period (never rewrites one)."""
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        workflow.MEMBERSHIP.check(member, action, actor)
        if Transfer.objects.filter(member=member, status__in=OPEN_TRANSFER).exists():
            raise Conflict(_("转会办理中，请先办完或撤销转会。"), code="transfer_pending")
        on = on or today()
        if action == "lapse":
            _close_period(member, on, PeriodEnd.LAPSED)
        elif action == "resume":
            last = member.periods.order_by("-started_on", "-id").first()
            if last is not None and last.ended_on and on < last.ended_on:
                raise Conflict(_("恢复日期不能早于会籍中断的日期。"), code="invalid_date")
            _open_period(member, member.org, on, PeriodStart.RESUMED)
        elif action == "end" and member.status == MemberStatus.ACTIVE:
            _close_period(member, on, PeriodEnd.ENDED)
        member.status = workflow.MEMBERSHIP[action].target
        member.save(update_fields=["status", "updated_at"])
        _event(member, action, actor_label=_label(actor), note=note, org=member.org)
        audit.record(f"member.{action}", actor=actor, obj=member, request=request)
    return member


# --- access ---------------------------------------------------------------------------------------


def member_of_worker(worker: Worker) -> Member | None:
    """Return the worker's membership; a roster-imported member with the same verified
    phone is linked to the account on first sight (and the link audited)."""
    member = (
        Member.objects.select_related("org").defer("org__boundary").filter(worker=worker).first()
    )
    if member is not None:
        return member
    member = (
        Member.objects.select_related("org")
        .defer("org__boundary")
        .filter(phone_hash=worker.phone_hash, worker=None)
        .order_by("pk")
        .first()
    )
    if member is not None:
        updated = Member.objects.filter(pk=member.pk, worker=None).update(worker=worker)
        if updated:
            member.worker = worker
            audit.record("member.link_worker", actor_label=f"worker:{worker.pk}", obj=member)
    return member


# --- one entry per case type for the API routes registered from the tables -------------------


def act_application(
    application: JoinApplication, action: str, *, actor, request=None, reason: str = ""
) -> JoinApplication:
    """Take a staff step of ``workflow.APPLICATION`` (approve, reject); return the
    application as it is now."""
    if action == "approve":
        approve_application(application, actor=actor, request=request)
    elif action == "reject":
        reject_application(application, actor=actor, reason=reason, request=request)
    else:
        raise UnknownAction(_("未知的操作。"), code="unknown_action")
    return JoinApplication.objects.get(pk=application.pk)


def act_transfer(
    transfer: Transfer, action: str, *, actor, request=None, reason: str = ""
) -> Transfer:
    """Take a staff step of ``workflow.TRANSFER`` (release, accept, decline)."""
    if action == "release":
        transfer = release_transfer(transfer, actor=actor, request=request)
    elif action == "accept":
        transfer = accept_transfer(transfer, actor=actor, request=request)
    elif action == "decline":
        transfer = decline_transfer(transfer, actor=actor, reason=reason, request=request)
    else:
        raise UnknownAction(_("未知的操作。"), code="unknown_action")
    return transfer
