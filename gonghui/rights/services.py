"""Every write to a mediation case: intake (written, oral, from an appeal), the steps of
its workflow, and the clock notices. Each runs in one transaction with its timeline
line, its audit event and the worker's text message (outbox). Legal aid is in
``legal_aid.py``; the law's date arithmetic in ``clocks.py``."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict, Forbidden
from gonghui.core.models import Notice
from gonghui.core.outbox import queue_sms
from gonghui.core.workdays import SHANGHAI
from gonghui.core.workflow import roles_at
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Enterprise, Org, StaffRole
from gonghui.rights import clocks, rollups, validation
from gonghui.rights.choices import (
    PAYMENT_ORDER_KINDS,
    Channel,
    DisputeOutcome,
    DisputeStatus,
    ReferTo,
)
from gonghui.rights.models import Applicant, CaseCounter, Claim, Dispute, DisputeEvent, Session
from gonghui.rights.workflow import CLOCK_RUNNING, DISPUTE, MEDIATORS

# Art. 7: ten or more workers with a common claim against one employer.
COLLECTIVE_MIN = 10
# Cases whose limitation date still matters (no referral, no ending yet).
LIMITATION_WATCHED = frozenset(
    {
        DisputeStatus.RECEIVED,
        DisputeStatus.ACCEPTED,
        DisputeStatus.IN_SESSION,
        DisputeStatus.AGREED,
        DisputeStatus.DEFAULTED,
    }
)
ACTIONS = DISPUTE.actions


def local_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def next_case_no(prefix: str, year: int) -> str:
    """Return the next case number of a prefix and year, e.g. TJ-2026-000123."""
    key = f"{prefix}-{year}"
    CaseCounter.objects.get_or_create(key=key)
    counter = CaseCounter.objects.select_for_update().get(key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{key}-{counter.last:06d}"


def reserve_case_numbers(prefix: str, year: int, n: int) -> list[str]:
    """Return ``n`` consecutive case numbers of a prefix and year (bulk writers)."""
    key = f"{prefix}-{year}"
    CaseCounter.objects.get_or_create(key=key)
    counter = CaseCounter.objects.select_for_update().get(key=key)
    first = counter.last + 1
    counter.last += n
    counter.save(update_fields=["last"])
    return [f"{key}-{i:06d}" for i in range(first, counter.last + 1)]


def district_of(org: Org) -> Org | None:
    return (
        Org.objects.filter(path__in=access.ancestor_paths(org.path), kind=OrgKind.DISTRICT)
        .defer("boundary")
        .first()
    )


def match_enterprise(name: str, uscc: str) -> Enterprise | None:
    """The registered employer: by credit code first, then by its exact name."""
    enterprises = Enterprise.objects.select_related("street").defer("street__boundary")
    if uscc:
        return enterprises.filter(uscc=uscc).first()
    return enterprises.filter(name=name).first() if name else None


def require_mediator(actor, org: Org) -> None:
    """Refuse (403) a person who holds no mediating role at the body or above it."""
    if not roles_at(actor, org) & MEDIATORS:
        raise Forbidden(_("您的岗位不能办理该调解组织的案件。"), code="forbidden_role")


def _event(
    dispute: Dispute,
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    from_status: str = "",
    note: str = "",
    public: bool = True,
    at: datetime | None = None,
    **data,
) -> DisputeEvent:
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return DisputeEvent.objects.create(
        dispute=dispute,
        at=at or timezone.now(),
        actor=actor,
        actor_label=actor_label[:100],
        action=action,
        from_status=from_status,
        to_status=dispute.status,
        note=note,
        public=public,
        data=data,
    )


def _sms_to_workers(dispute: Dispute, text: str) -> None:
    """Text the applicants (in a collective dispute, its representatives)."""
    applicants = list(dispute.applicants.all())
    if dispute.collective:
        applicants = [a for a in applicants if a.representative] or applicants[:1]
    for phone in dict.fromkeys(a.phone for a in applicants):
        queue_sms(phone, text)


def _notify_mediators(dispute: Dispute, text: str) -> None:
    users = set(dispute.mediators.values_list("pk", flat=True))
    if not users:
        users = set(
            StaffRole.objects.filter(
                org=dispute.org, role__in=[Role.HANDLER, Role.SUPERVISOR]
            ).values_list("user_id", flat=True)
        )
    Notice.objects.bulk_create(
        [
            Notice(user_id=u, text=text[:300], url=f"/console/rights/disputes/{dispute.pk}/")
            for u in users
        ]
    )


@dataclass
class DisputeIntake:
    """What a mediating body records on receiving an application (Art. 12)."""

    channel: str
    applicants: list[dict]
    employer_name: str
    employer_uscc: str = ""
    claims: list[dict] = field(default_factory=list)
    facts: str = ""
    workers_count: int | None = None
    known_since: date | None = None
    employment_ended_on: date | None = None


def _clean_intake(intake: DisputeIntake, *, today: date, from_appeal: bool) -> dict:
    if intake.channel not in Channel.values:
        raise validation.invalid("channel", _("申请方式只能是书面或口头。"), "invalid_channel")
    if not intake.applicants:
        raise validation.invalid("applicants", _("请至少填写一名申请人。"), "applicants_required")
    if len(intake.applicants) > 500:
        raise validation.invalid("applicants", _("申请人过多。"), "too_many_applicants")
    people = [validation.person(row, f"applicants.{i}") for i, row in enumerate(intake.applicants)]
    employer_name = validation.text(
        intake.employer_name,
        "employer.name",
        limit=150,
        required=True,
        message=_("请填写用人单位名称。"),
    )
    uscc = validation.credit_code(intake.employer_uscc)
    # A case turned from an appeal may not know the amounts yet; the mediator adds them.
    claims = validation.items(intake.claims) if intake.claims or not from_appeal else {}
    facts = validation.text(
        intake.facts,
        "facts",
        limit=8000,
        # Art. 12: an oral application is recorded on the spot, matters and reasons included.
        required=intake.channel == Channel.ORAL,
        message=_("口头申请须当场记录争议事项和理由。"),
    )
    count = intake.workers_count if intake.workers_count is not None else len(people)
    if count < len(people) or count > 100000:
        raise validation.invalid(
            "workers_count", _("劳动者人数不能少于申请人人数。"), "invalid_workers_count"
        )
    known = validation.past_date(intake.known_since, "known_since", today=today)
    ended = validation.past_date(intake.employment_ended_on, "employment_ended_on", today=today)
    return {
        "people": people,
        "employer_name": employer_name,
        "uscc": uscc,
        "claims": claims,
        "facts": facts,
        "count": count,
        "known": known,
        "ended": ended,
    }


def create_dispute(
    intake: DisputeIntake,
    *,
    org: Org,
    actor,
    appeal=None,
    request=None,
    now: datetime | None = None,
) -> Dispute:
    """Record an application received by ``org``; start the clocks; for a collective
    dispute raise the district's early warning. Nothing is stored if anything is invalid."""
    now = now or timezone.now()
    today = local_date(now)
    require_mediator(actor, org)
    data = _clean_intake(intake, today=today, from_appeal=appeal is not None)
    enterprise = match_enterprise(data["employer_name"], data["uscc"])
    collective = data["count"] >= COLLECTIVE_MIN
    district = district_of(org)
    with transaction.atomic():
        if appeal is not None:
            # One case per appeal, even with two clicks at once: the appeal row is the lock.
            type(appeal).objects.select_for_update().filter(pk=appeal.pk).exists()
            if Dispute.objects.filter(appeal=appeal).exists():
                raise Conflict(_("该诉求已转为调解案件。"), code="already_converted")
        dispute = Dispute.objects.create(
            case_no=next_case_no("TJ", today.year),
            channel=intake.channel,
            org=org,
            org_path=org.path,
            district=district,
            employer_name=data["employer_name"],
            employer_uscc=data["uscc"] or (enterprise.uscc if enterprise else ""),
            enterprise=enterprise,
            facts=data["facts"],
            workers_count=data["count"],
            collective=collective,
            urgent=collective,
            oral_taken_by=actor if intake.channel == Channel.ORAL else None,
            received_at=now,
            received_on=today,
            arbitration_right_from=clocks.arbitration_right_from(today),
            known_since=data["known"],
            employment_ended_on=data["ended"],
            limitation_until=clocks.limitation_until(
                kinds=set(data["claims"]),
                known_since=data["known"],
                employment_ended_on=data["ended"],
            ),
            appeal=appeal,
            claimed_total=sum(data["claims"].values(), Decimal("0")),
        )
        people = data["people"]
        if collective and not any(p.representative for p in people):
            people[0].representative = True  # Art. 7: at least one representative
        Applicant.objects.bulk_create(
            [
                Applicant(
                    dispute=dispute,
                    name=p.name,
                    phone=p.phone,
                    id_number=p.id_number,
                    representative=p.representative,
                )
                for p in people
            ]
        )
        Claim.objects.bulk_create(
            [Claim(dispute=dispute, kind=k, amount=a) for k, a in data["claims"].items()]
        )
        rollups.move(None, rollups.dispute_share(dispute))
        note = (
            _("口头申请，由%(who)s当场记录。") % {"who": actor.get_username()}
            if intake.channel == Channel.ORAL
            else _("书面申请。")
        )
        _event(dispute, "receive", actor=actor, note=note, at=now)
        if appeal is not None:
            _link_appeal(dispute, appeal, actor=actor, at=now)
        if collective:
            _raise_collective_warning(dispute, district or org, at=now)
        _sms_to_workers(
            dispute,
            _(
                "【工会调解】您的劳动争议调解申请已收到，案件编号%(no)s。"
                "如%(day)s前未达成调解协议，您可以依法申请劳动仲裁。"
            )
            % {"no": dispute.case_no, "day": f"{dispute.arbitration_right_from:%Y-%m-%d}"},
        )
        audit.record(
            "dispute.receive",
            actor=actor,
            obj=dispute,
            request=request,
            channel=intake.channel,
            collective=collective,
            appeal=appeal.pk if appeal else None,
        )
    return dispute


