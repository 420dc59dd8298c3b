"""The metric registry dashboards read: apps register at start-up, core knows no app."""

from datetime import date

from gonghui.appeals import metrics as appeal_metrics
from gonghui.core import metrics
from gonghui.members import drives
from gonghui.orgs.models import Org


def test_it_holds_the_three_appeal_rates_as_rates(db):
    rates = {m.key for m in metrics.of_kind(metrics.RATE)}
    assert rates >= {
        "appeals_response_rate",
        "appeals_resolution_rate",
        "appeals_satisfaction_rate",
    }
    org = Org.objects.get(admin_code="110105")
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    expected = appeal_metrics.for_org(org, start, end)
    assert metrics.value("appeals_resolution_rate", org, start, end) == expected.resolution_rate


def test_it_offers_drive_plans_only_counts_members_first():
    keys = [key for key, _label in drives.metric_choices()]
    assert "appeals_response_rate" not in keys
    assert keys.index("stations_built") > keys.index("new_members")
    assert keys[-1] == drives.MANUAL
    assert drives.SOURCES["stations_built"].app == "stations"
