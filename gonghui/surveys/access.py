"""Fetch-with-permission for surveys and needs: staff see their org subtree only, and
anything outside it is a 404 (never a 403 that says it exists)."""

from django.http import Http404

from gonghui.orgs import access
from gonghui.surveys.models import Need, Survey


def visible_surveys(principal):
    return access.scoped(Survey.objects.all(), principal, "org__path")


def get_survey_for(principal, pk, *, write: bool = False) -> Survey:
    """The survey if the principal's scope holds its org; ``write`` locks the row (call
    inside a transaction)."""
    qs = visible_surveys(principal).select_related("org", "current").defer("org__boundary")
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def visible_needs(principal):
    return access.scoped(Need.objects.all(), principal, "org_path")


def get_need_for(principal, pk, *, write: bool = False) -> Need:
    qs = visible_needs(principal).select_related("org").defer("org__boundary")
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
