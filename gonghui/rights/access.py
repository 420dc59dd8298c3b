"""Fetch mediation and legal-aid cases with permission: staff see the cases of the
bodies in their org subtree; anything else is 404 (never 403: no leaks)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.orgs import access
from gonghui.rights.models import AidCase, Dispute, Lawyer
from gonghui.rights.services import require_mediator


def visible_disputes(principal) -> QuerySet[Dispute]:
    return access.scoped(Dispute.objects.all(), principal, "org_path")


def get_dispute_for(principal, pk, *, write: bool = False) -> Dispute:
    """Return a dispute the principal may see (404 otherwise); ``write`` also needs a
    mediating role at the body or above it (403)."""
    try:
        dispute = (
            visible_disputes(principal)
            .select_related("org", "district", "enterprise")
            .defer("org__boundary", "district__boundary")
            .get(pk=pk)
        )
    except (Dispute.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        require_mediator(principal, dispute.org)
    return dispute


def visible_aid_cases(principal) -> QuerySet[AidCase]:
    return access.scoped(AidCase.objects.all(), principal, "org_path")


def get_aid_case_for(principal, pk, *, write: bool = False) -> AidCase:
    try:
        case = (
            visible_aid_cases(principal)
            .select_related("org", "lawyer")
            .defer("org__boundary")
            .get(pk=pk)
        )
    except (AidCase.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        require_mediator(principal, case.org)
    return case


def visible_lawyers(principal) -> QuerySet[Lawyer]:
    """Lawyers registered in the principal's subtree or above it (a city roster serves
    every street; its lawyers' work phones are public anyway)."""
    above = {p for path in access.scope_paths(principal) for p in access.ancestor_paths(path)}
    return Lawyer.objects.filter(access.scope_q(principal, "owner_path") | Q(owner_path__in=above))


def get_lawyer_for(principal, pk) -> Lawyer:
    try:
        return visible_lawyers(principal).get(pk=pk)
    except (Lawyer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
