"""Member search for staff: by member number, ID number, phone, or the start of a name.

Numbers are exact lookups on unique or hashed columns; names match from the first
character (surname first), which the pattern-ops b-tree index on ``name`` serves.
Every search is limited to the principal's scope.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from gonghui.core import pii
from gonghui.members.models import Member
from gonghui.orgs import access

_DIGITS = re.compile(r"\d+")


def search_members(principal, q: str, *, status: str = "", limit: int = 20) -> list[Member]:
    qs: QuerySet[Member] = access.scoped(
        Member.objects.select_related("org").only(
            "id",
            "member_number",
            "name",
            "id_number",
            "phone",
            "gender",
            "birth_date",
            "employment",
            "employer_name",
            "gig_platform",
            "job_type",
            "status",
            "joined_on",
            "org__id",
            "org__name",
            "org__path",
        ),
        principal,
        "org__path",
    )
    if status:
        qs = qs.filter(status=status)
    q = " ".join((q or "").split())
    if not q:
        return list(qs.order_by("-id")[:limit])
    compact = q.replace(" ", "")
    if len(compact) == 18 and _DIGITS.fullmatch(compact[:17]):
        try:
            return list(qs.filter(id_hash=pii.digest(pii.ID_NUMBER, compact))[:limit])
        except ValidationError:
            return []
    if len(compact) == 11 and compact.startswith("1") and _DIGITS.fullmatch(compact):
        try:
            return list(qs.filter(phone_hash=pii.digest(pii.PHONE, compact))[:limit])
        except ValidationError:
            return []
    if _DIGITS.fullmatch(compact):
        return list(qs.filter(member_number=compact)[:limit])
    # No ORDER BY: the prefix is read from the name index in its own order and stops at
    # ``limit`` rows; sorting all matches of a common surname (张: 7 % of a city) first
    # would read tens of thousands of rows. The page is sorted afterwards.
    rows = list(qs.filter(name__startswith=q).order_by()[:limit])
    return sorted(rows, key=lambda m: (m.name, m.pk))
