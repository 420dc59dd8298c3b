"""Every write to an early warning: raising it from a detector's finding, the workflow
open → studied (会商研判) → acted (联动处置) → closed, and the overdue sweep."""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals.choices import Category, Urgency
from gonghui.appeals.models import Appeal
from gonghui.core import audit
from gonghui.core.errors import UnknownAction
from gonghui.core.models import Notice
from gonghui.core.text import words
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Enterprise, Org, StaffRole
from gonghui.warnings import detectors, workflow
from gonghui.warnings.access import access_warning as access_warning  # re-exported
from gonghui.warnings.access import can_act as can_act
from gonghui.warnings.access import visible_warnings as visible_warnings
from gonghui.warnings.choices import Level, WarningKind, WarningStatus
from gonghui.warnings.models import DetectorRun, EarlyWarning, WarningEvent

LEVEL_ORDER = {Level.YELLOW: 0, Level.ORANGE: 1, Level.RED: 2}
DUE_HOURS = {Level.RED: 24, Level.ORANGE: 72, Level.YELLOW: 120}


def employer_key(enterprise_id: int | None, name: str) -> str:
    if enterprise_id:
        return f"e{enterprise_id}"
    name = re.sub(r"^(北京市|北京)", "", (name or "").strip())
    return f"n:{name}" if name else ""


def items_since(since: datetime) -> list[detectors.Item]:
    """Return the detector items of every appeal received since ``since``."""
    rows = Appeal.objects.filter(created_at__gt=since).values_list(
        "id",
        "created_at",
        "category",
        "district_id",
        "street_id",
        "enterprise_id",
        "employer_name",
        "text",
        "urgency",
    )
    return [
        detectors.Item(
            id=pk,
            at=at,
            category=category,
            district_id=district,
            street_id=street,
            employer=employer_key(enterprise, employer_name),
            words=frozenset(words(text[:500])),
            urgent=urgency == Urgency.URGENT,
        )
        for pk, at, category, district, street, enterprise, employer_name, text, urgency in rows
    ]


def _route(finding: detectors.Finding) -> tuple[Org, Enterprise | None]:
    from gonghui.appeals import routing

    enterprise = None
    if finding.employer.startswith("e"):
        enterprise = (
            Enterprise.objects.select_related("union", "street")
            .filter(pk=int(finding.employer[1:]))
            .first()
        )
    street = Org.objects.filter(pk=finding.street_id).first() if finding.street_id else None
    district = Org.objects.filter(pk=finding.district_id).first() if finding.district_id else None
    if finding.kind == WarningKind.AREA_SURGE:
        return (street or district), None
    route = routing.route(
        category=finding.category or Category.OTHER,
        enterprise=enterprise,
        street=street,
        district=district,
    )
    return (route.assigned_org or route.dispatcher_org), enterprise


def _title(finding: detectors.Finding, enterprise, org: Org, appeals: list[Appeal]) -> str:
    n = finding.stats.get("count", len(finding.evidence))
    category = Category(finding.category).label if finding.category in Category.values else ""
    if finding.kind == WarningKind.EMPLOYER_CLUSTER:
        name = enterprise.name if enterprise else finding.employer.removeprefix("n:")
        return _("%(employer)s：%(days)d天内%(n)d件%(category)s诉求") % {
            "employer": name,
            "days": finding.stats.get("window_days", 7),
            "n": n,
            "category": category,
        }
    if finding.kind == WarningKind.AREA_SURGE:
        return _("%(area)s%(category)s诉求激增：24小时%(n)d件") % {
            "area": org.display_name,
            "category": category,
            "n": n,
        }
    return _("热词“%(term)s”突增：24小时%(n)d件诉求") % {"term": finding.term, "n": n}


def _notify(org: Org, text: str, url: str) -> None:
    users = (
        StaffRole.objects.filter(org=org, role__in=[Role.DISPATCHER, Role.SUPERVISOR])
        .values_list("user_id", flat=True)
        .distinct()
    )
    Notice.objects.bulk_create([Notice(user_id=u, text=text[:300], url=url) for u in users])


