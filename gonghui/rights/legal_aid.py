"""Every write to legal aid: the lawyer roster with its declared engagements, intake
with the eligibility screen (criteria as data), supervisor overrides, the assignment
behind the conflict check, service, rejection and closing; and a worker's request for
help from "my union lawyer". Each in one transaction with its timeline line, audit
event and text message."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict, Forbidden
from gonghui.core.outbox import queue_sms
from gonghui.core.workflow import roles_at
from gonghui.orgs import access
from gonghui.orgs.models import Org
from gonghui.rights import conflicts, rollups, validation
from gonghui.rights.choices import AidGroup, AidOutcome, AidStatus, Criterion
from gonghui.rights.models import AidCase, AidEvent, HelpRequest, Lawyer, Party
from gonghui.rights.services import local_date, match_enterprise, next_case_no, require_mediator
from gonghui.rights.workflow import AID, OVERRIDERS

# Words that make a matter a labour matter (劳动争议) for the screen; staff may override.
LABOUR_WORDS = (
    "工资",
    "劳动",
    "加班",
    "社保",
    "社会保险",
    "工伤",
    "辞退",
    "解除",
    "合同",
    "补偿",
    "赔偿",
    "欠薪",
    "拖欠",
    "用人单位",
    "公积金",
    "派遣",
    "休假",
    "职业病",
    "试用期",
)


def income_threshold() -> Decimal:
    """The monthly income under which a worker counts as in financial difficulty."""
    return Decimal(str(getattr(settings, "GONGHUI_LEGAL_AID_INCOME", "5080")))


def screen(
    *, local: bool, matter: str, employer_name: str, income: Decimal | None, groups: list[str]
) -> list[dict]:
    """Return each criterion with pass/fail and its reason (the screen as data)."""
    out = [
        {
            "criterion": Criterion.LOCAL,
            "passed": local,
            "reason": _("在本市工作或居住") if local else _("申请人不在本市工作或居住"),
        }
    ]
    labour = bool(employer_name) and any(w in matter for w in LABOUR_WORDS)
    out.append(
        {
            "criterion": Criterion.LABOUR,
            "passed": labour,
            "reason": _("属于与用人单位之间的劳动争议")
            if labour
            else _("未能认定为劳动争议事项，请人工核实"),
        }
    )
    threshold = income_threshold()
    if groups:
        labels = "、".join(str(AidGroup(g).label) for g in groups)
        out.append(
            {
                "criterion": Criterion.INCOME,
                "passed": True,
                "reason": _("优先援助群体（%(groups)s），不审查经济状况") % {"groups": labels},
            }
        )
    elif income is None:
        out.append(
            {
                "criterion": Criterion.INCOME,
                "passed": False,
                "reason": _("未提供月收入，无法认定经济困难"),
            }
        )
    else:
        passed = income < threshold
        out.append(
            {
                "criterion": Criterion.INCOME,
                "passed": passed,
                "reason": (
                    _("月收入%(income)s元，低于%(threshold)s元的标准")
                    if passed
                    else _("月收入%(income)s元，不低于%(threshold)s元的标准")
                )
                % {"income": f"{income:.2f}", "threshold": f"{threshold:.2f}"},
            }
        )
    return out


def _eligible(criteria: list[dict]) -> bool:
    return all(c["passed"] or c.get("overridden") for c in criteria)


def _event(
    case: AidCase,
    action: str,
    *,
    actor=None,
    actor_label="",
    from_status="",
    note="",
    public=True,
    at=None,
    **data,
) -> AidEvent:
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AidEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor,
        actor_label=actor_label[:100],
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        public=public,
        data=data,
    )


# --- lawyers ----------------------------------------------------------------------------


def assignable_lawyers(org: Org):
    """Lawyers registered at the org, above it or below it: a district's roster serves
    its streets, a street's lawyer its own cases."""
    ancestors = access.ancestor_paths(org.path)
    return Lawyer.objects.filter(active=True).filter(
        owner_path__in=ancestors
    ) | Lawyer.objects.filter(active=True, owner_path__startswith=org.path)


