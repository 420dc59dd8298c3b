"""Fetch round tables and their items with permission (by the union's path; 404 outside)."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.orgs import access
from gonghui.rights.consultations.models import AgreedItem, Mechanism


def visible_mechanisms(principal) -> QuerySet[Mechanism]:
    return access.scoped(Mechanism.objects.all(), principal, "org_path")


def get_mechanism_for(principal, pk) -> Mechanism:
    try:
        return visible_mechanisms(principal).select_related("org").defer("org__boundary").get(pk=pk)
    except (Mechanism.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_item_for(principal, pk) -> AgreedItem:
    try:
        return (
            access.scoped(AgreedItem.objects.all(), principal, "org_path")
            .select_related("meeting__mechanism__org")
            .get(pk=pk)
        )
    except (AgreedItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
