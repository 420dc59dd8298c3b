"""Periodic work on membership, run by the worker: overdue applications are flagged and
supervised; transfers the old union has not confirmed in time go through.

Each row is claimed with a conditional UPDATE that repeats the whole condition, so two
workers sweeping at once flag, notify or release it exactly once.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Notice
from gonghui.core.sweeps import register
from gonghui.members.choices import ApplicationStatus, TransferStatus
from gonghui.members.models import JoinApplication, Transfer
from gonghui.orgs import access
from gonghui.orgs.choices import Role
from gonghui.orgs.models import StaffRole

BATCH = 500


def _notify(org, roles: set[str], text: str, url: str, *, above: bool) -> None:
    """Tell the nearest org at (or, ``above``, strictly above) ``org`` that has staff in
    ``roles``: a joint union without staff of its own is looked after by its street."""
    paths = access.ancestor_paths(org.path)
    if above:
        paths = paths[:-1]
    for path in reversed(paths):
        users = list(
            StaffRole.objects.filter(org__path=path, role__in=roles)
            .values_list("user_id", flat=True)
            .distinct()
        )
        if users:
            Notice.objects.bulk_create([Notice(user_id=u, text=text[:300], url=url) for u in users])
            return


def mark_overdue_applications(now=None) -> int:
    """Flag pending applications past their deadline; tell the union and the one above."""
    now = now or timezone.now()
    overdue = {"status": ApplicationStatus.PENDING, "overdue": False, "due_at__lt": now}
    flagged = 0
    for pk in JoinApplication.objects.filter(**overdue).values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            if not JoinApplication.objects.filter(pk=pk, **overdue).update(overdue=True):
                continue  # another worker claimed it, or it was decided meanwhile
            application = JoinApplication.objects.select_related("org").get(pk=pk)
            text = _("入会申请审核超时：%(name)s（%(org)s）") % {
                "name": application.name,
                "org": application.org.name,
            }
            url = f"/console/members/applications/{pk}/"
            _notify(application.org, {Role.HANDLER, Role.ADMIN}, text, url, above=False)
            _notify(application.org, {Role.SUPERVISOR}, text, url, above=True)
            flagged += 1
    return flagged


def release_overdue_transfers(now=None) -> int:
    """Confirm transfers the old union let pass their deadline (the member may go)."""
    from gonghui.members.services import _do_release

    now = now or timezone.now()
    due = {"status": TransferStatus.REQUESTED, "release_by__lt": now}
    released = 0
    for pk in Transfer.objects.filter(**due).values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            transfer = (
                Transfer.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("member", "from_org", "to_org")
                .filter(pk=pk, **due)
                .first()
            )
            if transfer is None:
                continue  # claimed by another worker, or confirmed meanwhile
            _do_release(transfer, actor=None, automatic=True, now=now)
            released += 1
    return released


register("members.overdue_applications")(mark_overdue_applications)
register("members.transfer_release")(release_overdue_transfers)
