"""The holiday schedule table: seeded from chinese-calendar, entered by a city admin, and
the open deadlines a change moves.

A case type whose deadlines count working days registers a recount in its
``AppConfig.ready`` (``register_recount``, like core/sweeps.py), so ``core`` never
imports an app: after a change, each recount gets the old and the new schedule and
moves the open deadlines whose count of working days crosses a changed date, in the
transaction of the change, and returns how many it moved.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, generations, locks
from gonghui.core import workdays as working_days
from gonghui.core.models import CalendarDay, CalendarYear
from gonghui.core.workdays import SHANGHAI, WEEKDAYS_ONLY, Calendar

# The warning that next year's schedule is missing starts on this (month, day).
WARN_FROM = (11, 1)
MAX_NOTICE = 200
# Control characters and lone surrogates (a JSON "\ud800" decodes to one) never reach
# the database: PostgreSQL refuses NUL and surrogates, an export would break on them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


# --- the registry of recounts -------------------------------------------------------------


@dataclass(frozen=True)
class CalendarChange:
    """One saved change of a year's schedule, as a recount sees it."""

    year: int
    changed: frozenset[date]  # days that were working days and are not, or the reverse
    old: Calendar
    new: Calendar
    now: datetime
    actor: object = None

    @property
    def first(self) -> date:
        return min(self.changed)

    @property
    def last(self) -> date:
        return max(self.changed)

    @property
    def due_from(self) -> datetime:
        """A deadline before this moment counts no changed day: it stays."""
        return datetime.combine(self.first, time.min, tzinfo=SHANGHAI)

    @property
    def started_until(self) -> datetime:
        """A count that started after this moment counts no changed day: it stays."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=SHANGHAI)

    def moved(self, start: datetime, due: datetime) -> datetime:
        """Return ``due`` moved so that it lies as many working days after ``start``
        under the new schedule as it did under the old one (the time of day is kept).

        ``due`` is the end of a count of working days that began on ``start`` (the
        day of ``start`` not counted, as ``add_working_days`` does), extensions
        included. A deadline whose count crosses no changed day is returned as it is.
        """
        first = start.astimezone(SHANGHAI).date()
        local = due.astimezone(SHANGHAI)
        last = local.date()
        if not any(first < day <= last for day in self.changed):
            return due
        wanted = self.old.working_days_between(first, last)
        have = self.new.working_days_between(first, last)
        day = last
        if have < wanted:  # working days were lost: later by as many new ones
            while have < wanted:
                day += timedelta(days=1)
                have += self.new.is_workday(day)
        else:  # as many or more: back to the wanted-th working day
            while have > wanted:
                have -= self.new.is_workday(day)
                day -= timedelta(days=1)
            # The due day itself may have stopped being a working day.
            while day > first and not self.new.is_workday(day):
                day -= timedelta(days=1)
        return datetime.combine(day, local.timetz())


Recount = Callable[[CalendarChange], int]
RECOUNTS: dict[str, Recount] = {}
LABELS: dict[str, str] = {}


def register_recount(name: str, label: str = "") -> Callable[[Recount], Recount]:
    """Register ``fn(change) -> number of open items moved`` under ``name``; ``label``
    names the items on the console (lazily translated)."""

    def decorator(fn: Recount) -> Recount:
        RECOUNTS[name] = fn
        LABELS[name] = label or name
        return fn

    return decorator


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """A year's schedule as the API and the console show it."""

    year: int
    source: str
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    notice: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""


def schedule(year: int) -> Schedule:
    """Return ``year``'s schedule from the table (not a process copy: it is what is stored)."""
    row = CalendarYear.objects.select_related("updated_by").filter(year=year).first()
    if row is None:
        return Schedule(year=year, source=WEEKDAYS_ONLY)
    days = list(CalendarDay.objects.filter(year=row).values_list("day", "kind"))
    return Schedule(
        year=year,
        source=row.source,
        holidays=[d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY],
        workdays=[d for d, kind in days if kind == CalendarDay.Kind.WORKDAY],
        notice=row.notice,
        updated_at=row.updated_at,
        updated_by=row.updated_by.get_username() if row.updated_by else "",
    )


def missing_years(on: date | None = None) -> list[int]:
    """Return the years a city admin must enter now: this year if it has no schedule,
    and from 1 November next year too (the State Council publishes it in the autumn)."""
    on = on or working_days.today()
    years = [on.year]
    if (on.month, on.day) >= WARN_FROM:
        years.append(on.year + 1)
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [y for y in years if y not in known]


# --- writing ------------------------------------------------------------------------------


def editable_years(on: date | None = None) -> range:
    """Years that may be entered: last year (a late correction) to next year."""
    on = on or working_days.today()
    return range(on.year - 1, on.year + 2)