def _link_appeal(dispute: Dispute, appeal, *, actor, at: datetime) -> None:
    from gonghui.appeals.models import AppealEvent

    _event(
        dispute,
        "from_appeal",
        actor=actor,
        note=_("来源诉求：%(ticket)s") % {"ticket": appeal.ticket_no},
        at=at,
        appeal_id=appeal.pk,
    )
    AppealEvent.objects.create(
        appeal=appeal,
        actor=actor,
        actor_label=actor.get_username(),
        action="to_dispute",
        from_status=appeal.status,
        to_status=appeal.status,
        note=_("已转为劳动争议调解案件 %(no)s") % {"no": dispute.case_no},
        public=True,
        org=dispute.org,
        data={"dispute_id": dispute.pk, "case_no": dispute.case_no},
    )


def _raise_collective_warning(dispute: Dispute, district: Org, *, at: datetime) -> None:
    from gonghui.warnings import detectors
    from gonghui.warnings.choices import Level, WarningKind
    from gonghui.warnings.services import raise_finding

    finding = detectors.Finding(
        kind=WarningKind.EMPLOYER_CLUSTER,
        subject=f"dispute:{dispute.case_no}",
        level=Level.RED,
        evidence=[dispute.appeal_id] if dispute.appeal_id else [],
        stats={"workers": dispute.workers_count, "dispute": dispute.case_no},
        district_id=dispute.district_id,
        employer=f"e{dispute.enterprise_id}" if dispute.enterprise_id else "",
        category="wages",
    )
    title = _("集体劳动争议：%(employer)s，%(n)d名劳动者（%(no)s）") % {
        "employer": dispute.employer_name,
        "n": dispute.workers_count,
        "no": dispute.case_no,
    }
    warning, _created = raise_finding(finding, now=at, org=district, title=title)
    dispute.warning = warning
    dispute.save(update_fields=["warning", "updated_at"])
    _event(dispute, "collective", actor_label="system", public=False, at=at, warning_id=warning.pk)


