"""Every write to a legal health check: starting one, the answers (from the chair's
signed link or from staff), the steps of its workflow, the findings made on
verification, their follow-ups, and the overdue sweep. Each runs in one transaction
with its timeline line and audit event."""

import secrets
from datetime import date, datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict, Forbidden
from gonghui.core.models import Notice
from gonghui.core.workflow import roles_at
from gonghui.orgs.choices import Role
from gonghui.orgs.models import Enterprise, StaffRole
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.choices import CheckStatus, FindingStatus, Result, Stage
from gonghui.rights.health.models import (
    Checklist,
    Finding,
    FollowUp,
    HealthAnswer,
    HealthCheck,
    HealthCheckEvent,
)
from gonghui.rights.health.workflow import HEALTH_CHECK, STAFF

LINK_SALT = "rights.health.self-assessment"
LINK_MAX_AGE = 90 * 86400  # a quarter: the chair's link stops working after that
MAX_NOTE = 2000
# Who may write answers at each status, and as which stage (the workflow's org names).
ANSWER_STAGES = {
    CheckStatus.SELF_ASSESSMENT: (Stage.SELF, "street"),
    CheckStatus.SUBMITTED: (Stage.REVIEW, "street"),
    CheckStatus.REVIEWED: (Stage.VERIFY, "district"),
}


def invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def current_checklist() -> Checklist:
    """Return the checklist of the current data file, stored on first use."""
    data = cl.read_file()
    found = Checklist.objects.filter(version=data["version"]).first()
    if found is not None:
        return found
    found, _created = Checklist.objects.get_or_create(
        version=data["version"], defaults={"title": data["title"], "tree": data}
    )
    return found


def _event(hc: HealthCheck, action: str, *, actor=None, label: str = "", from_status="", note=""):
    if actor is not None and not label:
        label = actor.get_username()
    HealthCheckEvent.objects.create(
        health_check=hc,
        at=timezone.now(),
        action=action,
        actor=actor,
        actor_label=label[:100],
        from_status=from_status,
        to_status=hc.status,
        note=note,
    )


def _require(actor, org, message: str) -> None:
    if not roles_at(actor, org) & STAFF:
        raise Forbidden(message, code="forbidden_role")


def create(
    enterprise: Enterprise, *, actor, chair_name: str = "", request=None, year: int | None = None
) -> HealthCheck:
    """Start a health check of an enterprise, by its street union or above (one open
    check per enterprise at a time)."""
    street = enterprise.street
    _require(actor, street, _("只有企业所在街道及以上工会可以发起法治体检。"))
    if len(chair_name) > 40:
        raise invalid("chair_name", _("姓名过长。"), "invalid_name")
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).exists()
        if (
            HealthCheck.objects.filter(enterprise=enterprise)
            .exclude(status=CheckStatus.CLOSED)
            .exists()
        ):
            raise Conflict(_("该企业有尚未结束的法治体检。"), code="check_open")
        hc = HealthCheck.objects.create(
            enterprise=enterprise,
            checklist=current_checklist(),
            street=street,
            district=street.parent,
            org_path=street.path,
            year=year or timezone.localdate().year,
            link_nonce=secrets.token_hex(8),
            chair_name=chair_name.strip(),
            created_by=actor,
        )
        _event(hc, "create", actor=actor)
        audit.record("health_check.create", actor=actor, obj=hc, request=request)
    return hc


# --- the chair's signed link ---------------------------------------------------------------


def link_token(hc: HealthCheck) -> str:
    return signing.dumps({"h": hc.pk, "n": hc.link_nonce}, salt=LINK_SALT, compress=True)