def validate(
    year: int, *, holidays: Iterable[date], workdays: Iterable[date], notice: str
) -> tuple[list[date], list[date], str]:
    """Return the sorted holidays, make-up working days and the notice title, or raise
    ValidationError naming every bad date (nothing is stored)."""
    holidays, made_up = sorted(set(holidays)), sorted(set(workdays))
    notice = " ".join(_CONTROL.sub(" ", notice or "").split())
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message: str, code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if year not in editable_years():
        refuse(
            "year",
            _("只能录入%(first)d年至%(last)d年的节假日安排。")
            % {"first": editable_years()[0], "last": editable_years()[-1]},
            "year_out_of_range",
        )
    for name, days in (("holidays", holidays), ("workdays", made_up)):
        outside = [d for d in days if d.year != year]
        if outside:
            refuse(
                name,
                _("以下日期不在%(year)d年内：%(days)s。") % {"year": year, "days": _list(outside)},
                "date_outside_year",
            )
    both = sorted(set(holidays) & set(made_up))
    if both:
        refuse(
            "workdays",
            _("以下日期不能既放假又上班：%(days)s。") % {"days": _list(both)},
            "holiday_and_workday",
        )
    weekdays = [d for d in made_up if d.weekday() < 5]
    if weekdays:
        refuse(
            "workdays",
            _("调休上班日应是周六或周日，以下日期本来就是工作日：%(days)s。")
            % {"days": _list(weekdays)},
            "workday_not_weekend",
        )
    if not holidays:
        refuse("holidays", _("请至少录入一个放假日期。"), "no_holidays")
    if not notice:
        refuse("notice", _("请填写国务院办公厅通知的标题。"), "notice_required")
    elif len(notice) > MAX_NOTICE:
        refuse("notice", _("通知标题最多200个字。"), "notice_too_long")
    if errors:
        raise ValidationError(errors)
    return holidays, made_up, notice


def _list(days: list[date]) -> str:
    shown = "、".join(d.isoformat() for d in days[:10])
    return shown + ("……" if len(days) > 10 else "")


@dataclass(frozen=True)
class Entered:
    """The result of a change: what is stored and how many open items it moved."""

    schedule: Schedule
    changed_days: int
    moved: dict[str, int]

    @property
    def moved_total(self) -> int:
        return sum(self.moved.values())


def enter(
    year: int,
    *,
    holidays: Iterable[date],
    workdays: Iterable[date],
    notice: str,
    actor,
    org=None,
    request=None,
) -> Entered:
    """Store ``year``'s schedule as entered from the notice, replacing what was there,
    and move the open deadlines it changes (every registered recount), in one
    transaction with its audit row. ``org`` scopes the audit row (the city federation).

    The permission (a city admin) is checked by the caller.
    """
    holidays, made_up, notice = validate(year, holidays=holidays, workdays=workdays, notice=notice)
    try:
        with transaction.atomic():
            # Exclusive: waits for deadlines being computed now (they hold it shared), and
            # deadlines asked for until this commits are refused, so none misses the recount.
            locks.lock_for(working_days.CACHE_KEY)
            old = working_days.load()
            row, _created = CalendarYear.objects.update_or_create(
                year=year,
                defaults={
                    "source": CalendarYear.Source.ENTERED,
                    "notice": notice,
                    "updated_by": actor,
                },
            )
            CalendarDay.objects.filter(year=row).delete()
            CalendarDay.objects.bulk_create(
                [CalendarDay(day=d, year=row, kind=CalendarDay.Kind.HOLIDAY) for d in holidays]
                + [CalendarDay(day=d, year=row, kind=CalendarDay.Kind.WORKDAY) for d in made_up]
            )
            new = working_days.load()
            changed = frozenset(d for d in _days_of(year) if old.is_workday(d) != new.is_workday(d))
            moved = {name: 0 for name in RECOUNTS}
            if changed:
                change = CalendarChange(year, changed, old, new, timezone.now(), actor)
                moved = {name: fn(change) for name, fn in RECOUNTS.items()}
            generations.bump(working_days.CACHE_KEY)
            audit.record(
                "calendar.enter",
                actor=actor,
                obj=row,
                org=org,
                request=request,
                year=year,
                notice=notice,
                previous_source=old.source(year),
                holidays=[d.isoformat() for d in holidays],
                workdays=[d.isoformat() for d in made_up],
                changed=[d.isoformat() for d in sorted(changed)],
                moved=moved,
            )
    except BaseException:
        # A copy rebuilt inside the rolled-back transaction must not outlive it.
        working_days._cache.clear()
        raise
    return Entered(schedule(year), len(changed), moved)


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def seed_from_library() -> list[int]:
    """Copy every year chinese-calendar knows and the table has not got yet (an entered
    year is never overwritten); return the years added. Runs after every ``migrate``, so
    an upgraded library adds its new years by itself."""
    import chinese_calendar

    by_year: dict[int, list[tuple[date, str]]] = {}
    for day in chinese_calendar.holidays:
        by_year.setdefault(day.year, []).append((day, CalendarDay.Kind.HOLIDAY))
    for day in chinese_calendar.workdays:
        by_year.setdefault(day.year, []).append((day, CalendarDay.Kind.WORKDAY))
    known = set(CalendarYear.objects.values_list("year", flat=True))
    missing = sorted(set(by_year) - known)
    if not missing:
        return []
    label = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    with transaction.atomic():
        rows = CalendarYear.objects.bulk_create(
            [
                CalendarYear(year=y, source=CalendarYear.Source.LIBRARY, notice=label)
                for y in missing
            ]
        )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(day=d, year=row, kind=kind)
                for row in rows
                for d, kind in by_year[row.year]
            ]
        )
        generations.bump(working_days.CACHE_KEY)
    return missing
