"""Check-ins (throttled per device, worker and IP), ratings, problem reports, star scores."""

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError

from gonghui.appeals.models import Appeal
from gonghui.core.errors import Throttled
from gonghui.stations import services
from gonghui.stations.choices import CRITERIA_WEIGHTS, stars_for
from gonghui.stations.hours import SHANGHAI
from gonghui.stations.models import CheckIn, PositionReport, Rating


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_one_check_in_per_device_per_station_per_hour(make_position):
    p = make_position()
    t = datetime(2025, 3, 3, 14, 5, tzinfo=SHANGHAI)
    services.check_in(p, device="dev-a", used=["charging"], at=t)
    with pytest.raises(Throttled) as exc:
        services.check_in(p, device="dev-a", at=t + timedelta(minutes=40))
    assert exc.value.code == "already_checked_in"
    services.check_in(p, device="dev-b", at=t + timedelta(minutes=40))  # another phone
    services.check_in(p, device="dev-a", at=t + timedelta(minutes=56))  # the next hour
    q = make_position(name="另一站")
    services.check_in(q, device="dev-a", at=t)  # another station
    assert CheckIn.objects.count() == 4
    assert CheckIn.objects.filter(position=p).first().used == ["charging"]


def test_a_signed_in_worker_checks_in_once_per_hour_whatever_the_device(make_position, courier):
    p = make_position()
    t = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
    services.check_in(p, device="phone", worker=courier.worker, at=t)
    with pytest.raises(Throttled):
        services.check_in(p, device="browser-2", worker=courier.worker, at=t)


def test_check_ins_are_throttled_per_ip(make_position):
    p = make_position()
    t = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
    for i in range(services.CHECKIN_IP_LIMIT):
        services.check_in(p, device=f"d{i}", ip="10.0.0.1", at=t)
    with pytest.raises(Throttled) as exc:
        services.check_in(p, device="d-new", ip="10.0.0.1", at=t)
    assert exc.value.code == "checkin_throttled"
    services.check_in(p, device="d-new", ip="10.0.0.2", at=t)