def create_lawyer(
    *,
    owner: Org,
    name: str,
    firm: str,
    phone: str,
    positions: list | None = None,
    orgs: list[Org] | None = None,
    engagements: list[dict] | None = None,
    actor,
    request=None,
) -> Lawyer:
    """Enter a union lawyer with the positions they serve and the parties they have
    acted for (each a conflict-check entry)."""
    require_mediator(actor, owner)
    person = validation.person({"name": name, "phone": phone}, "lawyer")
    firm = validation.text(firm, "firm", limit=120, required=True, message=_("请填写律师事务所。"))
    rows = []
    for i, e in enumerate(engagements or []):
        e = e if isinstance(e, dict) else {}
        party = validation.text(
            e.get("party_name"),
            f"engagements.{i}.party_name",
            limit=150,
            required=True,
            message=_("请填写委托人名称。"),
        )
        uscc = validation.credit_code(e.get("party_uscc"), f"engagements.{i}.party_uscc")
        rows.append((party, uscc))
    with transaction.atomic():
        lawyer = Lawyer.objects.create(
            name=person.name, firm=firm, phone=person.phone, owner=owner, owner_path=owner.path
        )
        if positions:
            lawyer.positions.add(*positions)
        if orgs:
            lawyer.orgs.add(*orgs)
        for party, uscc in rows:
            conflicts.add_party(
                name=party, uscc=uscc, source=Party.Source.ENGAGEMENT, lawyer=lawyer
            )
        audit.record(
            "lawyer.create", actor=actor, obj=lawyer, request=request, engagements=len(rows)
        )
    return lawyer


def workload(lawyer: Lawyer) -> int:
    return lawyer.cases.filter(status__in=[AidStatus.ACCEPTED, AidStatus.IN_SERVICE]).count()


def lawyer_for(org: Org, *, position=None) -> Lawyer | None:
    """Return "my union lawyer" of a position, or of a street and the orgs above it."""
    if position is not None:
        found = Lawyer.objects.filter(active=True, positions=position).order_by("pk").first()
        if found:
            return found
    for path in reversed(access.ancestor_paths(org.path)):
        found = Lawyer.objects.filter(active=True, orgs__path=path).order_by("pk").first()
        if found:
            return found
    return None


# --- cases --------------------------------------------------------------------------------


def create_aid_case(
    *,
    org: Org,
    applicant: dict,
    employer: dict,
    matter: str,
    monthly_income=None,
    groups: list[str] | None = None,
    local: bool = True,
    actor,
    request=None,
    now: datetime | None = None,
) -> AidCase:
    """Record an application for legal aid and screen it; nothing stored if invalid."""
    now = now or timezone.now()
    require_mediator(actor, org)
    person = validation.person(applicant, "applicant")
    employer = employer if isinstance(employer, dict) else {}
    employer_name = validation.text(
        employer.get("name"),
        "employer.name",
        limit=150,
        required=True,
        message=_("请填写对方用人单位名称。"),
    )
    uscc = validation.credit_code(employer.get("uscc"))
    matter = validation.text(
        matter, "matter", limit=8000, required=True, message=_("请填写需要援助的事项。")
    )
    income = None
    if monthly_income not in (None, ""):
        income = validation.amount(monthly_income, "monthly_income", allow_zero=True)
    groups = list(dict.fromkeys(groups or []))
    for g in groups:
        if g not in AidGroup.values:
            raise validation.invalid(
                "groups", _("未知的优先群体：%(group)s。") % {"group": g}, "invalid_group"
            )
    criteria = screen(
        local=local, matter=matter, employer_name=employer_name, income=income, groups=groups
    )
    enterprise = match_enterprise(employer_name, uscc)
    with transaction.atomic():
        case = AidCase.objects.create(
            case_no=next_case_no("YZ", local_date(now).year),
            org=org,
            org_path=org.path,
            applicant_name=person.name,
            applicant_phone=person.phone,
            applicant_id_number=person.id_number,
            employer_name=employer_name,
            employer_uscc=uscc or (enterprise.uscc if enterprise else ""),
            enterprise=enterprise,
            matter=matter,
            monthly_income=income,
            groups=groups,
            lives_or_works_locally=local,
            eligibility=criteria,
            eligible=_eligible(criteria),
            received_at=now,
        )
        rollups.move(None, rollups.aid_share(case))
        _event(
            case, "intake", actor=actor, at=now, note="；".join(f"{c['reason']}" for c in criteria)
        )
        queue_sms(
            person.phone,
            _("【工会法律援助】您的法律援助申请已收到，案件编号%(no)s，我们将尽快审查并联系您。")
            % {"no": case.case_no},
        )
        audit.record(
            "legal_aid.intake", actor=actor, obj=case, request=request, eligible=case.eligible
        )
    return case


