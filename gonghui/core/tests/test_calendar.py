"""The holiday schedule table: seeded years, entered years, the fallback, the API and its
permissions, the audit, the generation across processes, the November warning."""

import logging
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client

from gonghui.accounts.services import create_api_key
from gonghui.core import calendars, locks, workdays
from gonghui.core.errors import ServiceError
from gonghui.core.models import AuditLog, CalendarDay, CalendarYear, Generation
from gonghui.core.testing import check_matrix, schedule_2027
from gonghui.orgs.models import Org

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER_2026 = datetime(2026, 11, 20, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def put(client: Client, year: int, body: dict):
    return client.put(f"/api/v1/calendar/{year}", body, content_type="application/json")


def test_it_copies_every_year_the_library_knows_into_the_table():
    years = dict(CalendarYear.objects.values_list("year", "source"))
    assert set(range(2004, 2027)) <= set(years)
    assert set(years.values()) == {"library"}
    s2026 = calendars.schedule(2026)
    assert s2026.source == "library"
    assert date(2026, 2, 16) in s2026.holidays and date(2026, 2, 15) in s2026.holidays
    assert s2026.workdays == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    # A second seed adds nothing and does not overwrite an entered year.
    assert calendars.seed_from_library() == []


def test_it_reports_a_year_without_a_schedule_as_weekdays_only(street_handler, caplog):
    body = street_handler.api().get("/api/v1/calendar/2027").json()
    assert body == {
        "year": 2027,
        "source": "weekdays_only",
        "holidays": [],
        "workdays": [],
        "notice": "",
        "updated_at": None,
    }
    assert workdays.source(2027) == "weekdays_only"
    assert workdays.source(2026) == "library"
    workdays._warned.discard(2027)
    with caplog.at_level(logging.WARNING, logger="gonghui.core.workdays"):
        # Monday 8 February 2027 lies in the Spring Festival, but nobody has said so yet.
        assert workdays.is_workday(date(2027, 2, 8))
    assert "no holiday data for 2027" in caplog.text


def test_it_counts_working_days_across_an_entered_spring_festival(city_admin, street_handler):
    with time_machine.travel(NOVEMBER_2026, tick=False):
        # Before: Thursday 4 February + 1 working day is Friday 5 February.
        assert workdays.add_working_days(datetime(2027, 2, 4, 10, tzinfo=SH), 1).date() == date(
            2027, 2, 5
        )
        response = put(city_admin.api(), 2027, schedule_2027())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["source"] == "entered"
    assert body["holidays"][:4] == ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-05"]
    assert body["workdays"] == ["2027-01-31", "2027-02-20"]
    assert body["notice"] == schedule_2027()["notice"]
    assert body["changed_days"] == 9  # 7 weekdays off, 2 weekend days on
    # Thursday 4 February + 1 working day is now Monday 15 February (5-13 off, 14 Sunday).
    due = workdays.add_working_days(datetime(2027, 2, 4, 10, tzinfo=SH), 1)
    assert due == datetime(2027, 2, 15, 23, 59, 59, tzinfo=SH)
    # Friday 29 January + 1: the make-up Sunday 31 January.
    assert workdays.add_working_days(datetime(2027, 1, 29, 10, tzinfo=SH), 1).date() == date(
        2027, 1, 31
    )
    assert workdays.working_days_between(date(2027, 2, 4), date(2027, 2, 20)) == 6
    assert workdays.is_statutory_holiday(date(2027, 2, 8))
    assert not workdays.is_statutory_holiday(date(2027, 2, 20))
    # Any staff member reads it back, with its source.
    read = street_handler.api().get("/api/v1/calendar/2027").json()
    assert read["source"] == "entered" and read["holidays"] == body["holidays"]


@pytest.mark.parametrize(
    "change,code,field",
    [
        ({"holidays": ["2027-02-05", "2026-12-31"]}, "date_outside_year", "holidays"),
        ({"workdays": ["2028-01-02"]}, "date_outside_year", "workdays"),
        ({"workdays": ["2027-01-31", "2027-02-06"]}, "holiday_and_workday", "workdays"),
        ({"workdays": ["2027-02-01"]}, "workday_not_weekend", "workdays"),
        ({"holidays": []}, "no_holidays", "holidays"),
        ({"notice": "  \x00 \x0b "}, "notice_required", "notice"),
        ({"notice": "通" * 201}, "notice_too_long", "notice"),
    ],
)
def test_it_refuses_a_bad_schedule_and_stores_nothing(city_admin, change, code, field):
    body = {**schedule_2027(), **change}
    with time_machine.travel(NOVEMBER_2026, tick=False):
        response = put(city_admin.api(), 2027, body)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] == code
    assert field in answer["errors"]
    assert answer["detail"]  # a sentence, in Chinese
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_it_names_the_dates_it_refuses(city_admin):
    body = {**schedule_2027(), "workdays": ["2027-02-01", "2027-02-02"]}
    with time_machine.travel(NOVEMBER_2026, tick=False):
        answer = put(city_admin.api(), 2027, body).json()
    assert "2027-02-01" in answer["detail"] and "2027-02-02" in answer["detail"]
    assert "周六或周日" in answer["detail"]


