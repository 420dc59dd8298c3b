"""``CalendarChange.moved``: a moved deadline is exactly the one the new schedule gives."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.calendars import CalendarChange
from gonghui.core.workdays import Calendar

SH = ZoneInfo("Asia/Shanghai")
YEAR_DAYS = [date(2027, 1, 1) + timedelta(days=i) for i in range(365)]


def schedule(holidays: set[date], workdays: set[date], known: bool) -> Calendar:
    return Calendar({2027: "entered"} if known else {}, frozenset(holidays), frozenset(workdays))


@st.composite
def calendars(draw) -> Calendar:
    weekends = [d for d in YEAR_DAYS if d.weekday() >= 5]
    holidays = set(draw(st.lists(st.sampled_from(YEAR_DAYS), max_size=25)))
    workdays = set(draw(st.lists(st.sampled_from(weekends), max_size=6))) - holidays
    return schedule(holidays, workdays, draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(
    old=calendars(),
    new=calendars(),
    start_day=st.sampled_from(YEAR_DAYS[:300]),
    hour=st.integers(0, 23),
    days=st.integers(1, 40),
)
def test_a_moved_deadline_is_the_one_the_new_schedule_gives(old, new, start_day, hour, days):
    start = datetime(start_day.year, start_day.month, start_day.day, hour, tzinfo=SH)
    changed = frozenset(d for d in YEAR_DAYS if old.is_workday(d) != new.is_workday(d))
    if not changed:
        return
    change = CalendarChange(2027, changed, old, new, start)
    due = old.add_working_days(start, days)
    assert change.moved(start, due) == new.add_working_days(start, days)


def test_a_deadline_counted_before_the_changed_days_stays():
    old = schedule(set(), set(), known=False)
    new = schedule({date(2027, 2, 8)}, set(), known=True)
    change = CalendarChange(2027, frozenset({date(2027, 2, 8)}), old, new, datetime.now(SH))
    start = datetime(2027, 1, 25, 10, tzinfo=SH)
    due = old.add_working_days(start, 5)  # Monday 1 February
    assert change.moved(start, due) is due
    later = datetime(2027, 2, 8, 10, tzinfo=SH)  # counting starts on the changed day
    assert change.moved(later, old.add_working_days(later, 1)) == old.add_working_days(later, 1)
