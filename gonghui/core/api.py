"""The holiday schedule API: any staff member reads a year, a city admin enters one."""

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from pydantic import Field

from gonghui.accounts.auth import staff_auth, staff_user_auth
from gonghui.core import calendars
from gonghui.core.api_routes import ErrorOut
from gonghui.core.errors import Forbidden
from gonghui.orgs.access import city_admin_org

router = Router(tags=["calendar"])


class CalendarOut(Schema):
    year: int
    source: Literal["library", "entered", "weekdays_only"] = Field(
        description="library: chinese-calendar; entered: a city admin, from the notice; "
        "weekdays_only: no schedule yet, Monday to Friday count as working days"
    )
    holidays: list[date] = Field(description="statutory holidays, weekends inside them included")
    workdays: list[date] = Field(description="make-up working days (Saturdays and Sundays)")
    notice: str = Field(description="the State Council notice's title (entered years)")
    updated_at: datetime | None


class CalendarIn(Schema):
    holidays: list[date] = Field(max_length=366)
    workdays: list[date] = Field(default_factory=list, max_length=366)
    notice: str = Field(max_length=1000, description="the notice's title, up to 200 characters")


class CalendarChangeOut(CalendarOut):
    changed_days: int = Field(description="days that became, or stopped being, working days")
    moved: dict[str, int] = Field(description="open items whose deadline moved, per case type")
    moved_total: int


Year = Path(..., ge=1900, le=2100, description="a year, e.g. 2027")


def _out(schedule: calendars.Schedule) -> dict:
    return {
        "year": schedule.year,
        "source": schedule.source,
        "holidays": schedule.holidays,
        "workdays": schedule.workdays,
        "notice": schedule.notice,
        "updated_at": schedule.updated_at,
    }


@router.get(
    "/{int:year}",
    response={200: CalendarOut, 401: ErrorOut, 422: ErrorOut},
    auth=staff_auth,
    summary="A year's holiday schedule",
)
def get_year(request, year: int = Year):
    return _out(calendars.schedule(year))


@router.put(
    "/{int:year}",
    response={
        200: CalendarChangeOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=staff_user_auth,
    summary="Enter a year's holiday schedule (city admins); moves open deadlines",
)
def put_year(request, payload: CalendarIn, year: int = Year):
    org = city_admin_org(request.auth)
    if org is None:
        raise Forbidden(_("只有市总工会管理员可以录入节假日安排。"), code="city_admin_only")
    entered = calendars.enter(
        year,
        holidays=payload.holidays,
        workdays=payload.workdays,
        notice=payload.notice,
        actor=request.auth,
        org=org,
        request=request,
    )
    return {
        **_out(entered.schedule),
        "changed_days": entered.changed_days,
        "moved": entered.moved,
        "moved_total": entered.moved_total,
    }