@pytest.mark.parametrize(
    "year,body,code",
    [
        (2030, schedule_2027(), "year_out_of_range"),  # too far ahead to be published
        (2027, {**schedule_2027(), "holidays": ["2027-02-30"]}, "invalid_request"),
        (2027, {**schedule_2027(), "holidays": "2027-02-05"}, "invalid_request"),
        (2027, {"holidays": ["2027-02-05"]}, "invalid_request"),  # no notice
        # A lone surrogate is refused at the API's edge, before the schema (core/inputs.py).
        (2027, {**schedule_2027(), "notice": "通知\ud800"}, "invalid_characters"),
        (2**63, schedule_2027(), "invalid_request"),
        (99999, schedule_2027(), "invalid_request"),
    ],
)
def test_it_refuses_bad_years_and_malformed_dates(city_admin, year, body, code):
    with time_machine.travel(NOVEMBER_2026, tick=False):
        response = put(city_admin.api(), year, body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert not CalendarYear.objects.filter(source="entered").exists()


def test_it_lets_only_a_city_admin_enter_a_schedule(personas):
    city = Org.objects.get(admin_code="110000")
    raw_key, _key = create_api_key(org=city, name="12351 call centre")
    with time_machine.travel(NOVEMBER_2026, tick=False):
        check_matrix(
            personas,
            lambda p: put(p.api(), 2027, schedule_2027()),
            {
                "courier": 401,  # a worker's token is no staff credential
                "street_handler": 403,
                "district_supervisor": 403,
                "outsider": 403,
            },
        )
        assert put(Client(), 2027, schedule_2027()).status_code == 401
        assert put(Client(headers={"X-Api-Key": raw_key}), 2027, schedule_2027()).status_code == 401
        refused = put(personas["district_supervisor"].api(), 2027, schedule_2027()).json()
        assert refused["code"] == "city_admin_only"
        assert not CalendarYear.objects.filter(year=2027).exists()
        check_matrix(personas, lambda p: put(p.api(), 2027, schedule_2027()), {"city_admin": 200})
        check_matrix(
            personas,
            lambda p: p.api().get("/api/v1/calendar/2027"),
            {
                "courier": 401,
                "street_handler": 200,
                "district_supervisor": 200,
                "outsider": 200,
                "city_admin": 200,
            },
        )
        assert Client().get("/api/v1/calendar/2027").status_code == 401
        api_key = Client(headers={"X-Api-Key": raw_key})
        assert api_key.get("/api/v1/calendar/2027").status_code == 200


def test_an_admin_below_the_city_may_not_enter_a_schedule(personas):
    from gonghui.orgs.models import StaffRole

    supervisor = personas["district_supervisor"]
    StaffRole.objects.create(user=supervisor.user, org=supervisor.org, role="admin")
    with time_machine.travel(NOVEMBER_2026, tick=False):
        assert put(supervisor.api(), 2027, schedule_2027()).status_code == 403


def test_a_session_write_needs_the_csrf_token(city_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_admin.user)
    with time_machine.travel(NOVEMBER_2026, tick=False):
        response = put(client, 2027, schedule_2027())
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"


def test_it_audits_an_entered_schedule(city_admin):
    with time_machine.travel(NOVEMBER_2026, tick=False):
        put(city_admin.api(), 2027, schedule_2027())
    entry = AuditLog.objects.get(action="calendar.enter")
    assert entry.actor == city_admin.user
    assert entry.org_path == Org.objects.get(admin_code="110000").path
    assert entry.detail["year"] == 2027 and entry.detail["previous_source"] == "weekdays_only"
    assert entry.detail["workdays"] == ["2027-01-31", "2027-02-20"]
    assert "2027-02-08" in entry.detail["changed"]
    assert entry.detail["moved"] == {"appeals": 0, "members": 0}


def test_a_process_rebuilds_its_copy_after_another_process_entered_a_year():
    builds = []
    real_build = workdays._cache.build

    def counting_build():
        builds.append(1)
        return real_build()

    workdays._cache.build = counting_build
    try:
        workdays._cache.clear()
        assert workdays.source(2027) == "weekdays_only" and len(builds) == 1
        assert workdays.is_workday(date(2027, 2, 8)) and len(builds) == 1  # the same copy
        # Another process enters 2027: its rows and its bump reach this process only
        # through the database.
        row = CalendarYear.objects.create(year=2027, source="entered", notice="通知")
        CalendarDay.objects.create(day=date(2027, 2, 8), year=row, kind="holiday")
        Generation.objects.update_or_create(key="workdays", defaults={"token": 2027})
        assert workdays.is_workday(date(2027, 2, 8))  # checked at most every 30 s
        assert len(builds) == 1
        # A deadline about to be stored checks the generation at once.
        due = workdays.add_working_days(datetime(2027, 2, 5, 10, tzinfo=SH), 1)
        assert due.date() == date(2027, 2, 9) and len(builds) == 2
        assert workdays.source(2027) == "entered"
        # Within the interval, later reads check again and see the same token.
        workdays._cache._checked -= workdays._cache.check_every
        assert not workdays.is_workday(date(2027, 2, 8)) and len(builds) == 2
    finally:
        workdays._cache.build = real_build


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks")
def test_a_deadline_is_refused_while_a_schedule_change_is_being_saved():
    holding, release = threading.Event(), threading.Event()

    def change_in_progress():
        try:
            with transaction.atomic():
                locks.lock_for(workdays.CACHE_KEY)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=change_in_progress)
    thread.start()
    try:
        assert holding.wait(30)
        with pytest.raises(ServiceError) as busy:
            workdays.add_working_days(datetime(2027, 2, 5, 10, tzinfo=SH), 1)
        assert (busy.value.status, busy.value.code) == (409, "calendar_updating")
    finally:
        release.set()
        thread.join(30)
    assert workdays.add_working_days(datetime(2027, 2, 5, 10, tzinfo=SH), 1).date() == date(
        2027, 2, 8
    )