def _lock(case: AidCase) -> AidCase:
    return AidCase.objects.select_for_update(of=("self",)).select_related("org").get(pk=case.pk)


def override(case: AidCase, *, criterion: str, reason: str, actor, request=None) -> AidCase:
    """Pass a failed criterion on a supervisor's word, with the reason (audited)."""
    reason = validation.text(
        reason, "reason", limit=500, required=True, message=_("请填写特批理由。")
    )
    with transaction.atomic():
        case = _lock(case)
        AID.check(case, "override", actor)
        criteria = [dict(c) for c in case.eligibility]
        target = next((c for c in criteria if c["criterion"] == criterion), None)
        if target is None:
            raise validation.invalid("criterion", _("没有这项审查条件。"), "invalid_criterion")
        if target["passed"] or target.get("overridden"):
            raise Conflict(_("该条件无需特批。"), code="nothing_to_override")
        target["overridden"] = True
        target["override_reason"] = reason
        case.eligibility = criteria
        case.eligible = _eligible(criteria)
        case.save(update_fields=["eligibility", "eligible", "updated_at"])
        _event(case, "override", actor=actor, note=reason, public=False, criterion=criterion)
        audit.record(
            "legal_aid.override",
            actor=actor,
            obj=case,
            request=request,
            criterion=criterion,
            reason=reason,
        )
    return case


class ConflictFound(Conflict):
    """The lawyer (or the union) has acted for the adverse party: 409 with the matches."""


def assign(
    case: AidCase,
    *,
    lawyer_id,
    override_reason: str | None = None,
    actor,
    request=None,
    now: datetime | None = None,
) -> AidCase:
    """Accept the case with a lawyer, unless the conflict check flags the pair (409
    ``conflict`` with the matches) and no supervisor overrides it with a reason."""
    now = now or timezone.now()
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        case = _lock(case)
        AID.check(case, "assign", actor)
        if not case.eligible:
            raise Conflict(
                _("申请未通过援助条件审查，须先由负责人特批未通过的条件。"), code="not_eligible"
            )
        try:
            lawyer = assignable_lawyers(case.org).distinct().get(pk=lawyer_id)
        except (Lawyer.DoesNotExist, ValueError, TypeError) as exc:
            raise validation.invalid(
                "lawyer_id", _("律师不存在或不服务于本单位。"), "invalid_lawyer"
            ) from exc
        matches = conflicts.check(
            name=case.employer_name, uscc=case.employer_uscc, lawyer_id=lawyer.pk
        )
        if matches and not override_reason:
            raise ConflictFound(
                _("利益冲突：该律师或工会曾代理对方当事人，须由负责人审批并说明理由。"),
                code="conflict",
                fields={"matches": [m.as_dict() for m in matches]},
            )
        if matches and not roles_at(actor, case.org) & OVERRIDERS:
            raise Forbidden(_("只有负责人可以审批利益冲突。"), code="forbidden_role")
        from_status = case.status
        before = rollups.aid_share(case)
        case.lawyer = lawyer
        case.status = AID["assign"].target
        case.conflict_override = override_reason[:500] if matches else ""
        case.save(update_fields=["lawyer", "status", "conflict_override", "updated_at"])
        rollups.move(before, rollups.aid_share(case))
        if matches:
            _event(
                case,
                "conflict_override",
                actor=actor,
                note=override_reason,
                public=False,
                at=now,
                matches=[m.party_id for m in matches],
            )
            audit.record(
                "legal_aid.conflict_override",
                actor=actor,
                obj=case,
                request=request,
                lawyer=lawyer.pk,
                reason=override_reason,
                matches=[m.as_dict() for m in matches],
            )
        _event(
            case,
            "assign",
            actor=actor,
            from_status=from_status,
            at=now,
            note=_("指派律师：%(name)s（%(firm)s）") % {"name": lawyer.name, "firm": lawyer.firm},
            lawyer_id=lawyer.pk,
        )
        queue_sms(
            case.applicant_phone,
            _(
                "【工会法律援助】您的申请（%(no)s）已受理，承办律师%(name)s（%(firm)s），电话%(phone)s。"
            )
            % {"no": case.case_no, "name": lawyer.name, "firm": lawyer.firm, "phone": lawyer.phone},
        )
        audit.record("legal_aid.assign", actor=actor, obj=case, request=request, lawyer=lawyer.pk)
    return case


