"""Fetch collective contracts with permission: by the negotiating union's path; 404 outside."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.orgs import access
from gonghui.rights.contracts.models import CollectiveContract


def visible_contracts(principal) -> QuerySet[CollectiveContract]:
    return access.scoped(CollectiveContract.objects.all(), principal, "org_path")


def get_contract_for(principal, pk) -> CollectiveContract:
    try:
        return (
            visible_contracts(principal)
            .select_related("org", "enterprise")
            .defer("org__boundary")
            .get(pk=pk)
        )
    except (CollectiveContract.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