@pytest.mark.parametrize(
    "today,missing",
    [
        (date(2026, 10, 31), []),
        (date(2026, 11, 1), [2027]),
        (date(2026, 12, 31), [2027]),
        (date(2027, 1, 4), [2027]),  # still missing in the new year: more urgent still
    ],
)
def test_it_asks_for_next_years_schedule_from_november(today, missing):
    assert calendars.missing_years(today) == missing


def test_city_admins_see_a_warning_on_the_console_home_until_next_year_is_in(
    city_admin, street_handler
):
    with time_machine.travel(datetime(2026, 10, 31, 10, tzinfo=SH), tick=False):
        assert "尚未录入2027年" not in city_admin.browser().get("/console/").content.decode()
    with time_machine.travel(NOVEMBER_2026, tick=False):
        page = city_admin.browser().get("/console/").content.decode()
        assert "尚未录入2027年的节假日安排" in page
        assert 'href="/console/calendar/?year=2027"' in page
        assert "尚未录入" not in street_handler.browser().get("/console/").content.decode()
        put(city_admin.api(), 2027, schedule_2027())
        assert "尚未录入" not in city_admin.browser().get("/console/").content.decode()


def test_the_console_page_enters_a_schedule_typed_as_ranges(city_admin):
    browser = city_admin.browser()
    form = {
        "notice": schedule_2027()["notice"],
        "holidays": "2027-01-01~2027-01-03\n2027年2月5日至2027年2月13日",
        "workdays": "2027-01-31，2027/2/20",
    }
    with time_machine.travel(NOVEMBER_2026, tick=False):
        before = browser.get("/console/calendar/?year=2027").content.decode()
        assert 'data-source="weekdays_only"' in before
        checked = browser.post("/console/calendar/?year=2027", {**form, "action": "check"})
        assert checked.status_code == 200
        assert "检查通过" in checked.content.decode()
        assert 'data-date="2027-02-08" data-kind="holiday"' in checked.content.decode()
        assert not CalendarYear.objects.filter(year=2027).exists()  # a check stores nothing
        saved = browser.post(
            "/console/calendar/?year=2027", {**form, "action": "save"}, follow=True
        )
    page = saved.content.decode()
    assert "已保存2027年节假日安排：9天的工作日属性有变化，0件未办结事项" in page
    assert 'data-source="entered"' in page
    assert 'data-date="2027-01-31" data-kind="workday"' in page
    stored = calendars.schedule(2027)
    assert [d.isoformat() for d in stored.holidays] == schedule_2027()["holidays"]
    assert [d.isoformat() for d in stored.workdays] == schedule_2027()["workdays"]
    # The form shows what is stored as ranges, ready to correct.
    assert "2027-02-05~2027-02-13" in page


