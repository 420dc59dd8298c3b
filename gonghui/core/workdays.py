"""Working-day maths for deadlines (工作日), in one place.

Statutory holidays and make-up workdays come from chinese-calendar. The library
knows the years the State Council has announced (it is updated each November);
for a year it does not know yet, Monday to Friday count as working days and a
warning is logged, so a deadline is never refused, only possibly a day early.
"""

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Return today's date in Beijing (the date on every form and deadline)."""
    return timezone.now().astimezone(SHANGHAI).date()


_warned: set[int] = set()


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("no holiday data for %s: counting Monday-Friday as working days", day.year)
        return day.weekday() < 5


@lru_cache(maxsize=1024)
def is_statutory_holiday(day: date) -> bool:
    """Return whether ``day`` is a statutory holiday (法定节假日), not merely a weekend.

    A year chinese-calendar does not know yet has none (stations then keep their hours).
    """
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(holiday and name)


def add_working_days(start: datetime, days: int) -> datetime:
    """Return the end of the ``days``-th working day after ``start`` (Asia/Shanghai).

    The day of ``start`` itself does not count, as in "办结 within 7 working days":
    an appeal dispatched on Friday afternoon with 1 working day is due at the end
    of Monday (or of the next working day after a holiday).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(SHANGHAI)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    if days == 0:
        return local
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def working_days_between(start: date, end: date) -> int:
    """Return how many working days lie after ``start`` up to and including ``end``."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += is_workday(day)
    return n