def raise_finding(
    finding: detectors.Finding,
    *,
    now: datetime | None = None,
    org: Org | None = None,
    title: str | None = None,
) -> tuple[EarlyWarning, bool]:
    """Store a finding: a new warning, or new evidence on the open one of its subject.

    ``org`` and ``title`` are for callers that know both already (a collective labour
    dispute is the district's at once, rights/services.py); detectors leave them out."""
    now = now or timezone.now()
    if org is None:
        org, enterprise = _route(finding)
    else:
        enterprise = None
        if finding.employer.startswith("e"):
            enterprise = Enterprise.objects.filter(pk=int(finding.employer[1:])).first()
    if org is None:
        org = Org.objects.get(kind=OrgKind.CITY)
    appeals = list(Appeal.objects.filter(pk__in=finding.evidence))
    with transaction.atomic():
        warning = (
            EarlyWarning.objects.select_for_update()
            .filter(subject=finding.subject)
            .exclude(status=WarningStatus.CLOSED)
            .first()
        )
        created = warning is None
        if created:
            try:
                with transaction.atomic():
                    warning = EarlyWarning.objects.create(
                        kind=finding.kind,
                        subject=finding.subject,
                        level=finding.level,
                        title=(title or _title(finding, enterprise, org, appeals))[:200],
                        org=org,
                        district_id=finding.district_id,
                        enterprise=enterprise,
                        category=finding.category,
                        term=finding.term[:40],
                        stats=finding.stats,
                        due_at=now + timedelta(hours=DUE_HOURS[finding.level]),
                    )
            except IntegrityError:  # another worker raised it meanwhile
                warning = EarlyWarning.objects.exclude(status=WarningStatus.CLOSED).get(
                    subject=finding.subject
                )
                created = False
        if created:
            WarningEvent.objects.create(
                warning=warning, actor_label="system", action="raise", note=warning.title
            )
            _notify(
                org,
                _("新预警：%(title)s") % {"title": warning.title},
                f"/console/warnings/{warning.pk}/",
            )
            audit.record("warning.raise", actor_label="system", obj=warning)
        else:
            if LEVEL_ORDER[finding.level] > LEVEL_ORDER[warning.level]:
                warning.level = finding.level
            warning.stats = {**warning.stats, **finding.stats}
            warning.save(update_fields=["level", "stats", "updated_at"])
        warning.evidence.add(*appeals)
    return warning, created


def run_detectors(*, now: datetime | None = None, force: bool = False) -> int:
    """Run the detectors over recent appeals (at most once per interval across workers)."""
    now = now or timezone.now()
    cfg = detectors.config()
    interval = timedelta(minutes=cfg.get("interval_minutes", 60))
    if not force:
        DetectorRun.objects.get_or_create(
            name="warnings", defaults={"last_run": now - 2 * interval}
        )
        won = DetectorRun.objects.filter(name="warnings", last_run__lte=now - interval).update(
            last_run=now
        )
        if not won:
            return 0
    span = cfg["employer_window_days"] + cfg["baseline_days"] + 1
    items = items_since(now - timedelta(days=span))
    created = 0
    for finding in detectors.detect(items, now, cfg):
        _warning, was_created = raise_finding(finding, now=now)
        created += was_created
    return created


def mark_overdue(*, now: datetime | None = None) -> int:
    """Flag and supervise warnings not acted on by their due time (claimed once)."""
    now = now or timezone.now()
    pending = EarlyWarning.objects.filter(
        overdue=False, due_at__lt=now, status__in=[WarningStatus.OPEN, WarningStatus.STUDIED]
    )
    flagged = 0
    for pk in list(pending.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            won = pending.filter(pk=pk).update(overdue=True, supervised=True)
            if not won:
                continue
            warning = EarlyWarning.objects.select_related("org").get(pk=pk)
            WarningEvent.objects.create(
                warning=warning, actor_label="system", action="overdue", note=_("超过处置时限")
            )
            parent = warning.org.parent or warning.org
            _notify(
                parent,
                _("预警超时督办：%(title)s") % {"title": warning.title},
                f"/console/warnings/{warning.pk}/",
            )
            flagged += 1
    return flagged


# --- access and workflow -----------------------------------------------------------------


def act(
    warning: EarlyWarning,
    action: str,
    *,
    actor,
    note: str = "",
    invited_org_ids: list[int] | None = None,
    request=None,
) -> EarlyWarning:
    """Move a warning one step of its workflow; the note is required at every step."""
    if action not in workflow.WORKFLOW:
        raise UnknownAction(_("未知的操作。"), code="unknown_action")
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写研判意见或处置情况。"), code="note_required")
    with transaction.atomic():
        warning = EarlyWarning.objects.select_for_update().select_related("org").get(pk=warning.pk)
        target = workflow.WORKFLOW.check(warning, action, actor).target
        invited = []
        if action == "study":
            for pk in invited_org_ids or []:
                try:
                    invited.append(access.get_org_for(actor, pk))
                except Http404 as exc:
                    raise ValidationError(
                        _("参与会商的单位不存在或不在您的辖区内。"), code="invalid_org"
                    ) from exc
            warning.study_notes = note[:4000]
        elif action == "act":
            warning.action_taken = note[:4000]
        else:
            warning.close_note = note[:4000]
        warning.status = target
        warning.save(
            update_fields=["status", "study_notes", "action_taken", "close_note", "updated_at"]
        )
        if invited:
            warning.invited_orgs.add(*invited)
        WarningEvent.objects.create(
            warning=warning, actor=actor, actor_label=actor.get_username(), action=action, note=note
        )
        audit.record(f"warning.{action}", actor=actor, obj=warning, request=request)
    return warning
