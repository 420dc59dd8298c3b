"""Intake routing: who handles an appeal (the category comes from ``gonghui.triage``).

The routing table is ``RoutingRule`` (admins edit it); the defaults are loaded by a
data migration and each has a test. Targets resolve to an org or to nothing, and the
first rule whose target resolves wins.
"""

from dataclasses import dataclass

from gonghui.appeals import tables
from gonghui.appeals.choices import Category, RouteReason, RouteTarget
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org
from gonghui.triage import services as triage_services

DEFAULT_RULES = [
    # (priority, category, target, auto_dispatch, note)
    (
        10,
        Category.MEMBERSHIP,
        RouteTarget.STREET_FEDERATION,
        True,
        "入会事项由街道（乡镇）总工会办理",
    ),
    (
        20,
        Category.HARDSHIP,
        RouteTarget.DISTRICT_SERVICE_CENTRE,
        True,
        "困难帮扶由区职工服务中心办理",
    ),
    (50, "", RouteTarget.EMPLOYER_UNION_STREET, True, "用人单位已建会：派基层工会所在街道"),
    (60, "", RouteTarget.LOCATION_STREET, True, "按诉求发生地派街道（乡镇）"),
    (70, "", RouteTarget.LOCATION_DISTRICT, False, "只知道所在区：由区总工会派单"),
    (100, "", RouteTarget.CITY, False, "兜底：市总工会派单中心"),
]


@dataclass(frozen=True)
class Route:
    dispatcher_org: Org
    assigned_org: Org | None  # set when the rule dispatches automatically
    grassroots_union: Org | None
    reason: str  # a RouteReason code, worded on display

    @property
    def note(self) -> str:
        return str(RouteReason(self.reason).label)


def _ancestor(org: Org | None, kind: str) -> Org | None:
    """``org.ancestor_of_kind(kind)`` without a query: the ancestors' ids are in the
    org's path, and the city, districts and streets are in the routing tables."""
    if org is None:
        return None
    tiers = [OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET]
    stop = set(tiers[: tiers.index(kind) + 1])
    if org.kind in stop:
        return org if org.kind == kind else None
    for pk in reversed([int(p) for p in org.path.strip("/").split("/")[:-1] if p]):
        above = tables.org(pk)
        if above is not None and above.kind in stop:
            return above if above.kind == kind else None
    return None


def _street_of(org: Org | None) -> Org | None:
    """Return the street federation an org lies under (or is)."""
    return _ancestor(org, OrgKind.STREET)


def _district_of(org: Org | None) -> Org | None:
    return _ancestor(org, OrgKind.DISTRICT)


def _target(
    target: str, *, enterprise: Enterprise | None, street: Org | None, district: Org | None
) -> tuple[Org | None, Org | None]:
    """Return (org, grassroots union noted) for a rule target, or (None, None)."""
    union = enterprise.union if enterprise is not None else None
    if target == RouteTarget.EMPLOYER_UNION_STREET:
        return (_street_of(union), union) if _street_of(union) else (None, None)
    if target == RouteTarget.LOCATION_STREET:
        return street, None
    if target == RouteTarget.LOCATION_DISTRICT:
        return district, None
    if target == RouteTarget.STREET_FEDERATION:
        org = _street_of(union) or (enterprise.street if enterprise else None) or street
        return org, union
    if target == RouteTarget.DISTRICT_SERVICE_CENTRE:
        return district or _district_of(enterprise.street if enterprise else None), None
    if target == RouteTarget.CITY:
        return tables.city(), None
    raise ValueError(f"unknown routing target {target!r}")


def direct(org: Org) -> Route:
    """Route to an org the channel names (a station's owner); the city only queues it."""
    city = tables.city()
    if org.kind == OrgKind.CITY:
        return Route(city, None, None, RouteReason.CITY)
    return Route(city, org, None, RouteReason.CHANNEL)


def route(
    *, category: str, enterprise: Enterprise | None, street: Org | None, district: Org | None
) -> Route:
    city = tables.city()
    for rule in tables.get().rules:
        if rule.category not in (category, ""):
            continue
        org, union = _target(rule.target, enterprise=enterprise, street=street, district=district)
        if org is None:
            continue
        # The reason is the rule's target (its code); the rule's own note is the admins'.
        reason = rule.target
        if rule.auto_dispatch and org.kind != OrgKind.CITY:
            return Route(city, org, union, reason)
        return Route(org, None, union, reason)
    return Route(city, None, None, RouteReason.CITY)


# The category keywords now live with triage (they are hints to its classifier); Open311
# still lists them as each service's keywords.
from gonghui.triage.rules import CATEGORY_KEYWORDS  # noqa: E402

__all__ = ["CATEGORY_KEYWORDS", "DEFAULT_RULES", "Route", "route"]


def triage(text: str, *, lat=None, lng=None, crs: str = "wgs84") -> triage_services.Result:
    """Return triage's ``analyse`` plus the org this routing table would send the appeal
    to (triage reads text; where an appeal goes is the appeals app's)."""
    result = triage_services.analyse(text, lat=lat, lng=lng, crs=crs)
    enterprise = None
    if result.employer and result.employer["enterprise_id"]:
        enterprise = (
            Enterprise.objects.select_related("union", "street")
            .filter(pk=result.employer["enterprise_id"])
            .first()
        )
    street = Org.objects.filter(pk=result.street["id"]).first() if result.street else None
    district = Org.objects.filter(pk=result.district["id"]).first() if result.district else None
    found = route(category=result.category, enterprise=enterprise, street=street, district=district)
    org = found.assigned_org or found.dispatcher_org
    result.suggested_org = {"id": org.pk, "name": org.name}
    result.enterprise = enterprise
    return result
