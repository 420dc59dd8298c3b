"""The console page of the holiday schedule: every staff member checks a year, a city
admin enters it from the State Council's notice (dates typed or pasted, one range or
date per line) and sees how many open deadlines the change moved."""

import calendar as month_maths
import re
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core import calendars, workdays
from gonghui.core.errors import ServiceError
from gonghui.core.workdays import WEEKDAYS_ONLY
from gonghui.orgs.access import city_admin_org

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_ITEM = re.compile(rf"{_DATE}(?:\s*(?:~|～|至|到|\.\.|—)\s*{_DATE})?")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_RANGE = 31  # no holiday period is longer; a longer range is a typing slip


def parse_dates(text: str, field: str) -> list[date]:
    """Return the dates in ``text``: ``2027-02-05``, ``2027年2月5日`` or a range such as
    ``2027-02-05~2027-02-13``, separated by lines, spaces or commas. Raise
    ValidationError naming what could not be read."""
    days: list[date] = []
    bad: list[str] = []
    rest = _ITEM.sub(lambda m: _expand(m, days, bad), text)
    bad += [t for t in _SEPARATORS.split(rest) if t]
    if bad:
        raise ValidationError(
            {
                field: ValidationError(
                    _("看不懂这些日期：%(items)s。请写成2027-02-05，或2027-02-05~2027-02-13。")
                    % {"items": "、".join(bad[:10])},
                    code="unreadable_date",
                )
            }
        )
    return days


def _expand(match: re.Match, days: list[date], bad: list[str]) -> str:
    numbers = [int(g) for g in match.groups() if g is not None]
    try:
        first = date(*numbers[:3])
        last = date(*numbers[3:]) if len(numbers) == 6 else first
    except ValueError:
        bad.append(match.group())
        return " "
    if not (0 <= (last - first).days < MAX_RANGE):
        bad.append(match.group())
        return " "
    days.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
    return " "


def _ranges(days: list[date]) -> str:
    """Write days back as lines of ranges, the way the notice lists them."""
    lines, run = [], []
    for day in sorted(days):
        if run and day - run[-1] == timedelta(days=1):
            run.append(day)
            continue
        if run:
            lines.append(_range_text(run))
        run = [day]
    if run:
        lines.append(_range_text(run))
    return "\n".join(lines)


def _range_text(run: list[date]) -> str:
    if len(run) == 1:
        return run[0].isoformat()
    return f"{run[0].isoformat()}~{run[-1].isoformat()}"


def _months(year: int, holidays: set[date], made_up: set[date]) -> list[dict]:
    """Twelve month grids (weeks from Monday) with each day's kind for the page."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_maths.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append({"day": None})
                elif day in holidays:
                    cells.append({"day": day, "kind": "holiday", "label": _("休")})
                elif day in made_up:
                    cells.append({"day": day, "kind": "workday", "label": _("班")})
                elif day.weekday() >= 5:
                    cells.append({"day": day, "kind": "weekend", "label": ""})
                else:
                    cells.append({"day": day, "kind": "", "label": ""})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return int(raw)
    missing = calendars.missing_years()
    return missing[-1] if missing else workdays.today().year


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    admin_org = city_admin_org(request.user)
    stored = calendars.schedule(year)
    form = {
        "holidays": _ranges(stored.holidays),
        "workdays": _ranges(stored.workdays),
        "notice": stored.notice if stored.source == "entered" else "",
    }
    shown = (set(stored.holidays), set(stored.workdays))
    error, checked, status = "", False, 200
    if request.method == "POST":
        if admin_org is None:
            return render(
                request,
                "core/calendar.html",
                {"year": year, "stored": stored, "forbidden": True},
                status=403,
            )
        form = {k: request.POST.get(k, "")[:20000] for k in ("holidays", "workdays", "notice")}
        try:
            holidays = parse_dates(form["holidays"], "holidays")
            made_up = parse_dates(form["workdays"], "workdays")
            if request.POST.get("action") == "check":
                holidays, made_up, _notice = calendars.validate(
                    year, holidays=holidays, workdays=made_up, notice=form["notice"] or "-"
                )
                shown, checked = (set(holidays), set(made_up)), True
            else:
                entered = calendars.enter(
                    year,
                    holidays=holidays,
                    workdays=made_up,
                    notice=form["notice"],
                    actor=request.user,
                    org=admin_org,
                    request=request,
                )
                messages.success(request, _saved_text(entered))
                return redirect(f"{reverse('core:calendar')}?year={year}")
        except ValidationError as exc:
            error, status = "；".join(exc.messages), 422
        except ServiceError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "stored": stored,
            "weekdays_only": stored.source == WEEKDAYS_ONLY,
            "form": form,
            "months": _months(year, *shown),
            "checked": checked,
            "error": error,
            "can_edit": admin_org is not None,
            "years": [year - 1, year + 1],
            "weekday_names": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
        status=status,
    )


def _saved_text(entered: calendars.Entered) -> str:
    text = _(
        "已保存%(year)d年节假日安排：%(days)d天的工作日属性有变化，"
        "%(moved)d件未办结事项的办理时限随之重新计算。"
    ) % {
        "year": entered.schedule.year,
        "days": entered.changed_days,
        "moved": entered.moved_total,
    }
    parts = [f"{calendars.LABELS.get(name, name)} {n}" for name, n in entered.moved.items() if n]
    return text + (f"（{'，'.join(parts)}）" if parts else "")
