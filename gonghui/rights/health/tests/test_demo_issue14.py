"""The issue-14 demo: health checks at every stage with findings open, closed and
overdue; contracts of all three scopes, one overdue for filing; the 朝阳 round table."""

import pytest

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights import demo_issue14
from gonghui.rights.consultations.models import AgreedItem
from gonghui.rights.contracts.models import CollectiveContract
from gonghui.rights.health.models import Finding, HealthCheck

pytestmark = pytest.mark.django_db


def test_it_seeds_every_part_once(city_admin):
    for code in ["110105026", "110108011"]:
        street = Org.objects.get(admin_code=code)
        for i in range(12):
            Enterprise.objects.create(
                name=f"{street.name}演示企业{i}",
                uscc=f"9111{code}{i:04d}",
                street=street,
                size_band="medium",
            )
    counts = demo_issue14.seed("small", seed_value=3)
    assert counts["health_checks"] == 8
    statuses = set(HealthCheck.objects.values_list("status", flat=True))
    assert {"self_assessment", "reviewed"} <= statuses and statuses & {"verified", "closed"}
    assert (
        Finding.objects.filter(status="closed").exists()
        and Finding.objects.filter(status="open").exists()
    )
    assert set(CollectiveContract.objects.values_list("scope", flat=True)) == {
        "enterprise",
        "regional",
        "industry",
    }
    assert CollectiveContract.objects.filter(
        status="signed", file_overdue_flagged_at__isnull=False
    ).exists()
    assert CollectiveContract.objects.filter(status="effective").count() >= 6
    assert AgreedItem.objects.filter(reported_on__isnull=False).count() == 1
    assert demo_issue14.seed("small") == {}  # once only
