"""Fetch early warnings with permission: staff see the warnings of orgs in their subtree
(404 otherwise); taking a step is the workflow's (``workflow.WORKFLOW``, 403)."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.errors import Forbidden
from gonghui.orgs import access
from gonghui.warnings.models import EarlyWarning
from gonghui.warnings.workflow import WORKFLOW_ROLES


def visible_warnings(principal) -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.filter(access.scope_q(principal, "org__path"))


def get_warning_for(principal, pk, *, write: bool = False) -> EarlyWarning:
    """Return a warning the principal may see (404 otherwise); ``write`` also needs a
    workflow role at or above its org (403)."""
    try:
        warning = (
            visible_warnings(principal).select_related("org").defer("org__boundary").get(pk=pk)
        )
    except (EarlyWarning.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and not can_act(warning, principal):
        raise Forbidden(_("您的岗位不能处置该预警。"), code="forbidden_role")
    return warning


def can_act(warning: EarlyWarning, actor) -> bool:
    return bool(access.roles_over(actor, warning.org) & WORKFLOW_ROLES)


def access_warning(principal, pk) -> EarlyWarning:
    """The name the first apps used; ``get_warning_for`` without ``write``."""
    return get_warning_for(principal, pk)
