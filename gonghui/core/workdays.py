"""Working-day maths for deadlines (工作日), in one place.

Each year's holiday schedule (statutory holidays and make-up working days) is a table
(``core.CalendarYear``/``CalendarDay``): the years chinese-calendar knows are copied in
after every ``migrate`` (core/calendars.py), and a city admin enters a new year from the
State Council's notice the day it is published, without a release. Every process holds
one copy of the table (a ``ProcessCache`` under the generation key ``workdays``): other
processes see a change within 30 s, and a deadline about to be stored checks the
generation at once.

A year with no schedule counts Monday to Friday as working days, so a deadline is never
refused, only possibly a day early; it says so: ``source(year)`` is ``weekdays_only``, a
warning is logged once per process and year, and city admins see a banner from
1 November until next year's schedule is in.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import generations
from gonghui.core.errors import Conflict
from gonghui.core.generations import ProcessCache
from gonghui.core.models import CalendarDay, CalendarYear

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CACHE_KEY = "workdays"
WEEKDAYS_ONLY = "weekdays_only"
_warned: set[int] = set()


def today() -> date:
    """Return today's date in Beijing (Asia/Shanghai), whatever the server's zone."""
    return timezone.now().astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Calendar:
    """One snapshot of the schedule table: which years it knows, and their days."""

    sources: dict[int, str] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def source(self, year: int) -> str:
        """Return ``library``, ``entered`` or ``weekdays_only`` (no schedule for the year)."""
        return self.sources.get(year, WEEKDAYS_ONLY)

    def is_workday(self, day: date) -> bool:
        if day.year not in self.sources:
            return day.weekday() < 5
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def is_statutory_holiday(self, day: date) -> bool:
        return day in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError("days must not be negative")
        local = start.astimezone(SHANGHAI)
        if days == 0:
            return local
        day, counted = local.date(), 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)

    def working_days_between(self, start: date, end: date) -> int:
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            n += self.is_workday(day)
        return n

    def years(self) -> Iterable[int]:
        return sorted(self.sources)


def load() -> Calendar:
    """Read the whole schedule table (a few hundred rows) into a ``Calendar``."""
    sources = dict(CalendarYear.objects.values_list("year", "source"))
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return Calendar(sources, frozenset(holidays), frozenset(workdays))


_cache: ProcessCache[Calendar] = ProcessCache(CACHE_KEY, load)


def current() -> Calendar:
    """Return this process's copy of the schedule (checked every 30 s)."""
    return _cache.get()


class CalendarBusy(Conflict):
    """A city admin's change of the schedule is being saved: a deadline computed now
    could miss the recount of that change, so the step is refused for those seconds."""


def for_deadline() -> Calendar:
    """Return the schedule to compute a deadline that will be stored, checked now.

    The shared lock makes a schedule change (which holds it exclusively while it
    recounts the open deadlines) wait for deadlines already being computed, so it
    recounts them too; one computed during the change would have missed it.
    """
    # The lock and the generation's token in one statement: this is on every intake.
    locked, token = generations.current_under_shared_lock(CACHE_KEY)
    if not locked:
        raise CalendarBusy(
            _("工作日历正在更新，请稍后再试。"), code="calendar_updating", retry_after=5
        )
    return _cache.get(token=token)


def _warn_fallback(day: date, calendar: Calendar) -> None:
    if day.year not in calendar.sources and day.year not in _warned:
        _warned.add(day.year)
        log.warning("no holiday data for %s: counting Monday-Friday as working days", day.year)


def source(year: int) -> str:
    """Return where ``year``'s schedule comes from: ``library``, ``entered`` or
    ``weekdays_only`` (none yet: Monday to Friday count)."""
    return current().source(year)


def is_workday(day: date) -> bool:
    calendar = current()
    _warn_fallback(day, calendar)
    return calendar.is_workday(day)


def is_statutory_holiday(day: date) -> bool:
    """Return whether ``day`` is a statutory holiday (法定节假日), not merely a weekend.

    A year without a schedule has none (stations then keep their hours).
    """
    return current().is_statutory_holiday(day)


def add_working_days(start: datetime, days: int) -> datetime:
    """Return the end of the ``days``-th working day after ``start`` (Asia/Shanghai).

    The day of ``start`` itself does not count, as in "办结 within 7 working days":
    an appeal dispatched on Friday afternoon with 1 working day is due at the end
    of Monday (or of the next working day after a holiday).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = for_deadline()
    due = calendar.add_working_days(start, days)
    _warn_fallback(due.date(), calendar)
    return due


def working_days_between(start: date, end: date) -> int:
    """Return how many working days lie after ``start`` up to and including ``end``."""
    return current().working_days_between(start, end)
