"""Periodic work on appeals, run by the worker: overdue marking and callback tasks.

Each overdue step is claimed with a conditional UPDATE (``overdue_x = false`` and the
deadline still past in the WHERE clause), so two workers sweeping at once flag and
notify it exactly once, and a deadline moved meanwhile is not flagged.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals.choices import Status
from gonghui.appeals.models import Appeal, CallbackTask
from gonghui.core.sweeps import register
from gonghui.orgs.choices import Role

CALLBACK_AFTER = timedelta(days=3)

STEPS = [
    # (flag, deadline field, statuses where the deadline is still open, message)
    ("overdue_accept", "accept_by", [Status.DISPATCHED], _("签收超时")),
    ("overdue_contact", "contact_by", [Status.DISPATCHED, Status.ACCEPTED], _("首次联系超时")),
    (
        "overdue_resolve",
        "resolve_by",
        [Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS],
        _("办结超时"),
    ),
]


def mark_overdue(now=None) -> int:
    """Flag overdue steps, supervise the appeal, notify the handler and the org above."""
    from gonghui.appeals.services import _event, _notify_staff

    now = now or timezone.now()
    flagged = 0
    for flag, deadline, statuses, message in STEPS:
        overdue = {flag: False, f"{deadline}__lt": now, "status__in": statuses}
        candidates = Appeal.objects.filter(**overdue).values_list("pk", flat=True)
        for pk in candidates[:500]:
            with transaction.atomic():
                # The claim repeats the whole condition: since the candidates were read, the
                # step may have been done or its deadline moved (an approved extension).
                won = Appeal.objects.filter(pk=pk, **overdue).update(
                    **{flag: True, "supervised": True}
                )
                if not won:
                    continue  # another worker claimed it
                appeal = Appeal.objects.select_related("assigned_org").get(pk=pk)
                _event(
                    appeal,
                    "overdue",
                    actor_label="system",
                    public=False,
                    note=str(message),
                    step=flag,
                    at=now,
                )
                text = _("%(step)s：%(ticket)s") % {"step": message, "ticket": appeal.ticket_no}
                url = f"/console/appeals/{appeal.pk}/"
                _notify_staff(appeal.assigned_org, {Role.HANDLER}, text, url)
                _notify_staff(appeal.assigned_org, {Role.SUPERVISOR}, text, url, above=True)
                flagged += 1
    return flagged


def create_callbacks(now=None) -> int:
    """Give operators a callback (回访) for appeals resolved 3 days ago and not yet rated."""
    now = now or timezone.now()
    due = Appeal.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - CALLBACK_AFTER, callback__isnull=True
    ).values_list("pk", flat=True)
    created = 0
    for pk in due[:500]:
        _task, was_created = CallbackTask.objects.get_or_create(
            appeal_id=pk, defaults={"due_at": now}
        )
        created += was_created
    return created


register("appeals.overdue")(mark_overdue)
register("appeals.callbacks")(create_callbacks)