def create_from_appeal(
    appeal, *, org: Org, actor, claims: list[dict] | None = None, request=None
) -> Dispute:
    """Turn an appeal into a mediation case at ``org`` (one click); 409 if already done."""
    if not appeal.phone:
        raise validation.invalid(
            "phone", _("该诉求没有联系电话，不能转为调解案件。"), "invalid_phone"
        )
    intake = DisputeIntake(
        channel=Channel.WRITTEN,
        applicants=[{"name": appeal.name or _("职工"), "phone": appeal.phone}],
        employer_name=appeal.employer_name or _("（用人单位待核实）"),
        employer_uscc=appeal.employer_uscc,
        claims=claims or [],
        facts=appeal.text,
    )
    return create_dispute(intake, org=org, actor=actor, appeal=appeal, request=request)


# --- the workflow steps -------------------------------------------------------------------


def act(
    dispute: Dispute,
    action: str,
    *,
    actor,
    request=None,
    now: datetime | None = None,
    **data,
) -> Dispute:
    """Take one step of the mediation workflow (409 when the status does not allow it)."""
    handler = _HANDLERS.get(action)
    DISPUTE[action]  # unknown actions: 404 before anything else
    now = now or timezone.now()
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",)).select_related("org").get(pk=dispute.pk)
        )
        tr = DISPUTE.check(dispute, action, actor)
        from_status = dispute.status
        before = rollups.dispute_share(dispute)
        note, extra = handler(dispute, actor=actor, now=now, **data)
        dispute.status = tr.target or dispute.status
        dispute.save()
        rollups.move(before, rollups.dispute_share(dispute))
        _event(
            dispute,
            action,
            actor=actor,
            from_status=from_status,
            note=note,
            public=tr.public,
            at=now,
            **extra,
        )
        audit.record(f"dispute.{action}", actor=actor, obj=dispute, request=request, **extra)
    return dispute


