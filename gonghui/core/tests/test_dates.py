"""Dates as people say them on the worker pages (core.dates)."""

from datetime import date, datetime

import pytest
from django.utils import translation

from gonghui.core.dates import spoken, spoken_day
from gonghui.core.tests.test_locale import compiled_en  # noqa: F401 (a fixture)
from gonghui.core.workdays import SHANGHAI

# A Wednesday afternoon in Beijing.
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_it_says_today_tomorrow_and_the_weekday_of_the_coming_week():
    assert spoken(at(2, 22), now=NOW) == "今天 22:00"
    assert spoken(at(3, 8, 30), now=NOW) == "明天 08:30"
    assert spoken(at(1, 9), now=NOW) == "昨天 09:00"
    assert spoken(at(4, 9), now=NOW) == "后天 09:00"
    assert spoken(at(7, 9), now=NOW) == "周一 09:00"
    assert spoken(at(9, 9), now=NOW) == "12月9日 09:00"  # a week on: the date, not 周三
    assert spoken(at(5, 9, month=1, year=2027), now=NOW) == "2027年1月5日 09:00"


def test_it_reads_the_day_in_beijing_whatever_the_zone_of_the_time():
    late_utc = datetime(2026, 12, 2, 16, 30, tzinfo=SHANGHAI).astimezone(SHANGHAI.__class__("UTC"))
    assert spoken(late_utc, now=NOW) == "今天 16:30"
    # 2026-12-02 17:00 UTC is 01:00 on the 3rd in Beijing: tomorrow
    assert spoken(datetime.fromisoformat("2026-12-02T17:00:00+00:00"), now=NOW) == "明天 01:00"
    assert spoken_day(date(2026, 12, 3), now=NOW) == "明天"
    assert spoken(None) == ""


@pytest.mark.usefixtures("compiled_en")
def test_it_speaks_english_in_the_english_locale():
    with translation.override("en"):
        assert spoken(at(2, 22), now=NOW) == "today 22:00"
        assert spoken(at(6, 9), now=NOW) == "Sun 09:00"
