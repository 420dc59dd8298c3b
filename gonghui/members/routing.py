"""Join routing: which union receives an application (and a worker's transfer request).

The table is ``RoutingRule`` (admins edit it in the Django admin); the defaults are
loaded by a data migration and each one has a test. Rules are tried in priority order
and the first target that resolves to a union wins.
"""

from dataclasses import dataclass

from gonghui.members.choices import RouteTarget
from gonghui.members.models import IndustryJobUnion, RoutingRule
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org

DEFAULT_RULES = [
    # (priority, target, note)
    (10, RouteTarget.EMPLOYER_UNION, "用人单位已建会：由本单位基层工会受理"),
    (20, RouteTarget.AREA_JOINT, "用人单位在园区、楼宇联合工会覆盖范围内：由区域联合工会受理"),
    (30, RouteTarget.INDUSTRY_JOB_TYPE, "新就业形态劳动者：由该职业的行业联合工会受理"),
    (40, RouteTarget.MOBILE_JOINT, "由居住街道的流动会员联合工会受理"),
    (100, RouteTarget.STREET_FEDERATION, "兜底：由居住街道（乡镇）总工会受理"),
]

# Kinds of union that may hold a membership.
HOLDING_KINDS = {
    OrgKind.GRASSROOTS,
    OrgKind.AREA_JOINT,
    OrgKind.MOBILE_JOINT,
    OrgKind.INDUSTRY,
    OrgKind.STREET,
}


@dataclass(frozen=True)
class Route:
    org: Org
    note: str


def district_of(org: Org | None) -> Org | None:
    return org.ancestor_of_kind(OrgKind.DISTRICT) if org is not None else None


def street_of(org: Org | None) -> Org | None:
    return org.ancestor_of_kind(OrgKind.STREET) if org is not None else None


def _industry_union(job_type: str, street: Org | None) -> Org | None:
    """Return the job type's industry union in the worker's district, else a city-wide one."""
    if not job_type:
        return None
    unions = list(
        IndustryJobUnion.objects.filter(job_type=job_type)
        .select_related("org", "org__parent")
        .defer("org__boundary", "org__parent__boundary")
        .order_by("org__path")
    )
    district = district_of(street)
    if district is not None:
        for link in unions:
            if link.org.path.startswith(district.path):
                return link.org
    for link in unions:
        if link.org.parent is not None and link.org.parent.kind == OrgKind.CITY:
            return link.org
    return None


def _target(
    target: str, *, enterprise: Enterprise | None, job_type: str, street: Org | None
) -> Org | None:
    union = enterprise.union if enterprise is not None else None
    if target == RouteTarget.EMPLOYER_UNION:
        return union if union is not None and union.kind == OrgKind.GRASSROOTS else None
    if target == RouteTarget.AREA_JOINT:
        return union if union is not None and union.kind == OrgKind.AREA_JOINT else None
    if target == RouteTarget.INDUSTRY_JOB_TYPE:
        return _industry_union(job_type, street)
    if target == RouteTarget.MOBILE_JOINT:
        if street is None:
            return None
        return (
            Org.objects.filter(parent=street, kind=OrgKind.MOBILE_JOINT)
            .defer("boundary")
            .order_by("pk")
            .first()
        )
    if target == RouteTarget.STREET_FEDERATION:
        return street
    raise ValueError(f"unknown routing target {target!r}")


def route(*, enterprise: Enterprise | None, job_type: str, street: Org | None) -> Route | None:
    """Return the receiving union for a worker, or None when nothing resolves."""
    for rule in RoutingRule.objects.filter(active=True).order_by("priority", "id"):
        org = _target(rule.target, enterprise=enterprise, job_type=job_type, street=street)
        if org is not None:
            return Route(org, rule.note or str(rule.get_target_display()))
    return None