def _note(data: dict, key: str = "note", limit: int = 4000) -> str:
    return validation.text(data.get(key), key, limit=limit, required=False)


def _do_accept(dispute, *, actor, now, **data):
    dispute.accepted_at = now
    dispute.mediators.add(actor)
    return _note(data), {}


def _do_refuse(dispute, *, actor, now, **data):
    reason = validation.text(
        data.get("reason"),
        "reason",
        limit=1000,
        required=True,
        message=_("请填写不予受理的理由。"),
    )
    _sms_to_workers(
        dispute,
        _("【工会调解】您的调解申请（%(no)s）未予受理：%(reason)s。您可以依法申请劳动仲裁。")
        % {"no": dispute.case_no, "reason": reason[:60]},
    )
    return reason, {}


def _parse_datetime(value, field: str, default: datetime) -> datetime:
    if value in (None, ""):
        return default
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise validation.invalid(field, _("时间格式不对。"), "invalid_datetime") from exc
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _do_session(dispute, *, actor, now, **data):
    at = _parse_datetime(data.get("at"), "at", now)
    place = validation.text(
        data.get("place"), "place", limit=200, required=True, message=_("请填写调解地点。")
    )
    attendees = validation.text(
        data.get("attendees"),
        "attendees",
        limit=500,
        required=True,
        message=_("请填写参加人员。"),
    )
    note = _note(data)
    session = Session.objects.create(
        dispute=dispute, at=at, place=place, attendees=attendees, note=note
    )
    dispute.mediators.add(actor)
    return note, {"session_id": session.pk, "place": place}


def _parse_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise validation.invalid(field, _("请填写日期（年-月-日）。"), "invalid_date") from exc


def _claimed_kinds(dispute: Dispute) -> dict[str, Claim]:
    return {c.kind: c for c in dispute.claims.all()}


