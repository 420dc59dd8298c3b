"""Move the working-day deadlines of membership after a change of the holiday schedule
(core/calendars.py calls ``recount_deadlines`` in the change's transaction): a pending
join application's review deadline and a requested transfer's release deadline, both
counted from the day they were submitted."""

from gonghui.core.calendars import CalendarChange
from gonghui.members.choices import ApplicationStatus, TransferStatus
from gonghui.members.models import JoinApplication, Transfer


def recount_deadlines(change: CalendarChange) -> int:
    """Return how many applications and transfers had their deadline moved."""
    moved = 0
    applications = JoinApplication.objects.select_for_update().filter(
        status=ApplicationStatus.PENDING,
        due_at__gte=change.due_from,
        created_at__lt=change.started_until,
    )
    for application in applications.only("pk", "created_at", "due_at", "overdue"):
        due = change.moved(application.created_at, application.due_at)
        if due == application.due_at:
            continue
        application.due_at = due
        fields = ["due_at"]
        if application.overdue and due > change.now:
            application.overdue = False
            fields.append("overdue")
        application.save(update_fields=fields)
        moved += 1
    # Only a requested transfer waits for the old union; the sweep releases it when late.
    transfers = Transfer.objects.select_for_update().filter(
        status=TransferStatus.REQUESTED,
        release_by__gte=change.due_from,
        created_at__lt=change.started_until,
    )
    for transfer in transfers.only("pk", "created_at", "release_by"):
        due = change.moved(transfer.created_at, transfer.release_by)
        if due != transfer.release_by:
            transfer.release_by = due
            transfer.save(update_fields=["release_by"])
            moved += 1
    return moved