def test_check_in_api_uses_the_device_cookie(client, make_position):
    p = make_position()
    client.cookies[services.DEVICE_COOKIE] = "cookie-device-1"
    url = f"/api/v1/stations/{p.pk}/checkins"
    r = client.post(url, json.dumps({"used": ["water"]}), content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post(url, json.dumps({"used": ["water"]}), content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "already_checked_in"
    assert r.json()["detail"] == "您这一小时已经在这里打过卡了，谢谢！"
    r = client.post(url, json.dumps({"used": ["spa"]}), content_type="application/json")
    assert r.status_code in (422, 429)
    fresh = client.__class__()
    r = fresh.post(url, json.dumps({}), content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "no_device"


def test_rating_needs_a_worker_login_and_is_one_per_worker(client, make_position, courier):
    p = make_position()
    url = f"/api/v1/stations/{p.pk}/ratings"
    r = client.post(url, json.dumps({"score": 5}), content_type="application/json")
    assert r.status_code == 401
    api = courier.api()
    assert (
        api.post(
            url, json.dumps({"score": 4, "comment": "热水很方便"}), content_type="application/json"
        ).json()["average"]
        == 4
    )
    r = api.post(url, json.dumps({"score": 2}), content_type="application/json").json()
    assert r["count"] == 1 and r["average"] == 2
    bad = api.post(url, json.dumps({"score": 6}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_score"
    assert Rating.objects.get().score == 2


def test_reporting_a_problem_files_a_services_appeal_at_the_station(
    make_position, courier, wangjing
):
    p = make_position()
    report = services.report_problem(p, worker=courier.worker, text="饮水机坏了好几天没人修")
    appeal = Appeal.objects.get(pk=report.appeal_id)
    assert appeal.category == "services"
    assert p.name in appeal.text and "饮水机坏了" in appeal.text
    assert appeal.district.admin_code == "110105"
    # Straight to the owner org, which can fix it, with its deadlines running.
    assert appeal.status == "dispatched" and appeal.assigned_org == wangjing
    assert appeal.accept_by is not None and appeal.resolve_by is not None
    assert PositionReport.objects.get().position == p
    with pytest.raises(ValidationError):
        services.report_problem(p, worker=courier.worker, text="坏")
    assert Appeal.objects.count() == 1


def test_star_score_weights_and_thresholds(make_position, city_admin):
    assert sum(CRITERIA_WEIGHTS.values()) == 100
    assert [stars_for(s) for s in (95, 90, 89.9, 80, 70, 60, 59)] == [5, 5, 4, 4, 3, 2, 1]
    p = make_position()
    scores = {
        "facilities": 100,
        "hours": 80,
        "signage": 60,
        "cleanliness": 90,
        "usage": 40,
        "ratings": 70,
    }
    with time_machine.travel(datetime(2025, 7, 1, 10, tzinfo=SHANGHAI)):
        a = services.assess(p, scores=scores, assessed_on=date(2025, 6, 30), actor=city_admin.user)
        # 25 + 16 + 6 + 13.5 + 6 + 10.5
        assert a.total == 77.0 and a.stars == 3
        p.refresh_from_db()
        assert p.stars == 3 and p.last_assessed_on == date(2025, 6, 30)
        # An older assessment entered later is kept but does not replace the stars.
        services.assess(
            p, scores={k: 100 for k in scores}, assessed_on=date(2024, 6, 1), actor=city_admin.user
        )
        p.refresh_from_db()
        assert p.stars == 3 and p.assessments.count() == 2
        with pytest.raises(ValidationError):
            services.assess(
                p,
                scores={**scores, "usage": 120},
                assessed_on=date(2025, 6, 30),
                actor=city_admin.user,
            )
        with pytest.raises(ValidationError):
            services.assess(
                p, scores={"facilities": 90}, assessed_on=date(2025, 6, 30), actor=city_admin.user
            )


def test_the_annual_round_lists_stations_not_assessed_this_year(make_position, city_admin):
    from gonghui.stations.models import Position

    done = make_position(name="已评")
    due = make_position(name="未评")
    scores = {k: 80 for k in CRITERIA_WEIGHTS}
    with time_machine.travel(datetime(2025, 7, 1, 10, tzinfo=SHANGHAI)):
        services.assess(done, scores=scores, assessed_on=date(2025, 3, 1), actor=city_admin.user)
        services.assess(due, scores=scores, assessed_on=date(2024, 3, 1), actor=city_admin.user)
    listed = set(services.due_for_assessment(Position.objects.all(), year=2025))
    assert listed == {due}


def test_open_at_a_stored_position_follows_status_and_closures(make_position, city_admin):
    from gonghui.stations.hours import answer_for, open_at

    from .conftest import DAYTIME

    p = make_position(hours=DAYTIME)
    monday_noon = datetime(2025, 3, 3, 12, tzinfo=SHANGHAI)
    assert open_at(p, monday_noon)
    assert answer_for(p, monday_noon).closes_at == datetime(2025, 3, 3, 20, tzinfo=SHANGHAI)
    services.add_closure(
        p, start=date(2025, 3, 3), end=date(2025, 3, 4), reason="检修", actor=city_admin.user
    )
    p.refresh_from_db()
    assert not open_at(p, monday_noon)
    assert answer_for(p, monday_noon).opens_at == datetime(2025, 3, 5, 8, tzinfo=SHANGHAI)
    with pytest.raises(ValidationError):
        services.add_closure(p, start=date(2025, 3, 5), end=date(2025, 3, 1), actor=city_admin.user)
    services.set_status(p, "suspended", actor=city_admin.user)
    p.refresh_from_db()
    assert not open_at(p, datetime(2025, 3, 6, 12, tzinfo=SHANGHAI))
    assert answer_for(p, monday_noon).opens_at is None
