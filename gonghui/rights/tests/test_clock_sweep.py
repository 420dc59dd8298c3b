"""The clock sweep: the day-12 warning to the mediator, the day-15 text to the worker,
the 30-day limitation warning; each once, even when the sweep runs twice."""

from datetime import date, datetime, time, timedelta

import pytest

from gonghui.core import pii
from gonghui.core.models import Notice, OutboxMessage
from gonghui.core.workdays import SHANGHAI
from gonghui.rights import services
from gonghui.rights.models import DisputeEvent

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _intake(**over) -> services.DisputeIntake:
    data = {
        "channel": "written",
        "applicants": [{"name": "王芳", "phone": "13700001111"}],
        "employer_name": "北京某餐饮管理有限公司",
        "claims": [{"kind": "severance", "amount": "8000"}],
        "facts": "解除劳动合同未支付经济补偿。",
    }
    data.update(over)
    return services.DisputeIntake(**data)


def _texts() -> list[str]:
    return list(
        OutboxMessage.objects.filter(to_hash=pii.digest("phone", "13700001111")).values_list(
            "text", flat=True
        )
    )


def test_it_warns_the_mediator_on_day_12_and_tells_the_worker_on_day_15(street_handler):
    received = date(2026, 9, 28)  # across National Day: calendar days all the same
    dispute = services.create_dispute(
        _intake(), org=street_handler.org, actor=street_handler.user, now=at(received)
    )
    services.act(dispute, "accept", actor=street_handler.user, now=at(received, 10))
    assert services.run_clocks(now=at(received + timedelta(days=11), 23)) == 0
    assert services.run_clocks(now=at(received + timedelta(days=12))) == 1
    notice = Notice.objects.get(user=street_handler.user, text__contains=dispute.case_no)
    assert "第12日" in notice.text and "2026-10-13" in notice.text
    assert services.run_clocks(now=at(received + timedelta(days=14), 23)) == 0
    assert not any("15日" in t for t in _texts())
    assert services.run_clocks(now=at(received + timedelta(days=15), 8)) == 1
    day15 = [t for t in _texts() if "15日" in t]
    assert len(day15) == 1 and "2026-10-13" in day15[0]
    # Twice is still once.
    assert services.run_clocks(now=at(received + timedelta(days=16))) == 0
    assert DisputeEvent.objects.filter(dispute=dispute, action="day12").count() == 1
    assert DisputeEvent.objects.filter(dispute=dispute, action="arbitration_notice").count() == 1


def test_it_sends_no_arbitration_notice_once_there_is_an_agreement(street_handler):
    received = date(2026, 11, 2)
    dispute = services.create_dispute(
        _intake(), org=street_handler.org, actor=street_handler.user, now=at(received)
    )
    services.act(dispute, "accept", actor=street_handler.user, now=at(received, 10))
    services.act(
        dispute,
        "agree",
        actor=street_handler.user,
        now=at(received + timedelta(days=5)),
        items=[{"kind": "severance", "amount": "6000"}],
        perform_by=(received + timedelta(days=20)).isoformat(),
    )
    assert services.run_clocks(now=at(received + timedelta(days=20))) == 0
    assert not DisputeEvent.objects.filter(
        dispute=dispute, action__in=["day12", "arbitration_notice"]
    ).exists()


def test_it_warns_30_days_before_the_limitation_runs_out(street_handler):
    received = date(2026, 11, 2)
    known = date(2025, 12, 15)  # the limitation ends 15 Dec 2026 (a Tuesday)
    dispute = services.create_dispute(
        _intake(known_since=known),
        org=street_handler.org,
        actor=street_handler.user,
        now=at(received),
    )
    assert dispute.limitation_until == date(2026, 12, 15)
    # The day-12 and day-15 notices go out first; the limitation one waits for 15 Nov.
    services.run_clocks(now=at(date(2026, 11, 14)))
    assert not DisputeEvent.objects.filter(dispute=dispute, action="limitation_warning").exists()
    services.run_clocks(now=at(date(2026, 11, 15)))
    assert DisputeEvent.objects.filter(dispute=dispute, action="limitation_warning").count() == 1
    assert any("2026-12-15" in t and "时效" in t for t in _texts())
    services.run_clocks(now=at(date(2026, 11, 20)))
    assert DisputeEvent.objects.filter(dispute=dispute, action="limitation_warning").count() == 1
