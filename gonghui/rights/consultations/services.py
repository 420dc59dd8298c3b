"""Every write to platform consultation: a mechanism, a meeting with its agreed items,
an item done, an item reported back to the workers. Each audited in its transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict, Forbidden
from gonghui.core.workflow import roles_at
from gonghui.orgs.choices import Role
from gonghui.rights.consultations.models import AgreedItem, Mechanism, Meeting

STAFF = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
SIDES = ("workers", "platform", "union")


def invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _require(actor, org) -> None:
    if not roles_at(actor, org) & STAFF:
        raise Forbidden(_("您的岗位不能办理该工会的平台协商。"), code="forbidden_role")


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None or len(text) > limit or (required and not text):
        raise invalid(
            field,
            _("请填写%(field)s（%(limit)d字以内）。") % {"field": field, "limit": limit},
            "invalid_text",
        )
    return text


def create_mechanism(*, platform: str, name: str, org, actor, request=None) -> Mechanism:
    _require(actor, org)
    platform = _text(platform, "platform", 100)
    name = _text(name, "name", 150)
    with transaction.atomic():
        if Mechanism.objects.filter(platform=platform, org=org).exists():
            raise Conflict(_("该工会与此平台企业已建立协商机制。"), code="mechanism_exists")
        mech = Mechanism.objects.create(
            platform=platform, name=name, org=org, org_path=org.path, created_by=actor
        )
        audit.record("consultation.mechanism", actor=actor, obj=mech, org=org, request=request)
    return mech


def record_meeting(
    mech: Mechanism,
    *,
    held_on: date,
    place: str,
    attendees: list,
    summary: str,
    items: list,
    actor,
    request=None,
) -> Meeting:
    """Record a meeting with its attendees (each side present) and its agreed items."""
    _require(actor, mech.org)
    if held_on > timezone.localdate():
        raise invalid("held_on", _("召开日期不能晚于今天。"), "invalid_date")
    people = []
    for a in attendees or []:
        side = a.get("side")
        if side not in SIDES:
            raise invalid("attendees", _("参会方只能是职工代表、平台企业或工会。"), "invalid_side")
        people.append({"side": side, "name": _text(a.get("name"), "attendees", 60)})
    missing = set(SIDES) - {p["side"] for p in people}
    if missing:
        raise invalid(
            "attendees", _("恳谈会须有职工代表、平台企业和工会三方参加。"), "sides_missing"
        )
    rows = []
    for it in items or []:
        due = it.get("due")
        if not isinstance(due, date) or due < held_on:
            raise invalid("items", _("议定事项须有不早于会议日期的完成期限。"), "invalid_due")
        rows.append(
            {
                "text": _text(it.get("text"), "items", 500),
                "owner": _text(it.get("owner"), "items", 100),
                "due": due,
                "appeal": it.get("appeal"),
                "warning": it.get("warning"),
            }
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            mechanism=mech,
            held_on=held_on,
            place=_text(place, "place", 200, required=False),
            attendees=people,
            summary=_text(summary, "summary", 8000, required=False),
            created_by=actor,
        )
        AgreedItem.objects.bulk_create(
            [AgreedItem(meeting=meeting, org_path=mech.org_path, **r) for r in rows]
        )
        audit.record(
            "consultation.meeting",
            actor=actor,
            obj=mech,
            org=mech.org,
            request=request,
            items=len(rows),
        )
    return meeting


def complete_item(item: AgreedItem, *, note: str, actor, request=None) -> AgreedItem:
    org = item.meeting.mechanism.org
    _require(actor, org)
    note = _text(note, "note", 2000)
    with transaction.atomic():
        item = AgreedItem.objects.select_for_update().get(pk=item.pk)
        if item.done_on:
            raise Conflict(_("该事项已落实。"), code="already_done")
        item.done_on, item.done_note = timezone.localdate(), note
        item.save(update_fields=["done_on", "done_note"])
        audit.record(
            "consultation.item_done",
            actor=actor,
            obj=item.meeting.mechanism,
            org=org,
            request=request,
            item=item.pk,
        )
    return item


def report_back(item: AgreedItem, *, note: str, actor, request=None) -> AgreedItem:
    """Record that the workers were told how the item ended (only once it is done)."""
    org = item.meeting.mechanism.org
    _require(actor, org)
    note = _text(note, "note", 2000)
    with transaction.atomic():
        item = AgreedItem.objects.select_for_update().get(pk=item.pk)
        if not item.done_on:
            raise Conflict(_("事项落实后才能向职工反馈。"), code="not_done")
        if item.reported_on:
            raise Conflict(_("已向职工反馈。"), code="already_reported")
        item.reported_on, item.report_note = timezone.localdate(), note
        item.save(update_fields=["reported_on", "report_note"])
        audit.record(
            "consultation.report_back",
            actor=actor,
            obj=item.meeting.mechanism,
            org=org,
            request=request,
            item=item.pk,
        )
    return item
