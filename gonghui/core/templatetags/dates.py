"""``{% load dates %}``: ``{{ t|spoken }}`` ("今天 22:00") and ``{{ d|spoken_day }}``."""

from django import template

from gonghui.core import dates

register = template.Library()


@register.filter
def spoken(value) -> str:
    return dates.spoken(value) if value else ""


@register.filter
def spoken_day(value) -> str:
    return dates.spoken_day(value) if value else ""
