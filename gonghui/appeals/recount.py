"""Move the resolve deadlines (办结时限) of open appeals after a change of the holiday
schedule (core/calendars.py calls ``recount_deadlines`` in the change's transaction).

Only the resolve deadline counts working days; acceptance and first contact count hours.
A deadline keeps its number of working days from the start of its count: the last
dispatch, or the last reopen after an unsatisfied evaluation; approved extensions are
working days added to the same count, so they are kept as well.
"""

from django.db.models import Max
from django.utils.translation import gettext as _

from gonghui.appeals.choices import Status
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.appeals.services import _event
from gonghui.core.calendars import CalendarChange
from gonghui.core.workdays import SHANGHAI

# The statuses in which the resolve deadline is still running (as the overdue sweep).
RUNNING = [Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS]
BATCH = 500


def recount_deadlines(change: CalendarChange) -> int:
    """Move every running resolve deadline whose count crosses a changed day; return how
    many moved. Each moved appeal gets a timeline line; an overdue flag the change lifts
    is cleared (the supervision it caused stays)."""
    candidates = (
        Appeal.objects.select_for_update(of=("self",))
        .filter(
            status__in=RUNNING,
            resolve_by__gte=change.due_from,
            dispatched_at__lt=change.started_until,
        )
        .only(
            "pk",
            "status",
            "resolve_by",
            "dispatched_at",
            "overdue_resolve",
            "assigned_org",
            "dispatcher_org",
        )
        .order_by("pk")
    )
    moved = 0
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return moved
        last_pk = batch[-1].pk
        reopened = dict(
            AppealEvent.objects.filter(appeal__in=[a.pk for a in batch], action="reopen")
            .values_list("appeal")
            .annotate(at=Max("at"))
        )
        for appeal in batch:
            start = max(appeal.dispatched_at, reopened.get(appeal.pk, appeal.dispatched_at))
            due = change.moved(start, appeal.resolve_by)
            if due == appeal.resolve_by:
                continue
            before = appeal.resolve_by
            appeal.resolve_by = due
            fields = ["resolve_by", "updated_at"]
            if appeal.overdue_resolve and due > change.now:
                appeal.overdue_resolve = False
                fields.append("overdue_resolve")
            appeal.save(update_fields=fields)
            _event(
                appeal,
                "deadline_moved",
                actor=change.actor,
                public=False,
                note=_("节假日安排调整（%(year)d年），办结时限由%(old)s改为%(new)s。")
                % {
                    "year": change.year,
                    "old": before.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                    "new": due.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                },
                old=before.isoformat(),
                new=due.isoformat(),
            )
            moved += 1
