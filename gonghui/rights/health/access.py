"""Fetch health checks with permission: staff see the checks of the enterprises in their
org subtree (by the street's path); anything else is 404."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.orgs import access
from gonghui.orgs.models import Enterprise
from gonghui.rights.health.models import Finding, HealthCheck


def visible_health_checks(principal) -> QuerySet[HealthCheck]:
    return access.scoped(HealthCheck.objects.all(), principal, "org_path")


def get_health_check_for(principal, pk) -> HealthCheck:
    try:
        return (
            visible_health_checks(principal)
            .select_related("enterprise", "checklist", "street", "district")
            .defer("street__boundary", "district__boundary")
            .get(pk=pk)
        )
    except (HealthCheck.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_finding_for(principal, hc: HealthCheck, pk) -> Finding:
    try:
        return hc.findings.get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def visible_enterprises(principal) -> QuerySet[Enterprise]:
    return access.scoped(Enterprise.objects.all(), principal, "street__path")


def get_enterprise_for(principal, pk) -> Enterprise:
    try:
        return visible_enterprises(principal).select_related("street__parent").get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
