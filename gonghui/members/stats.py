"""Membership and organising statistics for an org's subtree and a period.

Every figure is one query over the subtree (a path prefix); the breakdown by child org
groups by the child's path prefix, so a city-wide breakdown is still one query a figure.
"""

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from gonghui.members.choices import Employment, FoundingStep, MeetingKind, MemberStatus, PeriodStart
from gonghui.members.models import FoundingCase, Meeting, Member, MembershipPeriod
from gonghui.members.services import today
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Ownership
from gonghui.orgs.models import PATH_SEGMENT, Enterprise, Org

FIGURES = [
    "members",
    "new_members",
    "new_gig_members",
    "unions_founded",
    "non_public_unions",
    "enterprises_covered",
    "worker_meetings",
    "enterprise_meetings",
]


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """Default to the current year up to today."""
    end = end or today()
    start = start or date(end.year, 1, 1)
    return start, end


def top_org(principal) -> Org | None:
    paths = access.scope_paths(principal)
    if not paths:
        return None
    return Org.objects.defer("boundary").filter(path=paths[0]).first()


def _querysets(prefix: str, start: date, end: date) -> dict[str, tuple[QuerySet, str]]:
    """Return, per figure, the queryset over the subtree and the path field it groups by."""
    joined = MembershipPeriod.objects.filter(
        start_reason=PeriodStart.JOINED,
        started_on__gte=start,
        started_on__lte=end,
        org__path__startswith=prefix,
    )
    founded = FoundingCase.objects.filter(
        step=FoundingStep.APPROVED,
        approved_on__gte=start,
        approved_on__lte=end,
        org__path__startswith=prefix,
    )
    meetings = Meeting.objects.filter(
        held_on__gte=start, held_on__lte=end, org__path__startswith=prefix
    )
    return {
        "members": (
            Member.objects.filter(status=MemberStatus.ACTIVE, org__path__startswith=prefix),
            "org__path",
        ),
        "new_members": (joined, "org__path"),
        "new_gig_members": (joined.filter(member__employment=Employment.GIG), "org__path"),
        "unions_founded": (founded, "org__path"),
        "non_public_unions": (
            founded.filter(enterprise__ownership__in=[Ownership.NON_PUBLIC, Ownership.FOREIGN]),
            "org__path",
        ),
        "enterprises_covered": (
            Enterprise.objects.filter(union__isnull=False, street__path__startswith=prefix),
            "street__path",
        ),
        "worker_meetings": (meetings.filter(kind=MeetingKind.WORKER), "org__path"),
        "enterprise_meetings": (meetings.filter(kind=MeetingKind.ENTERPRISE), "org__path"),
    }


def metric(key: str, org: Org, start: date, end: date) -> int:
    qs, _field = _querysets(org.path, start, end)[key]
    return qs.count()


def org_stats(org: Org, start: date, end: date) -> dict[str, int]:
    return {key: qs.count() for key, (qs, _f) in _querysets(org.path, start, end).items()}


def children_stats(org: Org, start: date, end: date) -> list[tuple[Org, dict[str, int]]]:
    """Return each child org (districts, streets, unions below) with its figures."""
    children = list(
        Org.objects.filter(parent=org)
        .exclude(kind=OrgKind.GRASSROOTS)
        .defer("boundary")
        .order_by("path")
    )
    if not children:
        return []
    width = len(org.path) + PATH_SEGMENT
    by_prefix: dict[str, dict[str, int]] = {c.path: dict.fromkeys(FIGURES, 0) for c in children}
    for key, (qs, field) in _querysets(org.path, start, end).items():
        rows = (
            qs.annotate(prefix=Substr(field, 1, width))
            .values("prefix")
            .annotate(n=Count("pk"))
            .values_list("prefix", "n")
        )
        for prefix, n in rows:
            if prefix in by_prefix:
                by_prefix[prefix][key] = n
    return [(c, by_prefix[c.path]) for c in children]


def monthly_new_members(org: Org, months: int = 12) -> list[dict]:
    """Return new members (and gig members) per month for the last ``months`` months."""
    end = today()
    first = date(end.year, end.month, 1)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    starts.reverse()
    out = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else end
        qs = MembershipPeriod.objects.filter(
            start_reason=PeriodStart.JOINED,
            started_on__gte=start,
            started_on__lte=stop,
            org__path__startswith=org.path,
        ).aggregate(n=Count("pk"), gig=Count("pk", filter=Q(member__employment=Employment.GIG)))
        out.append({"month": f"{start:%Y-%m}", "new_members": qs["n"], "gig": qs["gig"]})
    return out
