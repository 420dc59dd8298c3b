"""The one place where staff scope is decided: a role at an org grants its subtree.

Every queryset that shows staff anything goes through these helpers. A principal is
a staff user (roles held at orgs) or an org API key (the key's org).
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.orgs.choices import Role
from gonghui.orgs.models import Org, StaffRole


def scope_paths(principal) -> list[str]:
    """Return the minimal set of org path prefixes the principal may see."""
    if principal is None:
        return []
    cached = getattr(principal, "_gonghui_scope_paths", None)
    if cached is not None:
        return cached
    if hasattr(principal, "staff_roles"):
        if not principal.is_authenticated or not principal.is_active:
            paths: list[str] = []
        else:
            paths = list(
                StaffRole.objects.filter(user=principal).values_list("org__path", flat=True)
            )
    elif getattr(principal, "org_id", None):
        paths = [principal.org.path]
    else:
        paths = []
    # Drop paths already inside another one, so the filter stays short.
    minimal = [p for p in sorted(set(paths)) if not any(p != q and p.startswith(q) for q in paths)]
    principal._gonghui_scope_paths = minimal
    return minimal


def forget_scope(principal) -> None:
    """Drop the scope cached on a principal object (after its roles change)."""
    principal.__dict__.pop("_gonghui_scope_paths", None)


def scope_q(principal, path_field: str = "path") -> Q:
    """Return a Q limiting rows whose ``path_field`` holds an org path to the scope.

    ``path_field`` is ``"path"`` for orgs, ``"org__path"`` through a foreign key, or a
    column that stores a copy of the path (the audit log's ``org_path``).
    """
    paths = scope_paths(principal)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{path_field}__startswith": p})
    return q


def scoped(queryset: QuerySet, principal, path_field: str = "path") -> QuerySet:
    return queryset.filter(scope_q(principal, path_field))


def visible_orgs(principal) -> QuerySet[Org]:
    return scoped(Org.objects.all(), principal)


def get_org_for(principal, pk: int) -> Org:
    """Fetch an org the principal may see, or raise Http404 (never 403: no leaks)."""
    try:
        return visible_orgs(principal).defer("boundary").get(pk=pk)
    except (Org.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_see(principal, org: Org) -> bool:
    return any(org.path.startswith(p) for p in scope_paths(principal))


def roles_over(user, org: Org) -> set[str]:
    """Return the roles the user holds at ``org`` or any org above it."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ancestors = ancestor_paths(org.path)
    return set(
        StaffRole.objects.filter(user=user, org__path__in=ancestors).values_list("role", flat=True)
    )


def roles_at(user, org: Org, *, strictly_above: bool = False, here_only: bool = False) -> set[str]:
    """Return the roles the user holds at ``org`` or above it (``strictly_above``: only
    above it, as supervision from a higher union needs; ``here_only``: only at ``org``
    itself, the owning org's own staff); the lookup ``core.workflow`` uses."""
    if here_only:
        if not getattr(user, "is_authenticated", False):
            return set()
        return set(StaffRole.objects.filter(user=user, org=org).values_list("role", flat=True))
    if not strictly_above:
        return roles_over(user, org)
    if not getattr(user, "is_authenticated", False):
        return set()
    ancestors = ancestor_paths(org.path)[:-1]
    return set(
        StaffRole.objects.filter(user=user, org__path__in=ancestors).values_list("role", flat=True)
    )


def has_role(user, roles: Iterable[str], org: Org) -> bool:
    return bool(roles_over(user, org) & set(roles))


def ancestor_paths(path: str) -> list[str]:
    """Return the paths of an org and all its ancestors, root first."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def city_admin_org(user) -> Org | None:
    """Return the root org (the city federation) if ``user`` is an admin there, else None:
    the city-wide settings (the holiday schedule) are theirs alone."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    role = (
        StaffRole.objects.filter(user=user, role=Role.ADMIN, org__parent__isnull=True)
        .select_related("org")
        .defer("org__boundary")
        .first()
    )
    return role.org if role else None
