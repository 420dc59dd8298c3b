"""The figures: per subtree and period, recounted here from the cases themselves."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from gonghui.core import metrics
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org
from gonghui.rights import legal_aid, services, stats

pytestmark = pytest.mark.django_db


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def _case(persona, day: date, amount: str, *, agree_after: int | None = None, refer=False):
    dispute = services.create_dispute(
        services.DisputeIntake(
            channel="written",
            applicants=[{"name": "吴磊", "phone": "13655554444"}],
            employer_name="北京某公司",
            claims=[{"kind": "wages", "amount": amount}],
            facts="拖欠工资。",
        ),
        org=persona.org,
        actor=persona.user,
        now=_at(day),
    )
    services.act(dispute, "accept", actor=persona.user, now=_at(day))
    if agree_after is not None:
        later = day + timedelta(days=agree_after)
        services.act(
            dispute,
            "agree",
            actor=persona.user,
            now=_at(later),
            items=[{"kind": "wages", "amount": amount}],
            perform_by=(later + timedelta(days=5)).isoformat(),
        )
        services.act(dispute, "performed", actor=persona.user, now=_at(later))
        services.act(
            dispute,
            "close",
            actor=persona.user,
            now=_at(later),
            outcome="performed",
            recovered=[{"kind": "wages", "amount": amount}],
        )
    if refer:
        services.act(dispute, "refer", actor=persona.user, now=_at(day), to="court")
    return dispute


def test_it_counts_the_cases_of_the_subtree_and_period(street_handler, outsider):
    _case(street_handler, date(2026, 3, 2), "1000", agree_after=4)
    _case(street_handler, date(2026, 3, 20), "2500.50", agree_after=2)
    _case(street_handler, date(2026, 3, 31), "700", refer=True)
    _case(street_handler, date(2026, 4, 1), "9999")  # outside the period
    _case(outsider, date(2026, 3, 10), "5000", agree_after=1)  # another district
    legal_aid.create_aid_case(
        org=street_handler.org,
        applicant={"name": "吴磊", "phone": "13655554444"},
        employer={"name": "北京某公司"},
        matter="拖欠工资",
        monthly_income="3000",
        actor=street_handler.user,
        now=datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI),  # the last local day counts
    )
    chaoyang = Org.objects.get(admin_code="110105")
    got = stats.figures(chaoyang, date(2026, 3, 1), date(2026, 3, 31))
    assert got == {
        "disputes": 3,
        "agreements": 2,
        "referred": 1,
        "collective": 0,
        "legal_aid": 1,
        "claimed": "4200.50",
        "recovered": "3500.50",
        "recovered_mediation": "3500.50",
        "recovered_legal_aid": "0.00",
        "avg_days_to_agreement": 3.0,
    }
    assert metrics.value("rights.cases", chaoyang, date(2026, 3, 1), date(2026, 3, 31)) == got
    city = Org.objects.get(admin_code="110000")
    assert stats.figures(city, date(2026, 3, 1), date(2026, 3, 31))["disputes"] == 4
    assert stats.figures(chaoyang, date(2026, 5, 1), date(2026, 5, 31))["claimed"] == "0.00"
    assert Decimal(stats.figures(city, date(2026, 1, 1), date(2026, 12, 31))["claimed"]) == Decimal(
        "19199.50"
    )


def test_it_answers_the_stats_api_with_decimal_strings(street_handler):
    _case(street_handler, date(2026, 3, 2), "1000.10", agree_after=1)
    body = (
        street_handler.api()
        .get(f"/api/v1/rights/stats?org={street_handler.org.pk}&from=2026-03-01&to=2026-03-31")
        .json()
    )
    assert body["claimed"] == "1000.10" and body["recovered"] == "1000.10"
    assert body["disputes"] == 1 and body["agreements"] == 1
    bad = street_handler.api().get("/api/v1/rights/stats?from=2026-04-01&to=2026-03-01")
    assert bad.status_code == 422
