"""The demo's year of appeals (``test`` scale): real rates, rankings, trend and warnings
for 朝阳 over the last 90 days, every state, tickets dated by their intake day."""

import random
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from gonghui.appeals import metrics
from gonghui.appeals.models import Appeal, AppealEvent, DailyStat
from gonghui.core.models import OutboxMessage
from gonghui.core.workdays import SHANGHAI
from gonghui.demo.history import seed_history
from gonghui.orgs.models import Org
from gonghui.warnings.models import EarlyWarning


@pytest.fixture
def history(db):
    return seed_history("test", rng=random.Random(12351))


@pytest.mark.django_db
def test_chaoyangs_dashboard_over_the_last_90_days_tells_a_true_story(history, district_supervisor):
    response = district_supervisor.browser().get("/console/appeals/dashboard/")
    assert response.status_code == 200
    today = timezone.localdate()
    assert (response.context["start"], response.context["end"]) == (
        today - timedelta(days=89),
        today,
    )
    assert response.context["top"].admin_code == "110105"
    rates = response.context["rates"]
    # All three rates are real numbers, none perfect and none zero.
    for rate in (rates.response_rate, rates.resolution_rate, rates.satisfaction_rate):
        assert rate is not None and 0.3 < rate < 1
    assert rates.score is not None
    streets = {lv["key"]: lv for lv in response.context["levels"]}["streets"]
    assert len(streets["ranked"]) >= 10
    scores = [r["rates"].score for r in streets["ranked"]]
    assert max(scores) - min(scores) > 0.05  # streets differ in how they handle appeals
    trend = response.context["chart"]["trend"]["scores"]
    values = [v for v in trend if v is not None]
    assert len(values) >= 10 and len(set(values)) > 1  # a year of months, not flat
    # At least one open early warning raised by the detectors in 朝阳.
    chaoyang = Org.objects.get(admin_code="110105")
    assert EarlyWarning.objects.filter(
        district=chaoyang, status="open", org__path__startswith=chaoyang.path
    ).exists()
    warnings_page = district_supervisor.browser().get("/console/warnings/")
    assert "暂无预警" not in warnings_page.content.decode()
    # (One test: the year takes a minute to write.)
    _every_state_and_step_with_tickets_of_their_intake_day(history)


def _every_state_and_step_with_tickets_of_their_intake_day(history):
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert {"received", "dispatched", "accepted", "in_progress", "resolved", "closed"} <= statuses
    actions = dict(AppealEvent.objects.values_list("action").annotate(n=Count("id")))
    for action in (
        "receive",
        "dispatch",
        "return",
        "accept",
        "contact",
        "extend",
        "extension/approve",
        "supervise",
        "overdue",
        "resolve",
        "answer_directly",
        "reopen",
        "evaluate",
    ):
        assert actions.get(action, 0) > 0, action
    assert set(Appeal.objects.values_list("eval_satisfaction", flat=True)) >= {
        "satisfied",
        "basically",
        "unsatisfied",
    }
    assert Appeal.objects.filter(overdue_resolve=True).exists()
    assert Appeal.objects.filter(extension_count__gt=0).exists()
    # Intake spans the year; each ticket number carries its intake day.
    oldest = Appeal.objects.order_by("created_at").first()
    assert oldest.created_at < timezone.now() - timedelta(days=300)
    for appeal in Appeal.objects.order_by("?")[:50]:
        day = appeal.created_at.astimezone(SHANGHAI).date()
        assert appeal.ticket_no.startswith(f"12351-{day:%Y%m%d}-")
        receive = appeal.events.get(action="receive")
        assert receive.at == appeal.created_at
    # Each appeal's timeline runs forward in time.
    for appeal in Appeal.objects.filter(status="closed").order_by("?")[:30]:
        times = list(appeal.events.order_by("pk").values_list("at", flat=True))
        assert times == sorted(times)
    # The roll-up equals a count straight from the appeals (朝阳, the last 90 days).
    chaoyang = Org.objects.get(admin_code="110105")
    today = timezone.localdate()
    start = today - timedelta(days=89)
    in_chaoyang = Appeal.objects.filter(assigned_org__path__startswith=chaoyang.path)
    assert metrics.for_org(chaoyang, start, today).counts == metrics.count_appeals(
        in_chaoyang, start, today
    )
    assert DailyStat.objects.exists()
    # No old receipt waits to be texted on the first start.
    assert not OutboxMessage.objects.filter(status="pending").exists()
    assert history.skipped == {}
