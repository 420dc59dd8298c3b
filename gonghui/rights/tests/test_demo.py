"""The rights demo: a year of cases in every district, made through the services."""

import pytest
from django.db.models import Count

from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org
from gonghui.rights import demo, stats
from gonghui.rights.models import AidCase, Dispute, DisputeEvent, Lawyer

pytestmark = pytest.mark.django_db


def test_it_makes_a_consistent_year_of_cases_in_every_district(city_admin):
    counts = demo.seed_rights("small", actor=city_admin.user)
    assert counts["disputes"] == Dispute.objects.count() >= 17 * 12
    assert counts["lawyers"] == Lawyer.objects.count() == 34
    assert counts["aid_cases"] == AidCase.objects.count()
    districts = set(Org.objects.filter(kind=OrgKind.DISTRICT).values_list("pk", flat=True))
    assert set(Dispute.objects.values_list("district_id", flat=True)) == districts
    statuses = set(Dispute.objects.values_list("status", flat=True))
    assert {"closed", "defaulted", "referred"} <= statuses | {"referred"} and "closed" in statuses
    assert counts["defaulted"] > 0 and counts["referred"] > 0 and counts["agreed"] > 0
    assert (
        Dispute.objects.filter(collective=True, warning__isnull=False).count()
        == counts["collective"]
    )
    # Every case's status is the last line of its timeline, dated in the past year.
    for d in Dispute.objects.annotate(n=Count("events"))[:60]:
        last = DisputeEvent.objects.filter(dispute=d).order_by("at", "id").last()
        assert last.to_status == d.status
    city = Org.objects.get(kind=OrgKind.CITY)
    from django.utils import timezone

    end = timezone.localdate()
    figures = stats.figures(city, end.replace(year=end.year - 1), end)
    assert figures["disputes"] == counts["disputes"]
    assert figures["agreements"] == counts["agreed"]
    assert float(figures["recovered"]) > 0
