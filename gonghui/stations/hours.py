"""Opening hours: is a position open at a moment, and when does it open or close next.

Rules (docs/stations.md):

- ``hours`` holds seven lists (Monday first) of ``[start, end]`` slots as ``"HH:MM"``.
  A slot with ``end <= start`` runs past midnight and ends on the next day at ``end``;
  ``["00:00", "24:00"]`` is open the whole day. Two days of 24 hours join into one
  opening with no close between them.
- A closure (a dated ``Closure`` or, with ``closed_on_holidays``, a statutory holiday)
  closes the position for every moment whose local date is that day, including the
  tail of a slot that began the evening before.
- Only ``status == open`` can be open; suspended and closed positions never are.

``Schedule`` is the compiled form used by the search index; ``open_at`` is the quick
test, ``intervals`` the exact list of openings from which ``opens_at``/``closes_at``
are read. Tests check the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.workdays import is_statutory_holiday

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 1440
HORIZON_DAYS = 15
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def parse_hhmm(value: str) -> int:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValidationError(
            _("时间“%(value)s”格式不对，应为 HH:MM（00:00–24:00）。") % {"value": value},
            code="invalid_hours",
        )
    h, m = value.split(":")
    return int(h) * 60 + int(m)


def validate_hours(hours) -> list[list[list[str]]]:
    """Return a cleaned weekly schedule or raise a ValidationError a person understands."""
    if not isinstance(hours, list) or len(hours) != 7:
        raise ValidationError(_("开放时间应为周一到周日共7天。"), code="invalid_hours")
    cleaned = []
    for day in hours:
        if not isinstance(day, list):
            raise ValidationError(_("开放时间应为周一到周日共7天。"), code="invalid_hours")
        slots = []
        for slot in day:
            if not isinstance(slot, list | tuple) or len(slot) != 2:
                raise ValidationError(
                    _("每个开放时段应写成开始和结束两个时间。"), code="invalid_hours"
                )
            start, end = parse_hhmm(slot[0]), parse_hhmm(slot[1])
            if start == DAY:
                raise ValidationError(_("开始时间不能是 24:00。"), code="invalid_hours")
            if start == end:
                raise ValidationError(
                    _("开放时段的开始和结束不能相同（全天开放请写 00:00–24:00）。"),
                    code="invalid_hours",
                )
            slots.append([slot[0], slot[1]])
        cleaned.append(sorted(slots))
    return cleaned


def _minutes(slot) -> tuple[int, int]:
    """Return (start, end) minutes from the day's midnight; end > DAY past midnight."""
    start, end = parse_hhmm(slot[0]), parse_hhmm(slot[1])
    if end <= start:
        end += DAY
    return start, end


@dataclass(frozen=True)
class Schedule:
    """A compiled schedule: per weekday, the (start, end) minutes of its slots."""

    days: tuple[tuple[tuple[int, int], ...], ...]
    closed_on_holidays: bool = False
    closures: tuple[tuple[date, date], ...] = ()

    @classmethod
    def build(cls, hours, *, closed_on_holidays: bool = False, closures=()) -> Schedule:
        days = tuple(tuple(sorted(_minutes(s) for s in day)) for day in hours)
        return cls(days, closed_on_holidays, tuple(sorted(closures)))

    @property
    def always_open(self) -> bool:
        return (
            not self.closures
            and not self.closed_on_holidays
            and all(any(s == 0 and e >= DAY for s, e in day) for day in self.days)
        )

    def closed_on(self, day: date) -> bool:
        for start, end in self.closures:
            if start <= day <= end:
                return True
        return self.closed_on_holidays and is_statutory_holiday(day)

    def open_at(self, local: datetime) -> bool:
        """Return whether the schedule is open at a local (Asia/Shanghai) moment."""
        day = local.date()
        if (self.closures or self.closed_on_holidays) and self.closed_on(day):
            return False
        minute = local.hour * 60 + local.minute
        for s, e in self.days[day.weekday()]:
            if s <= minute < e:
                return True
        return any(e > DAY and minute < e - DAY for _s, e in self.days[(day.weekday() - 1) % 7])

    def intervals(
        self, start_day: date, days: int = HORIZON_DAYS
    ) -> list[tuple[datetime, datetime]]:
        """Return the merged openings (local naive datetimes) from ``start_day - 1`` on."""
        raw: list[tuple[datetime, datetime]] = []
        first = start_day - timedelta(days=1)
        for i in range(days + 1):
            day = first + timedelta(days=i)
            midnight = datetime.combine(day, time())
            for s, e in self.days[day.weekday()]:
                raw.append((midnight + timedelta(minutes=s), midnight + timedelta(minutes=e)))
        # Cut out the closed days (whole local dates).
        pieces: list[tuple[datetime, datetime]] = []
        for s, e in raw:
            cursor = s
            while cursor < e:
                next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
                piece_end = min(e, next_midnight)
                if not self.closed_on(cursor.date()):
                    pieces.append((cursor, piece_end))
                cursor = piece_end
        pieces.sort()
        merged: list[tuple[datetime, datetime]] = []
        for s, e in pieces:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged


