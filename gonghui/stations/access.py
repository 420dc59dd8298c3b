"""Fetch positions with permission: staff see their org's subtree (by the owner org)."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.errors import Forbidden
from gonghui.orgs import access
from gonghui.orgs.choices import Role
from gonghui.orgs.models import Org
from gonghui.stations.choices import Status
from gonghui.stations.models import Position

# Who may create, edit and assess positions of an org (at that org or above it).
MANAGE_ROLES = {Role.ADMIN, Role.SUPERVISOR, Role.HANDLER}


def visible_positions(principal) -> QuerySet[Position]:
    """Positions whose owner org lies in the principal's subtree."""
    return access.scoped(Position.objects.all(), principal, "owner__path")


def public_positions() -> QuerySet[Position]:
    """Positions the public may see: everything not closed for good."""
    return Position.objects.exclude(status=Status.CLOSED)


def _with_orgs(qs: QuerySet[Position]) -> QuerySet[Position]:
    return qs.select_related("owner", "district", "street").defer(
        "owner__boundary", "district__boundary", "street__boundary"
    )


def get_position_for(principal, pk, *, write: bool = False) -> Position:
    """Return a position the principal may see (404 otherwise); ``write`` also needs a
    managing role at the owner org or above (403)."""
    try:
        position = _with_orgs(visible_positions(principal)).get(pk=pk)
    except (Position.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        require_manager(principal, position.owner)
    return position


def get_public_position(pk) -> Position:
    try:
        return _with_orgs(public_positions()).get(pk=pk)
    except (Position.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_manager(principal, org: Org) -> None:
    if not access.can_see(principal, org):
        raise Http404
    if not access.has_role(principal, MANAGE_ROLES, org):
        raise Forbidden(_("您的岗位不能管理该工会的服务阵地。"), code="forbidden_role")


def can_manage(principal, org: Org) -> bool:
    return access.can_see(principal, org) and access.has_role(principal, MANAGE_ROLES, org)
