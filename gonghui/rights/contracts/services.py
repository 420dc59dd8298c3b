"""Every write to a collective contract and its clocks: recording one (three scopes),
the ratification vote (Art. 38), signature and the ten days to file (Art. 39), filing
and the fifteen days to effect, expiry reminders and the overdue-filing flag (the
``rights.contracts`` sweep). Checks of the coded numbers against the minimum wage and
any regional or industry contract covering the enterprise are ``warnings``."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Forbidden
from gonghui.core.models import Notice
from gonghui.core.workflow import roles_at
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Enterprise, Org, StaffRole
from gonghui.rights.clocks import next_working_day_from
from gonghui.rights.contracts.choices import ContractStatus, Scope
from gonghui.rights.contracts.models import CollectiveContract, ContractEvent
from gonghui.rights.contracts.workflow import CONTRACT, STAFF

# Beijing's monthly minimum wage (one standard for every district), from 1 Sept 2025.
DEFAULT_MINIMUM_WAGE = Decimal("2540")
FILE_DAYS = 10  # Art. 39: filed within ten days of the signatures
OBJECTION_DAYS = 15  # Art. 39: effective when no objection within fifteen days of filing
REMINDER_DAYS = (90, 30, 7, 0)  # before the end of the term
IN_FORCE = (ContractStatus.FILED, ContractStatus.EFFECTIVE)


def minimum_wage(org: Org | None = None) -> Decimal:
    return Decimal(str(getattr(settings, "GONGHUI_MINIMUM_WAGE", DEFAULT_MINIMUM_WAGE)))


def invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _decimal(value, field: str, *, limit: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise invalid(field, _("请填写数字。"), "invalid_number") from exc
    if not number.is_finite() or number < 0 or number > limit:
        raise invalid(field, _("数值超出合理范围。"), "invalid_number")
    return number


@dataclass
class ContractIn:
    scope: str
    title: str
    starts_on: date
    ends_on: date
    enterprise: Enterprise | None = None
    org: Org | None = None
    industry: str = ""
    wage_floor: object = None
    yearly_raise: object = None
    weekly_hours: object = None
    covered_workers: int | None = None


def _event(contract, action, *, actor=None, from_status="", note=""):
    ContractEvent.objects.create(
        contract=contract,
        at=timezone.now(),
        action=action,
        actor=actor,
        actor_label=actor.get_username()[:100] if actor is not None else str(_("系统")),
        from_status=from_status,
        to_status=contract.status,
        note=note,
    )


def create(data: ContractIn, *, actor, request=None) -> CollectiveContract:
    """Record a contract under negotiation (422 before anything is stored)."""
    if data.scope not in Scope.values:
        raise invalid("scope", _("合同类型只能是企业、区域性或行业性。"), "invalid_scope")
    if data.scope == Scope.ENTERPRISE:
        if data.enterprise is None:
            raise invalid("enterprise_id", _("企业集体合同须写明用人单位。"), "enterprise_required")
        org = data.enterprise.street
    else:
        if data.org is None:
            raise invalid("org_id", _("区域性、行业性集体合同须写明工会组织。"), "org_required")
        if data.org.kind in (OrgKind.CITY, OrgKind.DISTRICT) and data.scope == Scope.REGIONAL:
            raise invalid(
                "org_id", _("区域性集体合同的工会应为街道、园区或楼宇工会。"), "invalid_org"
            )
        org = data.org
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        raise invalid("title", _("请填写合同名称（200字以内）。"), "invalid_title")
    if data.ends_on <= data.starts_on:
        raise invalid("ends_on", _("终止日期须晚于起始日期。"), "invalid_term")
    if data.ends_on > data.starts_on.replace(year=data.starts_on.year + 3) + timedelta(days=1):
        raise invalid("ends_on", _("集体合同期限一般为三年以内。"), "invalid_term")
    if data.covered_workers is not None and not 0 <= data.covered_workers <= 10_000_000:
        raise invalid("covered_workers", _("数值超出合理范围。"), "invalid_number")
    if not roles_at(actor, org) & STAFF:
        raise Forbidden(_("您的岗位不能办理该工会的集体合同。"), code="forbidden_role")
    with transaction.atomic():
        contract = CollectiveContract.objects.create(
            scope=data.scope,
            enterprise=data.enterprise if data.scope == Scope.ENTERPRISE else None,
            org=org,
            org_path=org.path,
            industry=data.industry or "",
            title=title,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            wage_floor=_decimal(data.wage_floor, "wage_floor", limit=Decimal("1000000")),
            yearly_raise=_decimal(data.yearly_raise, "yearly_raise", limit=Decimal("100")),
            weekly_hours=_decimal(data.weekly_hours, "weekly_hours", limit=Decimal("84")),
            covered_workers=data.covered_workers,
            created_by=actor,
        )
        _event(contract, "create", actor=actor)
        audit.record("contract.create", actor=actor, obj=contract, org=org, request=request)
    return contract


def vote_passes(total: int, attending: int, approving: int) -> bool:
    """Art. 38: two thirds or more of the representatives (or workers) attend, and half
    or more of all of them approve (以上 includes the number itself, Civil Code Art. 1259)."""
    return 3 * attending >= 2 * total and 2 * approving >= total


def _count(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 1_000_000:
        raise invalid(key, _("人数须为非负整数。"), "invalid_count")
    return value


def _day(data: dict, key: str, *, not_before: date | None = None) -> date:
    value = data.get(key)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise invalid(key, _("请填写日期。"), "invalid_date")
    if value > timezone.localdate():
        raise invalid(key, _("日期不能晚于今天。"), "invalid_date")
    if not_before and value < not_before:
        raise invalid(key, _("日期不能早于上一步。"), "invalid_date")
    return value


def file_deadline(signed_on: date) -> date:
    """Art. 39: ten days from the signatures; a deadline on a rest day or holiday moves
    to the next working day."""
    return next_working_day_from(signed_on + timedelta(days=FILE_DAYS))


def act(contract: CollectiveContract, action: str, *, actor, request=None, **data):
    """Take a step: ratify (the vote), sign, file, renew."""
    CONTRACT[action]
    with transaction.atomic():
        contract = (
            CollectiveContract.objects.select_for_update(of=("self",))
            .select_related("org")
            .get(pk=contract.pk)
        )
        tr = CONTRACT.check(contract, action, actor)
        from_status = contract.status
        note = ""
        if action == "ratify":
            total, attending, approving = (
                _count(data, k) for k in ("total", "attending", "approving")
            )
            if total == 0 or attending > total or approving > attending:
                raise invalid("total", _("表决人数不一致：同意≤出席≤应到。"), "invalid_count")
            if not vote_passes(total, attending, approving):
                raise ValidationError(
                    _(
                        "表决无效：须三分之二以上职工代表或职工出席，并经全体半数以上同意（第三十八条）。"
                    ),
                    code="vote_invalid",
                )
            contract.vote_total, contract.vote_attending, contract.vote_approving = (
                total,
                attending,
                approving,
            )
            contract.ratified_on = (
                _day(data, "ratified_on") if data.get("ratified_on") else timezone.localdate()
            )
            note = f"{approving}/{attending}/{total}"
        elif action == "sign":
            contract.signed_on = _day(data, "signed_on", not_before=contract.ratified_on)
            contract.file_by = file_deadline(contract.signed_on)
        elif action == "file":
            contract.filed_on = _day(data, "filed_on", not_before=contract.signed_on)
            contract.effective_on = contract.filed_on + timedelta(days=OBJECTION_DAYS)
        contract.status = tr.target
        contract.save()
        _event(contract, action, actor=actor, from_status=from_status, note=note)
        audit.record(
            f"contract.{action}", actor=actor, obj=contract, org=contract.org, request=request
        )
    return contract


def deadlines(contract: CollectiveContract, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    out: dict = {"ends_on": contract.ends_on, "renewal_from": _months_before(contract.ends_on, 3)}
    if contract.file_by:
        out["file_by"] = contract.file_by
        out["file_overdue"] = contract.filed_on is None and today > contract.file_by
    if contract.effective_on:
        out["effective_on"] = contract.effective_on
    out["expired_unrenewed"] = contract.status == ContractStatus.EXPIRED
    return out


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def covering_contracts(enterprise: Enterprise, today: date | None = None):
    """Regional and industry contracts in force that cover the enterprise: the street's or
    its area union's regional contract; the industry contract of its district and sector
    (or of the industry union it belongs to)."""
    today = today or timezone.localdate()
    base = CollectiveContract.objects.filter(
        status__in=IN_FORCE, starts_on__lte=today, ends_on__gte=today
    )
    q = Q(scope=Scope.REGIONAL, org_id=enterprise.street_id)
    if enterprise.union_id:
        q |= Q(scope__in=[Scope.REGIONAL, Scope.INDUSTRY], org_id=enterprise.union_id)
    district = enterprise.street.parent
    if district is not None:
        q |= Q(
            scope=Scope.INDUSTRY, industry=enterprise.industry, org_path__startswith=district.path
        )
    return base.filter(q)


def warnings(contract: CollectiveContract) -> list[dict]:
    """Return the coded numbers that fall below the law or a covering contract."""
    found = []
    floor = contract.wage_floor
    minimum = minimum_wage(contract.org)
    if floor is not None and floor < minimum:
        found.append(
            {
                "code": "below_minimum_wage",
                "detail": _("工资标准%(floor)s元低于本市最低工资标准%(min)s元。")
                % {"floor": floor, "min": minimum},
            }
        )
    if contract.scope == Scope.ENTERPRISE and contract.enterprise_id and floor is not None:
        for other in covering_contracts(contract.enterprise).exclude(pk=contract.pk):
            if other.wage_floor is not None and floor < other.wage_floor:
                found.append(
                    {
                        "code": "below_covering_contract",
                        "detail": _("工资标准低于覆盖本企业的《%(title)s》约定的%(floor)s元。")
                        % {"title": other.title, "floor": other.wage_floor},
                        "contract_id": other.pk,
                    }
                )
    if contract.weekly_hours is not None and contract.weekly_hours > 40:
        found.append({"code": "hours_over_40", "detail": _("周工作时间超过40小时的国家标准。")})
    return found


# --- the sweep -----------------------------------------------------------------------------


def _notify(contract: CollectiveContract, text: str) -> None:
    users = set(
        StaffRole.objects.filter(
            org_id=contract.org_id, role__in=[Role.HANDLER, Role.SUPERVISOR]
        ).values_list("user_id", flat=True)
    )
    if contract.created_by_id:
        users.add(contract.created_by_id)
    Notice.objects.bulk_create(
        [Notice(user_id=u, text=text[:300], url="/console/rights/") for u in users]
    )


def run_clocks(today: date | None = None) -> int:
    """Move filed contracts into effect, expire the unrenewed, send each expiry reminder
    once and flag overdue filings once. Returns how many things were done."""
    today = today or timezone.localdate()
    done = 0
    for pk in CollectiveContract.objects.filter(
        status=ContractStatus.FILED, effective_on__lte=today
    ).values_list("pk", flat=True)[:2000]:
        done += _system_step(pk, "effect", ContractStatus.FILED)
    for pk in CollectiveContract.objects.filter(
        status=ContractStatus.EFFECTIVE, ends_on__lt=today
    ).values_list("pk", flat=True)[:2000]:
        if _system_step(pk, "expire", ContractStatus.EFFECTIVE):
            done += 1
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    for pk in CollectiveContract.objects.filter(
        status__in=IN_FORCE, ends_on__gte=today, ends_on__lte=horizon
    ).values_list("pk", flat=True)[:5000]:
        done += _remind(pk, today)
    overdue = CollectiveContract.objects.filter(
        status=ContractStatus.SIGNED, file_by__lt=today, file_overdue_flagged_at__isnull=True
    ).values_list("pk", flat=True)[:2000]
    for pk in overdue:
        with transaction.atomic():
            if CollectiveContract.objects.filter(
                pk=pk, file_overdue_flagged_at__isnull=True
            ).update(file_overdue_flagged_at=timezone.now()):
                c = CollectiveContract.objects.get(pk=pk)
                _notify(
                    c,
                    _("集体合同逾期未备案：%(title)s（应于%(day)s前备案）")
                    % {"title": c.title[:150], "day": c.file_by.isoformat()},
                )
                done += 1
    return done


def _system_step(pk: int, action: str, status: str) -> int:
    with transaction.atomic():
        contract = (
            CollectiveContract.objects.select_for_update().filter(pk=pk, status=status).first()
        )
        if contract is None:
            return 0
        tr = CONTRACT.check(contract, action, None)
        contract.status = tr.target
        contract.save(update_fields=["status"])
        _event(contract, action, from_status=status)
        if action == "expire":
            _notify(contract, _("集体合同到期未续签：%(title)s") % {"title": contract.title[:150]})
    return 1


def _remind(pk: int, today: date) -> int:
    """Send the reminder due now (the nearest threshold reached), once; the earlier,
    larger thresholds count as sent too (a contract recorded late gets one reminder)."""
    with transaction.atomic():
        contract = CollectiveContract.objects.select_for_update().get(pk=pk)
        left = (contract.ends_on - today).days
        reached = [d for d in REMINDER_DAYS if left <= d]
        if not reached or min(reached) in contract.reminders_sent:
            return 0
        contract.reminders_sent = sorted(set(contract.reminders_sent) | set(reached), reverse=True)
        contract.save(update_fields=["reminders_sent"])
        _notify(
            contract,
            _(
                "集体合同将于%(day)s到期（还有%(left)d天），请在期满前三个月内提出续订（第四十三条）。"
            )
            % {"day": contract.ends_on.isoformat(), "left": left},
        )
        _event(contract, "reminder", note=str(min(reached)))
    return 1