def act(
    case: AidCase, action: str, *, actor, request=None, now: datetime | None = None, **data
) -> AidCase:
    """Reject, serve or close a legal-aid case (assign and override have their own)."""
    if action not in {"reject", "serve", "close"}:
        AID[action]
        raise Http404
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        tr = AID.check(case, action, actor)
        from_status = case.status
        before = rollups.aid_share(case)
        extra: dict = {}
        if action == "reject":
            note = validation.text(
                data.get("reason"),
                "reason",
                limit=500,
                required=True,
                message=_("请填写不予援助的理由。"),
            )
            case.reject_reason = note
            case.referral = validation.text(
                data.get("referral"),
                "referral",
                limit=200,
                required=True,
                message=_("请填写转介去向。"),
            )
            queue_sms(
                case.applicant_phone,
                _("【工会法律援助】您的申请（%(no)s）未获援助：%(reason)s。建议您联系：%(to)s。")
                % {"no": case.case_no, "reason": note[:60], "to": case.referral[:40]},
            )
            extra = {"referral": case.referral}
        elif action == "serve":
            note = validation.text(
                data.get("note"), "note", limit=4000, required=True, message=_("请填写服务情况。")
            )
        else:
            outcome = data.get("outcome")
            if outcome not in AidOutcome.values:
                raise validation.invalid(
                    "outcome",
                    _("请选择结案方式：%(codes)s。") % {"codes": "、".join(AidOutcome.values)},
                    "invalid_outcome",
                )
            recovered = data.get("recovered")
            case.recovered_total = (
                validation.amount(recovered, "recovered", allow_zero=True)
                if recovered not in (None, "")
                else Decimal("0")
            )
            case.outcome = outcome
            case.closed_at = now
            note = validation.text(data.get("note"), "note", limit=4000, required=False)
            # The worker was the lawyer's client: a later case against them is a conflict.
            conflicts.add_party(
                name=case.applicant_name,
                source=Party.Source.CASE,
                lawyer=case.lawyer,
                case_ref=case.case_no,
            )
            extra = {"outcome": outcome, "recovered": f"{case.recovered_total:.2f}"}
        case.status = tr.target or case.status
        case.save()
        rollups.move(before, rollups.aid_share(case))
        _event(
            case,
            action,
            actor=actor,
            from_status=from_status,
            note=note,
            at=now,
            public=tr.public,
            **extra,
        )
        audit.record(f"legal_aid.{action}", actor=actor, obj=case, request=request, **extra)
    return case


def request_help(
    *, lawyer: Lawyer, org: Org, name: str, phone: str, text: str, worker=None
) -> HelpRequest:
    """Pass a worker's question to their union lawyer (texted to the lawyer)."""
    person = validation.person({"name": name, "phone": phone}, "help")
    text = validation.text(
        text, "text", limit=2000, required=True, message=_("请简要说明您遇到的问题。")
    )
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            lawyer=lawyer,
            org=org,
            worker=worker,
            name=person.name,
            phone=person.phone,
            text=text,
        )
        queue_sms(
            lawyer.phone,
            _("【工会律师】职工%(name)s（%(phone)s）向您求助：%(text)s")
            % {"name": person.name, "phone": person.phone, "text": text[:50]},
        )
        audit.record("legal_aid.help_request", actor_label="worker", obj=help_request, org=org)
    return help_request
