import random
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.workdays import is_statutory_holiday
from gonghui.stations.hours import (
    SHANGHAI,
    Schedule,
    answer,
    describe,
    validate_hours,
)

WEEKDAYS_9_TO_5 = [[["09:00", "17:00"]]] * 5 + [[], []]
NIGHT = [[["20:00", "02:00"]] for _ in range(7)]  # every evening into the next morning
ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


# 2025-03-03 is a Monday.


def test_it_opens_on_weekdays_only_within_the_slot():
    s = Schedule.build(WEEKDAYS_9_TO_5)
    assert s.open_at(datetime(2025, 3, 3, 9, 0))
    assert s.open_at(datetime(2025, 3, 3, 16, 59))
    assert not s.open_at(datetime(2025, 3, 3, 17, 0))
    assert not s.open_at(datetime(2025, 3, 3, 8, 59))
    assert not s.open_at(datetime(2025, 3, 8, 10, 0))  # Saturday


def test_it_keeps_a_slot_open_across_midnight():
    hours = [[] for _ in range(7)]
    hours[4] = [["22:00", "03:00"]]  # Friday night into Saturday
    s = Schedule.build(hours)
    assert s.open_at(datetime(2025, 3, 7, 23, 30))  # Friday
    assert s.open_at(datetime(2025, 3, 8, 2, 59))  # Saturday early morning
    assert not s.open_at(datetime(2025, 3, 8, 3, 0))
    assert not s.open_at(datetime(2025, 3, 7, 2, 0))  # Friday early: Thursday had no slot
    a = answer(s, in_service=True, at=at(2025, 3, 8, 1, 0))
    assert a.open_now and a.closes_at == at(2025, 3, 8, 3, 0)


def test_it_wraps_sunday_night_into_monday():
    hours = [[] for _ in range(7)]
    hours[6] = [["23:00", "01:00"]]
    s = Schedule.build(hours)
    assert s.open_at(datetime(2025, 3, 10, 0, 30))  # Monday 00:30, from Sunday's slot


def test_it_treats_24_hour_days_as_one_opening():
    s = Schedule.build(ALWAYS)
    assert s.always_open
    assert s.open_at(datetime(2025, 3, 3, 0, 0)) and s.open_at(datetime(2025, 3, 3, 23, 59))
    a = answer(s, in_service=True, at=at(2025, 3, 3, 12))
    assert a.open_now and a.closes_at is None and a.opens_at is None


def test_it_closes_a_24_hour_station_on_a_closure_day():
    s = Schedule.build(ALWAYS, closures=[(date(2025, 3, 5), date(2025, 3, 6))])
    assert not s.open_at(datetime(2025, 3, 5, 12))
    assert not s.open_at(datetime(2025, 3, 6, 23, 59))
    assert s.open_at(datetime(2025, 3, 7, 0, 0))
    a = answer(s, in_service=True, at=at(2025, 3, 4, 12))
    assert a.closes_at == at(2025, 3, 5, 0, 0)
    b = answer(s, in_service=True, at=at(2025, 3, 5, 12))
    assert not b.open_now and b.opens_at == at(2025, 3, 7, 0, 0)


def test_a_closure_cuts_the_tail_of_the_night_before():
    s = Schedule.build(NIGHT, closures=[(date(2025, 3, 4), date(2025, 3, 4))])
    assert s.open_at(datetime(2025, 3, 3, 23, 0))
    assert not s.open_at(datetime(2025, 3, 4, 1, 0))  # the closed day, from Monday's slot
    a = answer(s, in_service=True, at=at(2025, 3, 3, 23))
    assert a.closes_at == at(2025, 3, 4, 0, 0)
    b = answer(s, in_service=True, at=at(2025, 3, 4, 10))
    assert b.opens_at == at(2025, 3, 5, 0, 0)  # Tuesday's slot tail is cut too; Wednesday 00:00


@pytest.mark.django_db  # the holiday schedule is a table
def test_it_closes_on_statutory_holidays_when_asked():
    national_day = date(2025, 10, 1)
    assert is_statutory_holiday(national_day)
    assert not is_statutory_holiday(date(2025, 3, 8))  # an ordinary Saturday
    every_day = [[["08:00", "20:00"]] for _ in range(7)]
    s = Schedule.build(every_day, closed_on_holidays=True)
    assert not s.open_at(datetime(2025, 10, 1, 10))
    assert s.open_at(datetime(2025, 3, 8, 10))
    assert Schedule.build(every_day).open_at(datetime(2025, 10, 1, 10))


def test_it_answers_when_a_closed_station_opens_next():
    s = Schedule.build(WEEKDAYS_9_TO_5)
    a = answer(s, in_service=True, at=at(2025, 3, 7, 18))  # Friday evening
    assert not a.open_now and a.opens_at == at(2025, 3, 10, 9)
    b = answer(s, in_service=True, at=at(2025, 3, 3, 10))
    assert b.open_now and b.closes_at == at(2025, 3, 3, 17)


def test_suspended_positions_are_never_open():
    a = answer(Schedule.build(ALWAYS), in_service=False, at=at(2025, 3, 3, 12))
    assert a == (False, None, None) or (not a.open_now and a.opens_at is None)


def test_the_quick_test_agrees_with_the_intervals():
    rng = random.Random(5)
    hours = [
        [["07:30", "11:00"], ["13:00", "01:30"]],
        [["00:00", "24:00"]],
        [],
        [["22:00", "06:00"]],
        [["09:00", "17:00"]],
        [["00:00", "24:00"]],
        [["18:00", "23:59"]],
    ]
    s = Schedule.build(hours, closures=[(date(2025, 3, 12), date(2025, 3, 12))])
    start = datetime(2025, 3, 3)
    for _ in range(2000):
        moment = start + timedelta(minutes=rng.randrange(14 * 1440))
        in_intervals = any(a <= moment < b for a, b in s.intervals(start.date()))
        assert s.open_at(moment) == in_intervals, moment


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [[]] * 6,
        [[["9:00", "17:00"]]] + [[]] * 6,
        [[["09:00", "09:00"]]] + [[]] * 6,
        [[["24:00", "02:00"]]] + [[]] * 6,
        [[["09:00"]]] + [[]] * 6,
        [[["09:00", "25:00"]]] + [[]] * 6,
    ],
)
def test_it_refuses_malformed_schedules(bad):
    with pytest.raises(ValidationError):
        validate_hours(bad)


def test_it_describes_hours_for_the_sign():
    lines = dict(describe([[["00:00", "24:00"]], [["20:00", "02:00"]], [], [], [], [], []]))
    assert lines[0] == "全天24小时"
    assert lines[1] == "20:00–次日02:00"
    assert lines[2] == "不开放"
