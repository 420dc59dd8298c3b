"""Every write to organising: founding cases (建会) step by step, meetings, and the
hand-reported progress of drive-plan tasks. Each writes the audit log in its transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict, Forbidden
from gonghui.members import workflow
from gonghui.members.choices import FoundingStep, MeetingKind
from gonghui.members.models import DriveTask, FoundingCase, FoundingStepRecord, Meeting
from gonghui.members.services import today
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import create_org


def unorganised_enterprises(principal) -> QuerySet[Enterprise]:
    """Enterprises in the principal's streets that no union covers yet."""
    return (
        access.scoped(Enterprise.objects.filter(union__isnull=True), principal, "street__path")
        .select_related("street")
        .defer("street__boundary")
    )


def _owner(owner: str) -> str:
    owner = " ".join((owner or "").split())
    if not owner:
        raise ValidationError(_("请填写负责人。"), code="owner_required")
    return owner[:60]


def open_case(
    enterprise: Enterprise, *, owner: str, actor, note: str = "", on: date | None = None
) -> FoundingCase:
    """Open a founding case at the enterprise's street; the first step is contact."""
    owner = _owner(owner)
    if enterprise.union_id is not None:
        raise Conflict(_("该企业已有工会覆盖，不需要建会。"), code="already_covered")
    street = enterprise.street
    if not (access.roles_over(actor, street) & workflow.ORGANISERS):
        raise access_denied()
    on = on or today()
    try:
        with transaction.atomic():
            case = FoundingCase.objects.create(
                enterprise=enterprise, org=street, owner=owner, opened_on=on
            )
            FoundingStepRecord.objects.create(
                case=case,
                step=FoundingStep.CONTACT,
                done_on=on,
                owner=owner,
                note=note[:300],
                recorded_by=actor,
            )
            audit.record("founding.open", actor=actor, obj=case)
    except IntegrityError as exc:
        raise Conflict(_("该企业已有一个正在办理的建会案例。"), code="case_open") from exc
    return case


def access_denied() -> Forbidden:
    return Forbidden(_("您的岗位不能进行此操作。"), code="forbidden_role")


def advance(
    case: FoundingCase,
    action: str,
    *,
    actor,
    owner: str,
    done_on: date | None = None,
    note: str = "",
    union_name: str = "",
) -> FoundingCase:
    """Record the next step; ``approve`` (the upper union's approval) creates the union."""
    if action not in workflow.FOUNDING:
        raise Conflict(_("未知的操作。"), code="unknown_action")
    owner = _owner(owner)
    done_on = done_on or today()
    with transaction.atomic():
        case = (
            FoundingCase.objects.select_for_update(of=("self",))
            .select_related("enterprise", "org")
            .get(pk=case.pk)
        )
        workflow.FOUNDING.check(case, action, actor)
        last = case.steps.order_by("-done_on").values_list("done_on", flat=True).first()
        if last is not None and done_on < last:
            raise ValidationError(_("日期不能早于上一步骤。"), code="invalid_date")
        target = workflow.FOUNDING[action].target
        if action == "approve":
            enterprise = Enterprise.objects.select_for_update().get(pk=case.enterprise_id)
            if enterprise.union_id is not None:
                raise Conflict(_("该企业已有工会覆盖。"), code="already_covered")
            name = " ".join((union_name or "").split()) or f"{enterprise.name}工会委员会"
            union = create_org(
                name=name[:120], kind=OrgKind.GRASSROOTS, parent=case.org, actor=actor
            )
            enterprise.union = union
            enterprise.save(update_fields=["union"])
            case.union = union
            case.approved_on = done_on
        case.step = target
        case.save(update_fields=["step", "union", "approved_on"])
        FoundingStepRecord.objects.create(
            case=case, step=target, done_on=done_on, owner=owner, note=note[:300], recorded_by=actor
        )
        audit.record(f"founding.{action}", actor=actor, obj=case)
    return case


def record_meeting(
    *,
    kind: str,
    held_on: date,
    place: str,
    org: Org,
    enterprises: list[Enterprise],
    attendance: int,
    members_recruited: int = 0,
    unions_founded: int = 0,
    outcomes: str = "",
    actor,
) -> Meeting:
    if kind not in MeetingKind.values:
        raise ValidationError(_("请选择会议类型。"), code="invalid_kind")
    place = " ".join((place or "").split())
    if not place:
        raise ValidationError(_("请填写地点。"), code="place_required")
    if held_on > today():
        raise ValidationError(_("会议日期不能晚于今天。"), code="invalid_date")
    if min(attendance, members_recruited, unions_founded) < 0:
        raise ValidationError(_("人数不能为负数。"), code="invalid_number")
    if not (access.roles_over(actor, org) & workflow.ORGANISERS):
        raise access_denied()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            held_on=held_on,
            place=place[:150],
            org=org,
            attendance=attendance,
            members_recruited=members_recruited,
            unions_founded=unions_founded,
            outcomes=outcomes[:4000],
        )
        meeting.enterprises.set(enterprises)
        audit.record("meeting.create", actor=actor, obj=meeting)
    return meeting


def report_progress(task: DriveTask, *, value: int, actor) -> DriveTask:
    """The owner reports a task's progress by hand (for figures the platform does not hold)."""
    if value < 0:
        raise ValidationError(_("进度不能为负数。"), code="invalid_number")
    with transaction.atomic():
        task = DriveTask.objects.select_for_update().select_related("plan__org").get(pk=task.pk)
        if not (access.roles_over(actor, task.plan.org) & workflow.ORGANISERS):
            raise access_denied()
        task.reported = value
        task.reported_at = timezone.now()
        task.save(update_fields=["reported", "reported_at"])
        audit.record("drive.report", actor=actor, obj=task, org=task.plan.org, value=value)
    return task
