"""Dates as people say them on a phone: "今天 22:00", "明天 08:00", "周三 09:00",
"12月5日", in Beijing time. Worker pages use these instead of "12-02 22:00"."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.workdays import SHANGHAI


def _weekday(d: date) -> str:
    return [
        pgettext("weekday", "周一"),
        pgettext("weekday", "周二"),
        pgettext("weekday", "周三"),
        pgettext("weekday", "周四"),
        pgettext("weekday", "周五"),
        pgettext("weekday", "周六"),
        pgettext("weekday", "周日"),
    ][d.weekday()]


def spoken_day(value: date | datetime, *, now: datetime | None = None) -> str:
    """Return the day of ``value`` as said aloud: 今天, 明天, 昨天, 后天, 周三 (within the
    coming week), else 12月5日 (this year) or 2027年1月5日."""
    now = timezone.localtime(now or timezone.now(), SHANGHAI)
    if isinstance(value, datetime):
        value = timezone.localtime(value, SHANGHAI).date()
    days = (value - now.date()).days
    if days == 0:
        return _("今天")
    if days == 1:
        return _("明天")
    if days == -1:
        return _("昨天")
    if days == 2:
        return _("后天")
    if 2 < days < 7:
        return _weekday(value)
    if value.year == now.year:
        return _("%(month)d月%(day)d日") % {"month": value.month, "day": value.day}
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def spoken(value: datetime | None, *, now: datetime | None = None) -> str:
    """Return day and time as said aloud: "今天 22:00", "周三 09:00", "12月5日 09:00"."""
    if value is None:
        return ""
    local = timezone.localtime(value, SHANGHAI)
    return f"{spoken_day(local, now=now)} {local:%H:%M}"