def _do_agree(dispute, *, actor, now, **data):
    items = validation.items(data.get("items"), "items")
    if data.get("perform_by") in (None, ""):
        raise validation.invalid("perform_by", _("请填写协议履行期限。"), "perform_by_required")
    perform_by = _parse_date(data.get("perform_by"), "perform_by")
    if perform_by < local_date(now):
        raise validation.invalid("perform_by", _("履行期限不能早于今天。"), "perform_by_in_past")
    claims = _claimed_kinds(dispute)
    for kind, value in items.items():
        claim = claims.get(kind)
        if claim is None:
            # An item the worker did not claim at intake (agreed in the session) is added.
            Claim.objects.create(dispute=dispute, kind=kind, amount=value, agreed=value)
        else:
            claim.agreed = value
            claim.save(update_fields=["agreed"])
    first = dispute.applicants.order_by("-representative", "id").first()
    dispute.agreed_at = now
    dispute.perform_by = perform_by
    dispute.agreed_total = sum(items.values(), Decimal("0"))
    dispute.claimed_total = sum((c.amount for c in dispute.claims.all()), Decimal("0"))
    # Art. 14: signed by both parties and the mediator before it binds them.
    dispute.signed_worker = validation.text(
        data.get("signed_worker") or (first.name if first else ""),
        "signed_worker",
        limit=80,
        required=True,
    )
    dispute.signed_employer = validation.text(
        data.get("signed_employer") or dispute.employer_name,
        "signed_employer",
        limit=150,
        required=True,
    )
    dispute.signed_mediator = actor.get_full_name() or actor.get_username()
    _sms_to_workers(
        dispute,
        _("【工会调解】您的案件%(no)s已达成调解协议，协议金额%(amount)s元，履行期限%(day)s。")
        % {"no": dispute.case_no, "amount": dispute.agreed_total, "day": perform_by.isoformat()},
    )
    return _note(data), {
        "items": {k: str(v) for k, v in items.items()},
        "perform_by": perform_by.isoformat(),
    }


def _do_performed(dispute, *, actor, now, **data):
    return _note(data), {}


def _do_default(dispute, *, actor, now, **data):
    kinds = {k for k, c in _claimed_kinds(dispute).items() if c.agreed}
    # Art. 16: pay, injury costs or compensation unpaid → the worker may ask for a 支付令.
    offers_order = bool(kinds & PAYMENT_ORDER_KINDS)
    text = _("【工会调解】用人单位未按调解协议（%(no)s）履行。您可以申请劳动仲裁") % {
        "no": dispute.case_no
    }
    if offers_order:
        text += _("，也可以持调解协议书向人民法院申请支付令")
    _sms_to_workers(dispute, text + _("，工会可协助您准备材料。"))
    return _note(data), {"payment_order": offers_order}


def _do_refer(dispute, *, actor, now, **data):
    to = data.get("to")
    if to not in ReferTo.values:
        raise validation.invalid(
            "to", _("请选择转往仲裁（arbitration）或法院（court）。"), "refer_target_required"
        )
    dispute.referred_to = to
    dispute.external_no = validation.text(
        data.get("external_no"), "external_no", limit=60, required=False
    )
    _sms_to_workers(
        dispute,
        _("【工会调解】您的案件%(no)s已转%(to)s，工会将继续跟进。")
        % {"no": dispute.case_no, "to": ReferTo(to).label},
    )
    return _note(data), {"to": to, "external_no": dispute.external_no}


def _do_withdraw(dispute, *, actor, now, **data):
    return _note(data, "reason") or _note(data), {}


def _do_close(dispute, *, actor, now, **data):
    outcome = data.get("outcome")
    if outcome not in DisputeOutcome.values:
        raise validation.invalid(
            "outcome",
            _("请选择结案方式：%(codes)s。") % {"codes": "、".join(DisputeOutcome.values)},
            "invalid_outcome",
        )
    rows = data.get("recovered") or []
    recovered = validation.items(rows, "recovered", allow_zero=True) if rows else {}
    claims = _claimed_kinds(dispute)
    for kind, value in recovered.items():
        claim = claims.get(kind)
        if claim is None:
            raise validation.invalid(
                "recovered", _("挽回金额的事项须是本案的请求事项。"), "unclaimed_kind"
            )
        claim.recovered = value
        claim.save(update_fields=["recovered"])
    dispute.outcome = outcome
    dispute.recovered_total = sum(recovered.values(), Decimal("0"))
    dispute.closed_at = now
    return _note(data), {
        "outcome": outcome,
        "recovered": {k: str(v) for k, v in recovered.items()},
    }


