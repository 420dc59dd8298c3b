"""Fetch membership records with permission: members, join applications and founding
cases by their union, transfers by either side. Out of scope is 404 (never 403);
``write=True`` also needs a deciding role at the record's union (403)."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.errors import Forbidden
from gonghui.members.models import FoundingCase, JoinApplication, Member, Transfer
from gonghui.members.workflow import DECIDERS, ORGANISERS
from gonghui.orgs import access


def visible_members(principal) -> QuerySet[Member]:
    return access.scoped(Member.objects.all(), principal, "org__path")


def visible_applications(principal) -> QuerySet[JoinApplication]:
    return access.scoped(JoinApplication.objects.all(), principal, "org__path")


def visible_transfers(principal) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        access.scope_q(principal, "from_org__path") | access.scope_q(principal, "to_org__path")
    )


def visible_founding_cases(principal) -> QuerySet[FoundingCase]:
    return access.scoped(FoundingCase.objects.all(), principal, "org__path")


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _require(principal, org, roles) -> None:
    if not (access.roles_over(principal, org) & roles):
        raise Forbidden(_("您的岗位不能进行此操作。"), code="forbidden_role")


def get_member_for(principal, pk, *, write: bool = False) -> Member:
    member = _get(visible_members(principal).select_related("org").defer("org__boundary"), pk)
    if write:
        _require(principal, member.org, DECIDERS)
    return member


def get_application_for(principal, pk, *, write: bool = False) -> JoinApplication:
    application = _get(
        visible_applications(principal)
        .select_related("org", "street", "member")
        .defer("org__boundary", "street__boundary"),
        pk,
    )
    if write:
        _require(principal, application.org, DECIDERS)
    return application


def get_transfer_for(principal, pk, *, write: bool = False) -> Transfer:
    """``write``: a deciding role on either side (which side acts is the workflow's)."""
    transfer = _get(visible_transfers(principal), pk)
    if write and not (
        access.roles_over(principal, transfer.from_org) & DECIDERS
        or access.roles_over(principal, transfer.to_org) & DECIDERS
    ):
        raise Forbidden(_("您的岗位不能进行此操作。"), code="forbidden_role")
    return transfer


def get_founding_case_for(principal, pk, *, write: bool = False) -> FoundingCase:
    case = _get(
        visible_founding_cases(principal)
        .select_related("enterprise", "org")
        .defer("org__boundary"),
        pk,
    )
    if write:
        _require(principal, case.org, ORGANISERS)
    return case