def test_the_console_page_says_what_it_cannot_read_and_stores_nothing(city_admin):
    browser = city_admin.browser()
    with time_machine.travel(NOVEMBER_2026, tick=False):
        response = browser.post(
            "/console/calendar/?year=2027",
            {"notice": "通知", "holidays": "2027-02-05\n2月8日\n2027-02-30", "action": "save"},
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert "看不懂这些日期" in page and "2月8日" in page and "2027-02-30" in page
        weekday = browser.post(
            "/console/calendar/?year=2027",
            {
                "notice": "通知",
                "holidays": "2027-02-05",
                "workdays": "2027-02-08",
                "action": "save",
            },
        )
        assert weekday.status_code == 422 and "周六或周日" in weekday.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_other_staff_may_check_the_calendar_but_not_change_it(street_handler):
    browser = street_handler.browser()
    with time_machine.travel(NOVEMBER_2026, tick=False):
        page = browser.get("/console/calendar/?year=2026")
        assert page.status_code == 200
        assert 'data-date="2026-02-16" data-kind="holiday"' in page.content.decode()
        assert 'name="holidays"' not in page.content.decode()
        refused = browser.post(
            "/console/calendar/?year=2027",
            {"notice": "通知", "holidays": "2027-02-05", "action": "save"},
        )
    assert refused.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert Client().get("/console/calendar/").status_code == 302  # to the login page


def test_it_answers_a_body_that_is_not_json_with_400(city_admin):
    with time_machine.travel(NOVEMBER_2026, tick=False):
        response = city_admin.api().put(
            "/api/v1/calendar/2027", '{"holidays": [', content_type="application/json"
        )
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    assert not CalendarYear.objects.filter(year=2027).exists()