_HANDLERS = {
    "accept": _do_accept,
    "refuse": _do_refuse,
    "session": _do_session,
    "agree": _do_agree,
    "performed": _do_performed,
    "default": _do_default,
    "refer": _do_refer,
    "withdraw": _do_withdraw,
    "close": _do_close,
}
assert set(_HANDLERS) == set(DISPUTE.actions), "every mediation step needs a handler"


# --- the clocks ---------------------------------------------------------------------------


def _claim_flag(pks: Iterable[int], flag: str, q: Q) -> list[int]:
    """Set ``flag`` on each case still matching ``q``; return those this call won."""
    won = []
    for pk in pks:
        if Dispute.objects.filter(q, pk=pk, **{flag: False}).update(**{flag: True}):
            won.append(pk)
    return won


def run_clocks(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send the due clock notices once each: the day-12 warning to the mediators, the
    day-15 text to the worker (with the arbitration application), and the 30-day
    limitation warning. Safe with two workers (claim by conditional update)."""
    now = now or timezone.now()
    today = local_date(now)
    sent = 0
    running = Q(status__in=CLOCK_RUNNING)
    day12 = running & Q(received_on__lte=today - timedelta(days=clocks.MEDIATOR_WARNING_DAY))
    for pk in Dispute.objects.filter(day12, warned_day12=False).values_list("pk", flat=True)[
        :limit
    ]:
        with transaction.atomic():
            if not _claim_flag([pk], "warned_day12", day12):
                continue
            dispute = Dispute.objects.get(pk=pk)
            _notify_mediators(
                dispute,
                _("调解案件%(no)s已到第12日，%(day)s起当事人可申请仲裁，请抓紧调解。")
                % {"no": dispute.case_no, "day": dispute.arbitration_right_from.isoformat()},
            )
            _event(dispute, "day12", actor_label="system", public=False, at=now)
            sent += 1
    # The 15th day (the period's last day): tell the worker, from which day they may apply.
    day15 = running & Q(received_on__lte=today - timedelta(days=clocks.MEDIATION_DAYS))
    for pk in Dispute.objects.filter(day15, notified_arbitration=False).values_list(
        "pk", flat=True
    )[:limit]:
        with transaction.atomic():
            if not _claim_flag([pk], "notified_arbitration", day15):
                continue
            dispute = Dispute.objects.get(pk=pk)
            _sms_to_workers(
                dispute,
                _(
                    "【工会调解】您的案件%(no)s调解期限已满15日未达成协议，%(day)s起您可以"
                    "依法申请劳动仲裁。工会已为您准备好仲裁申请书，登录“我的维权”查看。"
                )
                % {"no": dispute.case_no, "day": dispute.arbitration_right_from.isoformat()},
            )
            _event(dispute, "arbitration_notice", actor_label="system", at=now)
            sent += 1
    watched = Q(status__in=LIMITATION_WATCHED, limitation_until__isnull=False) & Q(
        limitation_until__lte=today + timedelta(days=clocks.LIMITATION_WARNING_DAYS)
    )
    for pk in Dispute.objects.filter(watched, warned_limitation=False).values_list("pk", flat=True)[
        :limit
    ]:
        with transaction.atomic():
            if not _claim_flag([pk], "warned_limitation", watched):
                continue
            dispute = Dispute.objects.get(pk=pk)
            text = _("案件%(no)s的仲裁时效将于%(day)s届满，请及时申请仲裁。") % {
                "no": dispute.case_no,
                "day": dispute.limitation_until.isoformat(),
            }
            _notify_mediators(dispute, text)
            _sms_to_workers(dispute, _("【工会调解】") + text)
            _event(dispute, "limitation_warning", actor_label="system", at=now)
            sent += 1
    return sent
