"""Who may see which care records: staff their org subtree, a worker their own only.
Outside the scope is a 404 (never a 403: the record's existence is not leaked)."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.accounts.models import Worker
from gonghui.care.models import Application, Claim, HardshipFile
from gonghui.orgs.access import scoped


def visible_applications(principal) -> QuerySet[Application]:
    qs = Application.objects.select_related("programme", "org", "street", "district")
    if isinstance(principal, Worker):
        return qs.filter(worker=principal)
    return scoped(qs, principal, "org__path")


def get_application_for(principal, pk, *, write: bool = False) -> Application:
    """Fetch an application the principal may see, locked ``FOR UPDATE`` when ``write``
    (call inside a transaction), or raise Http404."""
    qs = visible_applications(principal)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def visible_files(principal) -> QuerySet[HardshipFile]:
    return scoped(HardshipFile.objects.select_related("org"), principal, "org__path")


def get_file_for(principal, pk, *, write: bool = False) -> HardshipFile:
    qs = visible_files(principal)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (HardshipFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def visible_claims(principal) -> QuerySet[Claim]:
    return scoped(Claim.objects.select_related("org", "member"), principal, "org__path")
