"""Fetch appeals with permission: staff see an appeal whose dispatching (首接) or handling
org lies in their subtree; anything else is 404, never 403 (no leaks). Which steps a
person may take on a visible appeal is the workflow's (``workflow.WORKFLOW``)."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.appeals.models import Appeal
from gonghui.core import pii
from gonghui.core.errors import Forbidden
from gonghui.orgs import access


def visible_appeals(principal) -> QuerySet[Appeal]:
    """Appeals whose dispatcher or handling org lies in the principal's subtree."""
    q = access.scope_q(principal, "dispatcher_org__path") | access.scope_q(
        principal, "assigned_org__path"
    )
    return Appeal.objects.filter(q)


def get_appeal_for(principal, pk, *, write: bool = False) -> Appeal:
    """Return an appeal the principal may see (404 otherwise); ``write`` also needs a
    staff role at or above its handling (or dispatching) org (403): an org API key or a
    role elsewhere in the subtree sees it but does not work on it."""
    try:
        appeal = (
            visible_appeals(principal)
            .select_related("assigned_org", "dispatcher_org")
            .defer("assigned_org__boundary", "dispatcher_org__boundary")
            .get(pk=pk)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        org = appeal.assigned_org or appeal.dispatcher_org
        if not access.roles_over(principal, org):
            raise Forbidden(_("您的岗位不能对该诉求进行此操作。"), code="forbidden_role")
    return appeal


def access_appeal(principal, pk) -> Appeal:
    """The name the first apps used; ``get_appeal_for`` without ``write``."""
    return get_appeal_for(principal, pk)


def worker_appeals(worker) -> QuerySet[Appeal]:
    """The appeals a signed-in worker owns: filed by them, or logged for their phone by the
    hotline or an intake (signing in by SMS code proved the phone is theirs)."""
    return Appeal.objects.filter(
        Q(worker=worker) | Q(phone_hash=pii.digest(pii.PHONE, worker.phone))
    )