def check_from_token(token: str) -> HealthCheck | None:
    """Return the check a self-assessment link opens, or None (bad, old or revoked link)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
        hc = HealthCheck.objects.select_related("enterprise", "checklist", "street").get(
            pk=int(data["h"])
        )
    except (signing.BadSignature, HealthCheck.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    return hc if secrets.compare_digest(hc.link_nonce, str(data.get("n", ""))) else None


# --- answers -------------------------------------------------------------------------------


def _parse_answers(tree: dict, answers) -> list[dict]:
    known = cl.by_id(tree)
    if not isinstance(answers, list) or not answers:
        raise invalid("answers", _("请至少填写一项检查结果。"), "answers_missing")
    parsed: dict[str, dict] = {}
    for row in answers:
        if not isinstance(row, dict):
            raise invalid("answers", _("检查结果格式不正确。"), "invalid_answer")
        check_id = row.get("check_id")
        if check_id not in known:
            raise invalid(
                "answers", _("没有这个检查项：%(id)s") % {"id": check_id}, "unknown_check"
            )
        result = row.get("result")
        if result not in Result.values:
            raise invalid("answers", _("检查结果只能是符合、不符合或不适用。"), "invalid_result")
        note = row.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise invalid("answers", _("说明不能超过2000字。"), "note_too_long")
        if result == Result.FAIL and not note.strip() and row.get("evidence") is None:
            note = ""
        parsed[check_id] = {"result": result, "note": note.strip(), "evidence": row.get("evidence")}
    return [{"check_id": k, **v} for k, v in parsed.items()]


def save_answers(hc: HealthCheck, answers, *, actor=None, via_link: bool = False, request=None):
    """Record answers for the stage the check is at: the chair (through the link) or the
    street during self-assessment, the street on review, the district on verification.
    A later stage's answer replaces the earlier one; score and risk follow."""
    with transaction.atomic():
        hc = (
            HealthCheck.objects.select_for_update(of=("self",))
            .select_related("checklist", "street", "district")
            .get(pk=hc.pk)
        )
        if hc.status not in ANSWER_STAGES:
            raise Conflict(_("该体检已核验，不能再修改检查结果。"), code="answers_closed")
        stage, where = ANSWER_STAGES[hc.status]
        if via_link:
            if hc.status != CheckStatus.SELF_ASSESSMENT:
                raise Conflict(_("自查已提交，不能再修改。"), code="answers_closed")
        else:
            org = hc.street if where == "street" else hc.district
            _require(actor, org, _("您的岗位不能填报这一环节的检查结果。"))
        rows = _parse_answers(hc.checklist.tree, answers)
        now = timezone.now()
        for row in rows:
            defaults = {
                "result": row["result"],
                "note": row["note"],
                "stage": stage,
                "answered_by": None if via_link else actor,
                "answered_at": now,
            }
            answer, _created = HealthAnswer.objects.update_or_create(
                health_check=hc, check_id=row["check_id"], defaults=defaults
            )
            if row["evidence"] is not None:
                answer.evidence.save(row["evidence"].name, row["evidence"], save=True)
        _rescore(hc)
        label = (hc.chair_name or _("企业工会主席")) if via_link else ""
        _event(hc, "answers", actor=None if via_link else actor, label=label, note=str(len(rows)))
        audit.record(
            "health_check.answers",
            actor=None if via_link else actor,
            actor_label=label,
            obj=hc,
            request=request,
            count=len(rows),
            stage=stage,
        )
    return hc


def results_of(hc: HealthCheck) -> dict[str, str]:
    return dict(hc.answers.values_list("check_id", "result"))


def _rescore(hc: HealthCheck) -> None:
    results = results_of(hc)
    tree = hc.checklist.tree
    hc.score = cl.score(tree, results)
    hc.risk = cl.risk(tree, results) if hc.score is not None else ""
    hc.save(update_fields=["score", "risk"])


# --- the workflow --------------------------------------------------------------------------


def act(hc: HealthCheck, action: str, *, actor=None, request=None, now=None, **data) -> HealthCheck:
    """Take one step: submit (all checks answered), return, review, verify (findings
    made from the failed checks; closed at once when there are none)."""
    HEALTH_CHECK[action]
    now = now or timezone.now()
    note = data.get("note") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise invalid("note", _("说明不能超过2000字。"), "note_too_long")
    with transaction.atomic():
        hc = (
            HealthCheck.objects.select_for_update(of=("self",))
            .select_related("checklist", "street", "district", "enterprise")
            .get(pk=hc.pk)
        )
        tr = HEALTH_CHECK.check(hc, action, actor)
        from_status = hc.status
        if action in ("submit", "self_submit"):
            missing = [
                c["id"] for c in cl.checks(hc.checklist.tree) if c["id"] not in results_of(hc)
            ]
            if missing:
                raise invalid(
                    "answers",
                    _("还有%(n)d项检查未填写，全部填写后才能提交。") % {"n": len(missing)},
                    "answers_incomplete",
                )
            hc.submitted_at = now
        elif action == "return":
            if not note.strip():
                raise invalid("note", _("请写明退回的原因。"), "reason_required")
        elif action == "review":
            hc.reviewed_at, hc.reviewed_by = now, actor
        elif action == "verify":
            hc.verified_at = now
        hc.status = tr.target
        hc.save()
        label = (hc.chair_name or _("企业工会主席")) if action == "self_submit" else ""
        _event(
            hc,
            action,
            actor=actor if action != "self_submit" else None,
            label=label,
            from_status=from_status,
            note=note.strip(),
        )
        if action == "verify":
            made = _make_findings(hc, now=now)
            if not made:
                _close(hc, now=now)
        audit.record(
            f"health_check.{action}",
            actor=actor if action != "self_submit" else None,
            actor_label=label,
            obj=hc,
            request=request,
        )
    return hc


