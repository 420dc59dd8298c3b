"""公示 dates on the Chinese calendar, and approval only after the 公示 has ended."""

from datetime import date, timedelta

import pytest
import time_machine

from gonghui.care import services
from gonghui.care.models import Application
from gonghui.care.tests.conftest import ALL_ITEMS, apply, upload
from gonghui.core import calendars, workdays
from gonghui.core.errors import Conflict

# The 2027 Spring Festival schedule is not published yet (chinese-calendar knows up to
# 2026), so the test enters one of the usual shape: eight days off from 除夕 with two
# make-up Saturdays/Sundays. The code must follow whatever schedule the calendar holds.
HOLIDAYS_2027 = {date(2027, 2, 5) + timedelta(days=i) for i in range(8)}  # Fri 5 – Fri 12
MAKE_UP_2027 = {date(2027, 1, 31), date(2027, 2, 20)}  # Sun 31 Jan, Sat 20 Feb


# Working days come from the calendar table (core/workdays.py): library years are seeded,
# later years are entered by a city admin as here.
pytestmark = pytest.mark.django_db


@pytest.fixture
def spring_festival_2027(city_admin):
    calendars.enter(
        2027,
        holidays=sorted(HOLIDAYS_2027),
        workdays=sorted(MAKE_UP_2027),
        notice="国务院办公厅关于2027年部分节假日安排的通知（测试用）",
        actor=city_admin.user,
    )
    workdays._cache.clear()


def test_it_skips_the_spring_festival_holiday(spring_festival_2027):
    # Thu 4 Feb and then nothing until Mon 15 Feb: 4, 15, 16, 17, 18.
    assert services.publicity_end(date(2027, 2, 4), 5) == date(2027, 2, 18)


def test_it_counts_a_make_up_saturday(spring_festival_2027):
    # Fri 19, Sat 20 (make-up), Mon 22, Tue 23, Wed 24.
    assert services.publicity_end(date(2027, 2, 19), 5) == date(2027, 2, 24)
    # Starting on a holiday, the first working day counts first: 15–19 Feb.
    assert services.publicity_end(date(2027, 2, 8), 5) == date(2027, 2, 19)


def test_it_knows_the_national_day_holiday_of_a_library_year():
    # 2026: 1–7 October off, Sat 10 Oct a make-up day: 30 Sep, 8, 9 and 10 Oct.
    assert services.publicity_end(date(2026, 9, 30), 4) == date(2026, 10, 10)


def reviewed(courier, member, union_staff, street_handler, district_supervisor) -> int:
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    for code in ALL_ITEMS:
        upload(client, app_id, code)
    client.post(f"/api/v1/care/applications/{app_id}/submit")
    url = f"/api/v1/care/applications/{app_id}"
    union_staff.client.post(f"{url}/approve")
    street_handler.api().post(f"{url}/approve")
    assert district_supervisor.api().post(f"{url}/approve").json()["status"] == "reviewed"
    return app_id


def test_it_publicises_then_approves_only_after_the_last_day(
    courier,
    member,
    union_staff,
    street_handler,
    district_supervisor,
    city_admin,
    spring_festival_2027,
):
    app_id = reviewed(courier, member, union_staff, street_handler, district_supervisor)
    url = f"/api/v1/care/applications/{app_id}"
    resp = street_handler.api().post(
        "/api/v1/care/publicity",
        {"application_ids": [app_id], "starts_on": "2027-02-04"},
        content_type="application/json",
    )
    assert resp.status_code == 403  # 公示 is the district's
    resp = district_supervisor.api().post(
        "/api/v1/care/publicity",
        {"application_ids": [app_id], "starts_on": "2027-02-04"},
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["ends_on"] == "2027-02-18"
    assert courier.api().get(url).json()["status"] == "publicity"
    # Tokens and sessions expire long before 2027, so the service is called directly.
    with time_machine.travel(date(2027, 2, 18), tick=False):
        with pytest.raises(Conflict) as exc:
            services.decide(district_supervisor.user, app_id, "approve")
        assert exc.value.code == "publicity_running"
    with time_machine.travel(date(2027, 2, 19), tick=False):
        assert services.decide(district_supervisor.user, app_id, "approve").status == "approved"
    assert Application.objects.get(pk=app_id).publicity.days == 5


def test_it_refuses_a_publicity_of_unreviewed_or_unseen_applications(
    courier, member, district_supervisor, outsider
):
    app_id = apply(courier.api(), member).json()["id"]
    body = {"application_ids": [app_id], "starts_on": "2027-03-01"}
    r = district_supervisor.api().post(
        "/api/v1/care/publicity", body, content_type="application/json"
    )
    assert r.status_code == 409
    r = outsider.api().post("/api/v1/care/publicity", body, content_type="application/json")
    assert r.status_code == 404
    r = district_supervisor.api().post(
        "/api/v1/care/publicity",
        {"application_ids": [], "starts_on": "2027-03-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert Application.objects.get(pk=app_id).publicity is None
