"""The monthly hot topic (每月一题): the top problems per area in a month, their trend
over the months before, and a masked example text of each."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals.choices import Category, Status
from gonghui.appeals.models import Appeal
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind

TOP = 5
HISTORY = 3  # months before the one reported
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None) -> date:
    if not value:
        today = timezone.localdate()
        return today.replace(day=1)
    m = MONTH.match(value.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValidationError(_("月份格式应为 YYYY-MM，例如 2026-11。"), code="invalid_month")
    return date(int(m.group(1)), int(m.group(2)), 1)


def shift(month: date, n: int) -> date:
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(y, m + 1, 1)


def mask_text(text: str, name: str = "") -> str:
    """Hide what identifies a person: long digit runs (phones, ID numbers) and the name."""
    text = re.sub(r"\d{6,}[\dXx]*", lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), text)
    if name and len(name) >= 2:
        text = text.replace(name, name[0] + "某" * (len(name) - 1))
    return text[:120] + ("…" if len(text) > 120 else "")


def report(principal, month: date) -> dict:
    areas = list(
        access.visible_orgs(principal)
        .filter(kind=OrgKind.DISTRICT)
        .defer("boundary")
        .order_by("path")
    )
    field = "district"
    if not areas:
        field = "street"
        areas = list(
            access.visible_orgs(principal)
            .filter(kind=OrgKind.STREET)
            .defer("boundary")
            .order_by("path")
        )
    months = [shift(month, -i) for i in range(HISTORY, -1, -1)]
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(timezone.datetime(months[0].year, months[0].month, 1), tz)
    end_month = shift(month, 1)
    end = timezone.make_aware(timezone.datetime(end_month.year, end_month.month, 1), tz)
    base = Appeal.objects.filter(
        **{f"{field}__in": areas}, created_at__gte=start, created_at__lt=end
    ).exclude(status=Status.MERGED)
    rows = (
        base.annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values_list(f"{field}_id", "category", "m")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple, int] = {}
    for area_id, category, m, n in rows:
        counts[(area_id, category, m.date().replace(day=1))] = n
    out_areas, city = [], {}
    for area in areas:
        this = {c: counts.get((area.pk, c, month), 0) for c in Category.values}
        total = sum(this.values())
        top = sorted((c for c in this if this[c]), key=lambda c: (-this[c], c))[:TOP]
        items = []
        for c in top:
            example = (
                base.filter(**{field: area}, category=c, created_at__gte=_aware(month, tz))
                .order_by("created_at")
                .values_list("text", "name")
                .first()
            )
            items.append(
                {
                    "category": c,
                    "label": str(Category(c).label),
                    "count": this[c],
                    "trend": [counts.get((area.pk, c, m), 0) for m in months],
                    "example": mask_text(*example) if example else "",
                }
            )
        for c, n in this.items():
            city[c] = city.get(c, 0) + n
        out_areas.append({"area": {"id": area.pk, "name": area.name}, "total": total, "top": items})
    city_top = sorted((c for c in city if city[c]), key=lambda c: (-city[c], c))[:TOP]
    return {
        "month": f"{month:%Y-%m}",
        "months": [f"{m:%Y-%m}" for m in months],
        "level": field,
        "areas": out_areas,
        "top": [
            {
                "category": c,
                "label": str(Category(c).label),
                "count": city[c],
                "trend": [sum(counts.get((a.pk, c, m), 0) for a in areas) for m in months],
            }
            for c in city_top
        ],
    }


def _aware(month: date, tz):
    return timezone.make_aware(timezone.datetime(month.year, month.month, 1), tz)