def _make_findings(hc: HealthCheck, *, now: datetime) -> int:
    tree = hc.checklist.tree
    failed = set(hc.answers.filter(result=Result.FAIL).values_list("check_id", flat=True))
    today = timezone.localtime(now).date()
    owner = hc.reviewed_by
    rows = [
        Finding(
            health_check=hc,
            check_id=c["id"],
            text=c["text"][:300],
            advice=c.get("advice", ""),
            due=today + timedelta(days=int(c.get("rectify_days", 30))),
            owner=owner,
        )
        for c in cl.checks(tree)
        if c["id"] in failed
    ]
    Finding.objects.bulk_create(rows)
    return len(rows)


def _close(hc: HealthCheck, *, now: datetime) -> None:
    tr = HEALTH_CHECK.check(hc, "close", None)
    from_status = hc.status
    hc.status, hc.closed_at = tr.target, now
    hc.save(update_fields=["status", "closed_at"])
    _event(hc, "close", label=_("系统"), from_status=from_status)


def follow_up(
    finding: Finding,
    *,
    actor,
    note: str,
    closed: bool = False,
    visited_on: date | None = None,
    request=None,
) -> FollowUp:
    """Record a follow-up visit to a finding; the last finding closed ends the check."""
    if not isinstance(note, str) or not note.strip():
        raise invalid("note", _("请填写回访情况。"), "note_required")
    if len(note) > MAX_NOTE:
        raise invalid("note", _("说明不能超过2000字。"), "note_too_long")
    today = timezone.localdate()
    visited_on = visited_on or today
    if visited_on > today:
        raise invalid("visited_on", _("回访日期不能晚于今天。"), "invalid_date")
    with transaction.atomic():
        hc = (
            HealthCheck.objects.select_for_update(of=("self",))
            .select_related("street", "district")
            .get(pk=finding.health_check_id)
        )
        _require(actor, hc.street, _("只有企业所在街道及以上工会可以记录整改回访。"))
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.OPEN or hc.status != CheckStatus.VERIFIED:
            raise Conflict(_("该问题已整改完毕。"), code="finding_closed")
        visit = FollowUp.objects.create(
            finding=finding, visited_on=visited_on, note=note.strip(), closed=closed, actor=actor
        )
        if closed:
            finding.status, finding.closed_at = FindingStatus.CLOSED, timezone.now()
            finding.save(update_fields=["status", "closed_at"])
        _event(hc, "follow_up", actor=actor, note=f"{finding.check_id}: {note.strip()}"[:2000])
        audit.record(
            "health_check.follow_up",
            actor=actor,
            obj=hc,
            request=request,
            finding=finding.pk,
            closed=closed,
        )
        if closed and not hc.findings.filter(status=FindingStatus.OPEN).exists():
            _close(hc, now=timezone.now())
    return visit


# --- the sweep -----------------------------------------------------------------------------


def flag_overdue(today: date | None = None) -> int:
    """Flag open findings past their deadline, once each (claimed by a conditional
    update), with a console notice to the officer following them up (else the street's
    handlers). Returns how many were flagged."""
    today = today or timezone.localdate()
    flagged = 0
    candidates = list(
        Finding.objects.filter(
            status=FindingStatus.OPEN, due__lt=today, overdue_flagged_at__isnull=True
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in candidates:
        with transaction.atomic():
            claimed = Finding.objects.filter(pk=pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=timezone.now()
            )
            if not claimed:
                continue
            finding = Finding.objects.select_related("health_check__enterprise").get(pk=pk)
            hc = finding.health_check
            users = (
                {finding.owner_id}
                if finding.owner_id
                else set(
                    StaffRole.objects.filter(
                        org_id=hc.street_id, role__in=[Role.HANDLER, Role.SUPERVISOR]
                    ).values_list("user_id", flat=True)
                )
            )
            text = _("法治体检问题逾期未整改：%(ent)s（%(due)s到期）") % {
                "ent": hc.enterprise.name[:120],
                "due": finding.due.isoformat(),
            }
            Notice.objects.bulk_create(
                [
                    Notice(
                        user_id=u, text=text[:300], url=f"/console/rights/health-checks/{hc.pk}/"
                    )
                    for u in users
                ]
            )
            flagged += 1
    return flagged