def local(at: datetime | None) -> datetime:
    """Return ``at`` (default now) as a naive Asia/Shanghai datetime."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = at.replace(tzinfo=SHANGHAI)
    return at.astimezone(SHANGHAI).replace(tzinfo=None)


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Answer:
    """Whether a position is open at a moment, and the next change (None: not within 15 days,
    or never, e.g. open round the clock or not in service)."""

    open_now: bool
    opens_at: datetime | None
    closes_at: datetime | None


def answer(schedule: Schedule, *, in_service: bool, at: datetime | None = None) -> Answer:
    """Return open/opens_at/closes_at for a compiled schedule at ``at`` (aware datetimes)."""
    moment = local(at)
    if not in_service:
        return Answer(False, None, None)
    for s, e in schedule.intervals(moment.date()):
        if s <= moment < e:
            last = datetime.combine(moment.date() + timedelta(days=HORIZON_DAYS), time())
            return Answer(True, None, None if e >= last else aware(e))
        if s > moment:
            return Answer(False, aware(s), None)
    return Answer(False, None, None)


def schedule_of(position, closures=None) -> Schedule:
    """Compile a position's schedule with its closures (loaded when not given)."""
    if closures is None:
        closures = [(c.start, c.end) for c in position.closures.all()]
    return Schedule.build(
        position.hours, closed_on_holidays=position.closed_on_holidays, closures=closures
    )


def open_at(position, at: datetime | None = None) -> bool:
    """Return whether a position is open at ``at`` (default now): status, schedule, closures."""
    from gonghui.stations.choices import Status

    if position.status != Status.OPEN:
        return False
    return schedule_of(position).open_at(local(at))


def answer_for(position, at: datetime | None = None) -> Answer:
    from gonghui.stations.choices import Status

    return answer(schedule_of(position), in_service=position.status == Status.OPEN, at=at)


def describe(hours) -> list[tuple[int, str]]:
    """Return (weekday, "08:00–20:00、22:00–次日02:00") lines for signs and pages."""
    lines = []
    for weekday, day in enumerate(hours):
        parts = []
        for start, end in day:
            if start == "00:00" and end == "24:00":
                parts.append(_("全天24小时"))
            elif parse_hhmm(end) <= parse_hhmm(start):
                parts.append(_("%(start)s–次日%(end)s") % {"start": start, "end": end})
            else:
                parts.append(f"{start}–{end}")
        lines.append((weekday, "、".join(parts) if parts else _("不开放")))
    return lines


ALL_DAY_WORDS = ("24小时", "全天", "24h", "00:00-24:00")


def day_from_text(text: str) -> list[list[str]]:
    """Parse one day as typed in a form or a spreadsheet cell.

    "08:00-12:00, 14:00-18:00" (two slots), "22:00-02:00" (past midnight), "24小时"
    (all day), empty or "不开放" (closed). The result is validated by ``validate_hours``.
    """
    text = (text or "").strip().replace("—", "-").replace("–", "-").replace("～", "-")
    text = text.replace("~", "-").replace("，", ",").replace("、", ",").replace("：", ":")
    if not text or text in ("不开放", "闭馆", "休息"):
        return []
    if text.lower() in ALL_DAY_WORDS or text in ("全天24小时",):
        return [["00:00", "24:00"]]
    slots = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        bits = [b.strip() for b in part.split("-")]
        if len(bits) != 2:
            raise ValidationError(
                _("开放时间“%(value)s”看不懂，请写成 08:00-20:00。") % {"value": part},
                code="invalid_hours",
            )
        slots.append([_pad(bits[0]), _pad(bits[1])])
    return slots


def _pad(value: str) -> str:
    if re.fullmatch(r"\d:\d\d", value):
        return "0" + value
    return value


def day_to_text(day: list[list[str]]) -> str:
    if any(s == ["00:00", "24:00"] for s in day):
        return "24小时"
    return ", ".join(f"{a}-{b}" for a, b in day)
