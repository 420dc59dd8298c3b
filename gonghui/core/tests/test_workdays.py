from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gonghui.core.workdays import add_working_days, is_workday, working_days_between

SH = ZoneInfo("Asia/Shanghai")

# The schedule is a table (seeded from chinese-calendar after migrate).
pytestmark = pytest.mark.django_db


def at(y, m, d, h=10):
    return datetime(y, m, d, h, 0, tzinfo=SH)


def test_it_knows_the_2026_spring_festival_and_its_make_up_days():
    # 2026: holiday 15-23 February; Saturday 14 February and 28 February are workdays.
    assert not is_workday(date(2026, 2, 16))
    assert not is_workday(date(2026, 2, 23))
    assert is_workday(date(2026, 2, 14))
    assert is_workday(date(2026, 2, 28))


def test_it_counts_seven_working_days_across_the_spring_festival():
    # Dispatched Thursday 12 Feb: 13 (Fri), 14 (Sat, make-up), 24, 25, 26, 27, 28 (Sat).
    due = add_working_days(at(2026, 2, 12), 7)
    assert due == datetime(2026, 2, 28, 23, 59, 59, tzinfo=SH)


def test_it_counts_across_national_day_2026():
    # 1-7 October 2026 are holidays; Saturday 10 October is a make-up workday.
    assert not is_workday(date(2026, 10, 5))
    assert is_workday(date(2026, 10, 10))
    assert add_working_days(at(2026, 9, 30, 17), 1).date() == date(2026, 10, 8)
    assert add_working_days(at(2026, 9, 30, 17), 3).date() == date(2026, 10, 10)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0


def test_it_skips_weekends():
    assert add_working_days(at(2026, 11, 20), 1).date() == date(2026, 11, 23)  # Fri -> Mon


def test_it_falls_back_to_weekdays_for_years_without_data():
    # The library does not know 2027 yet: Mon-Fri count, nothing is refused.
    due = add_working_days(at(2026, 12, 31), 3)
    assert due.date() == date(2027, 1, 5)


def test_it_refuses_negative_days():
    with pytest.raises(ValueError):
        add_working_days(at(2026, 11, 20), -1)
