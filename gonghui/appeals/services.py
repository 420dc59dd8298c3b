"""Every write to an appeal after intake (``intake.py``): each transition of the state
machine, the evaluation, tracking and callbacks.

Each service runs in one transaction that locks the appeal row, checks the state
machine (409) and the actor's role (403), changes the appeal, writes its timeline
event and queues any notification through the outbox, and refreshes the roll-up.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals import deadlines, metrics, workflow
from gonghui.appeals.access import access_appeal as access_appeal  # re-exported
from gonghui.appeals.access import visible_appeals as visible_appeals
from gonghui.appeals.choices import (
    Category,
    ExtensionStatus,
    Kind,
    RouteReason,
    Satisfaction,
    Status,
)
from gonghui.appeals.models import Appeal, AppealEvent, CallbackTask, Extension
from gonghui.core import audit
from gonghui.core.errors import Conflict, UnknownAction
from gonghui.core.errors import Forbidden as Forbidden  # re-exported: callers catch it here
from gonghui.core.inputs import half_width
from gonghui.core.models import Notice
from gonghui.core.outbox import queue_sms
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Org, StaffRole
from gonghui.triage import services as triage


def __getattr__(name: str):
    """Intake moved to ``intake.py``; the names callers used here still resolve (a module
    attribute looked up lazily, because intake imports this module's helpers)."""
    if name in _INTAKE_NAMES:
        from gonghui.appeals import intake

        return getattr(intake, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_INTAKE_NAMES = {"Intake", "create_appeal", "next_ticket_no", "TEXT_MIN", "TEXT_MAX"}


# --- helpers -------------------------------------------------------------------------------


def _event(
    appeal,
    action,
    *,
    actor=None,
    actor_label="",
    from_status="",
    to_status="",
    note="",
    public=None,
    org=None,
    at=None,
    **data,
) -> AppealEvent:
    event = _event_row(
        appeal,
        action,
        actor=actor,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=public,
        org=org,
        **data,
    )
    event.save()
    if at is not None:  # history written with past timestamps (the demo): ``at`` is auto
        AppealEvent.objects.filter(pk=event.pk).update(at=at)
        event.at = at
    return event


def _event_row(
    appeal,
    action,
    *,
    actor=None,
    actor_label="",
    from_status="",
    to_status="",
    note="",
    public=None,
    org=None,
    **data,
) -> AppealEvent:
    """An unsaved timeline event (intake writes its two in one INSERT)."""
    if public is None:
        public = workflow.TRANSITIONS[action].public if action in workflow.TRANSITIONS else True
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AppealEvent(
        appeal=appeal,
        actor=actor,
        actor_label=actor_label[:100],
        action=action,
        from_status=from_status,
        to_status=to_status or appeal.status,
        note=note,
        public=public,
        org=org or appeal.assigned_org or appeal.dispatcher_org,
        data=data,
    )


def check_allowed(appeal: Appeal, action: str, actor) -> None:
    """Raise Conflict (409) if the status forbids the action, Forbidden (403) if the role
    does: the appeal's ``WORKFLOW`` table decides both."""
    workflow.WORKFLOW.check(appeal, action, actor)


def _target(action: str) -> str:
    """Return the status the table moves an appeal to by ``action``."""
    return workflow.TRANSITIONS[action].target


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _save(appeal: Appeal, *fields: str) -> None:
    appeal.save(update_fields=[*fields, "updated_at"])


def _notify_staff(org: Org | None, roles: set[str], text: str, url: str, *, above: bool = False):
    """Send a console notice to the staff holding ``roles`` at ``org`` (or, above=True, at
    its parent): one INSERT ... SELECT, whatever the number of recipients."""
    if org is None:
        return
    paths = access.ancestor_paths(org.path)
    # The org itself, or (above=True) its parent.
    paths = paths[-2:-1] if above else paths[-1:]
    if not paths or not roles:
        return
    roles = sorted(roles)
    notice, role, org_table = Notice._meta.db_table, StaffRole._meta.db_table, Org._meta.db_table
    # Only table names from the models and placeholders go into the text.
    sql = (
        f"INSERT INTO {notice} (user_id, text, url, created_at) "  # noqa: S608
        f"SELECT DISTINCT r.user_id, %s, %s, %s FROM {role} r "
        f"JOIN {org_table} o ON o.id = r.org_id "
        f"WHERE o.path IN ({', '.join(['%s'] * len(paths))}) "
        f"AND r.role IN ({', '.join(['%s'] * len(roles))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [text[:300], url, timezone.now(), *paths, *roles])


def _set_dispatched(appeal: Appeal, to_org: Org, now) -> None:
    """Set the fields of a dispatch to ``to_org`` at ``now`` (not saved: intake inserts
    the appeal already dispatched)."""
    due = deadlines.compute(now, urgency=appeal.urgency, category=appeal.category)
    appeal.status = _target("dispatch")
    appeal.assigned_org = to_org
    appeal.dispatched_at = now
    appeal.accept_by, appeal.contact_by, appeal.resolve_by = (
        due.accept_by,
        due.contact_by,
        due.resolve_by,
    )
    appeal.overdue_accept = appeal.overdue_contact = appeal.overdue_resolve = False


def _after_dispatch(appeal: Appeal, to_org: Org, old_keys) -> None:
    """Tell the new handlers and count the dispatch in the roll-up."""
    _notify_staff(
        to_org,
        {Role.HANDLER, Role.DISPATCHER},
        _("新派单：%(ticket)s，请在时限内签收。") % {"ticket": appeal.ticket_no},
        f"/console/appeals/{appeal.pk}/",
    )
    if not old_keys and appeal.contacted_at is None and appeal.evaluated_at is None:
        # Dispatching an unassigned, uncontacted appeal adds exactly one contact due and
        # nothing else: count it in place of a recount (tests and the benchmark compare
        # the roll-up with a recount).
        metrics.add_contact_due(to_org, timezone.localdate(appeal.contact_by))
    else:
        metrics.refresh(old_keys | metrics.keys_of(appeal))


def _dispatch(
    appeal: Appeal, to_org: Org, *, actor, actor_label: str = "", note: str = "", now=None
) -> None:
    at = now  # None: the present (events then keep their automatic time)
    old_keys = metrics.keys_of(appeal)
    from_status = appeal.status
    _set_dispatched(appeal, to_org, now or timezone.now())
    _save(
        appeal,
        "status",
        "assigned_org",
        "route_reason",
        "dispatched_at",
        "accept_by",
        "contact_by",
        "resolve_by",
        "overdue_accept",
        "overdue_contact",
        "overdue_resolve",
    )
    _event(
        appeal,
        "dispatch",
        actor=actor,
        actor_label=actor_label,
        from_status=from_status,
        note=note,
        org=to_org,
        at=at,
        to_org=to_org.pk,
    )
    _after_dispatch(appeal, to_org, old_keys)


# --- staff transitions -----------------------------------------------------------------------


def act(appeal: Appeal, action: str, *, actor, request=None, now=None, **data) -> Appeal:
    """Perform ``action`` on ``appeal`` as ``actor``; the one entry point for staff actions.

    ``now`` (default: the present) is when it happens: the demo writes a year of history
    through here with past timestamps."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise UnknownAction(_("未知的操作。"), code="unknown_action")
    with transaction.atomic():
        appeal = _lock(appeal)
        workflow.WORKFLOW.check(appeal, action, actor)
        old_keys = metrics.keys_of(appeal)
        from_status = appeal.status
        note = handler(appeal, actor=actor, now=now or timezone.now(), **data)
        if action != "dispatch":
            _event(appeal, action, actor=actor, from_status=from_status, note=note or "", at=now)
        audit.record(f"appeal.{action}", actor=actor, obj=appeal, request=request)
        metrics.refresh(old_keys | metrics.keys_of(appeal))
    return appeal


def _required(value: str | None, code: str, message: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value[:limit]


def _do_dispatch(appeal, *, actor, now, org_id=None, note="", **_ignored):
    try:
        to_org = access.get_org_for(actor, org_id)
    except Exception as exc:
        raise ValidationError(_("派单对象不存在或不在您的辖区内。"), code="invalid_org") from exc
    if to_org.kind == OrgKind.CITY:
        raise ValidationError(_("不能派给市总工会本身，请选择承办单位。"), code="invalid_org")
    if appeal.suggested_org_id:
        triage.record_correction(
            appeal=appeal,
            field="org",
            old_value=appeal.suggested_org_id,
            new_value=to_org.pk,
            actor=actor,
        )
    appeal.route_reason = RouteReason.MANUAL  # a person chose the org (not 兜底)
    _dispatch(appeal, to_org, actor=actor, note=(note or "").strip()[:500], now=now)
    return note


def _do_recategorise(appeal, *, actor, category=None, **_ignored):
    if category not in Category.values:
        raise ValidationError(_("诉求分类不正确。"), code="invalid_category")
    old = appeal.category
    triage.record_correction(
        appeal=appeal,
        field="category",
        old_value=appeal.triage_category,
        new_value=category,
        actor=actor,
    )
    appeal.category = category
    appeal.needs_review = False
    _save(appeal, "category", "needs_review")
    return f"{Category(old).label} → {Category(category).label}"


def _do_accept(appeal, *, actor, now, **_ignored):
    appeal.status = _target("accept")
    appeal.accepted_at = now
    _save(appeal, "status", "accepted_at")
    return ""


def _do_return(appeal, *, actor, reason=None, **_ignored):
    reason = _required(reason, "reason_required", _("请填写退单理由。"), 500)
    if appeal.return_count >= workflow.MAX_RETURNS and not (
        access.roles_over(actor, appeal.assigned_org) & workflow.RETURN_DECIDERS
    ):
        raise Conflict(
            _("该诉求已退单%(n)d次，按首接负责须由本单位办理；如确需退回，请由督办领导决定。")
            % {"n": appeal.return_count},
            code="return_limit",
        )
    appeal.status = _target("return")
    appeal.return_count = F("return_count") + 1
    appeal.assigned_org = None
    appeal.accept_by = appeal.contact_by = appeal.resolve_by = None
    _save(appeal, "status", "return_count", "assigned_org", "accept_by", "contact_by", "resolve_by")
    appeal.refresh_from_db(fields=["return_count"])
    return reason


def _do_contact(appeal, *, actor, now, note=None, **_ignored):
    note = _required(note, "note_required", _("请记录与职工联系的情况。"))
    appeal.status = _target("contact")
    appeal.contacted_at = now
    _save(appeal, "status", "contacted_at")
    return note


def _resolution_sms(appeal):
    queue_sms(
        appeal.phone,
        _("您的诉求%(ticket)s已办结，请查询答复并评价，您的评价很重要。")
        % {"ticket": appeal.ticket_no},
    )


def _do_resolve(appeal, *, actor, now, reply=None, **_ignored):
    appeal.reply = _required(reply, "reply_required", _("请填写给职工的答复。"), 4000)
    appeal.status = _target("resolve")
    appeal.resolved_at = now
    _save(appeal, "status", "reply", "resolved_at")
    _resolution_sms(appeal)
    return appeal.reply


def _do_answer_directly(appeal, *, actor, now, answer=None, **_ignored):
    if appeal.kind != Kind.ENQUIRY:
        raise Conflict(_("只有咨询类诉求可以直接答复。"), code="not_an_enquiry")
    appeal.reply = _required(answer, "answer_required", _("请填写答复内容。"), 4000)
    appeal.status = _target("answer_directly")
    appeal.resolved_at = now
    _save(appeal, "status", "reply", "resolved_at")
    _resolution_sms(appeal)
    return appeal.reply


def _do_extend(appeal, *, actor, now, days=None, reason=None, **_ignored):
    reason = _required(reason, "reason_required", _("请填写延期理由。"), 500)
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationError(_("延期天数应为1到30个工作日。"), code="invalid_days")
    if appeal.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("已有待审批的延期申请。"), code="extension_pending")
    if appeal.extension_count >= workflow.MAX_EXTENSIONS:
        raise Conflict(_("每件诉求最多延期两次。"), code="extension_limit")
    ext = Extension.objects.create(appeal=appeal, days=days, reason=reason, requested_by=actor)
    Extension.objects.filter(pk=ext.pk).update(requested_at=now)  # auto_now_add
    _notify_staff(
        appeal.assigned_org,
        {Role.SUPERVISOR},
        _("延期申请待审批：%(ticket)s") % {"ticket": appeal.ticket_no},
        f"/console/appeals/{appeal.pk}/",
    )
    return f"+{days}: {reason}"


def _pending_extension(appeal) -> Extension:
    ext = appeal.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise Conflict(_("没有待审批的延期申请。"), code="no_pending_extension")
    return ext


def _do_extension_approve(appeal, *, actor, now, **_ignored):
    from gonghui.core.workdays import add_working_days

    ext = _pending_extension(appeal)
    ext.status, ext.decided_by, ext.decided_at = ExtensionStatus.APPROVED, actor, now
    ext.save(update_fields=["status", "decided_by", "decided_at"])
    appeal.resolve_by = add_working_days(appeal.resolve_by or now, ext.days)
    appeal.extension_count += 1
    appeal.overdue_resolve = False
    _save(appeal, "resolve_by", "extension_count", "overdue_resolve")
    return _("办结时限延长%(days)d个工作日。") % {"days": ext.days}


def _do_extension_reject(appeal, *, actor, now, reason=None, **_ignored):
    reason = _required(reason, "reason_required", _("请填写驳回理由。"), 500)
    ext = _pending_extension(appeal)
    ext.status, ext.decided_by, ext.decided_at = ExtensionStatus.REJECTED, actor, now
    ext.decision_reason = reason
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return reason


def _do_supervise(appeal, *, actor, note=None, **_ignored):
    note = _required(note, "note_required", _("请填写督办意见。"), 500)
    appeal.supervised = True
    _save(appeal, "supervised")
    _notify_staff(
        appeal.assigned_org,
        {Role.HANDLER},
        _("督办：%(ticket)s，%(note)s") % {"ticket": appeal.ticket_no, "note": note},
        f"/console/appeals/{appeal.pk}/",
    )
    return note


def _do_merge(appeal, *, actor, now, into_id=None, **_ignored):
    try:
        main = access_appeal(actor, into_id)
    except Exception as exc:
        raise ValidationError(
            _("要并入的主工单不存在或不在您的辖区内。"), code="invalid_merge"
        ) from exc
    if main.pk == appeal.pk or not main.is_open:
        raise ValidationError(_("只能并入另一件仍在办理中的工单。"), code="invalid_merge")
    appeal.status = _target("merge")
    appeal.merged_into = main
    _save(appeal, "status", "merged_into")
    _event(main, "merged_from", actor=actor, note=appeal.ticket_no, public=False, at=now)
    queue_sms(
        appeal.phone,
        _("您的诉求%(ticket)s与同类诉求合并办理，可凭工单号%(main)s查询进度。")
        % {"ticket": appeal.ticket_no, "main": main.ticket_no},
    )
    return main.ticket_no


ACTIONS = {
    "dispatch": _do_dispatch,
    "recategorise": _do_recategorise,
    "accept": _do_accept,
    "return": _do_return,
    "contact": _do_contact,
    "resolve": _do_resolve,
    "answer_directly": _do_answer_directly,
    "extend": _do_extend,
    "extension/approve": _do_extension_approve,
    "extension/reject": _do_extension_reject,
    "supervise": _do_supervise,
    "merge": _do_merge,
}


# --- evaluation (worker, or operator on callback) ----------------------------------------------


def evaluate(
    appeal: Appeal,
    *,
    resolved: bool,
    satisfaction: str,
    comment: str = "",
    actor=None,
    actor_label: str = "worker",
    now=None,
) -> Appeal:
    """Record the worker's evaluation; "not solved" reopens the appeal to the same org.
    ``now`` (default: the present) is when it was given (the demo's past history)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("请选择满意、基本满意或不满意。"), code="invalid_satisfaction")
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.status != Status.RESOLVED:
            code = "already_evaluated" if appeal.status == Status.CLOSED else "not_resolved"
            message = (
                _("该诉求已评价过。")
                if code == "already_evaluated"
                else _("该诉求尚未办结，暂不能评价。")
            )
            raise Conflict(message, code=code)
        old_keys = metrics.keys_of(appeal)
        at, now = now, now or timezone.now()
        appeal.eval_resolved = bool(resolved)
        appeal.eval_satisfaction = satisfaction
        appeal.eval_comment = (comment or "").strip()[:500]
        appeal.evaluated_at = now
        from_status = appeal.status
        fields = ["eval_resolved", "eval_satisfaction", "eval_comment", "evaluated_at", "status"]
        if resolved or appeal.assigned_org is None:
            appeal.status = _target("evaluate")
            appeal.closed_at = now
            fields.append("closed_at")
            action = "evaluate"
        else:
            due = deadlines.compute(now, urgency=appeal.urgency, category=appeal.category)
            appeal.status = _target("reopen")
            appeal.reopen_count += 1
            appeal.contact_by, appeal.resolve_by = due.contact_by, due.resolve_by
            appeal.contacted_at = None
            appeal.overdue_contact = appeal.overdue_resolve = False
            fields += [
                "reopen_count",
                "contact_by",
                "resolve_by",
                "contacted_at",
                "overdue_contact",
                "overdue_resolve",
            ]
            action = "reopen"
            _notify_staff(
                appeal.assigned_org,
                {Role.HANDLER},
                _("职工评价未解决，诉求重新办理：%(ticket)s") % {"ticket": appeal.ticket_no},
                f"/console/appeals/{appeal.pk}/",
            )
        _save(appeal, *fields)
        _event(
            appeal,
            action,
            actor=actor,
            actor_label=actor_label,
            from_status=from_status,
            note=appeal.eval_comment,
            satisfaction=satisfaction,
            resolved=bool(resolved),
            at=at,
        )
        metrics.refresh(old_keys | metrics.keys_of(appeal))
    return appeal


# --- access and tracking -------------------------------------------------------------------------


def find_for_tracking(ticket_no: str, phone_last4: str) -> Appeal | None:
    """Return the appeal only if ticket number and the phone's last 4 digits both match."""
    ticket_no = (ticket_no or "").strip()
    last4 = half_width(phone_last4 or "").strip()
    if len(last4) != 4 or not last4.isdigit():
        return None
    appeal = Appeal.objects.filter(ticket_no=ticket_no).first()
    if appeal is None:
        return None
    # The workers of appeals merged into this one were told to track it with their own
    # phone; compare in constant time so a wrong pair looks exactly like a missing ticket.
    phones = [appeal.phone] + [m.phone for m in appeal.merged.all()]
    if not any([_same(p[-4:], last4) for p in phones]):
        return None
    return appeal


def _same(a: str, b: str) -> bool:
    return hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()


def record_callback(
    appeal: Appeal, *, actor, resolved: bool, satisfaction: str, comment: str = "", now=None
) -> Appeal:
    """An operator records the worker's answer on a callback (回访)."""
    workflow.WORKFLOW.check(appeal, "evaluate", actor)
    appeal = evaluate(
        appeal,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=comment,
        actor=actor,
        actor_label=actor.get_username(),
        now=now,
    )
    CallbackTask.objects.filter(appeal=appeal, done_at=None).update(
        done_at=now or timezone.now(), done_by=actor
    )
    return appeal
