"""The queues' search box and ``GET /api/v1/appeals?q=``: ticket number, phone, words.

Applied to a queryset that is already scoped (``access.visible_appeals``), so a search
never widens what a person sees. Each space-separated term must match (AND): an
11-digit mobile matches the phone's keyed hash (phones are encrypted; no partial
phone search), anything with digits also the ticket number, and every term the
appeal's text, employer name and address (case-insensitive contains). Full-width
digits and letters from a Chinese keyboard are folded first.
"""

import contextlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from gonghui.core import pii

MAX_LENGTH = 100
MAX_TERMS = 5
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_HAS_DIGIT = re.compile(r"\d")


def terms(q: str) -> list[str]:
    """Return the search terms of ``q`` (folded to half-width, at most five)."""
    folded = unicodedata.normalize("NFKC", q or "")[:MAX_LENGTH]
    return [t for t in folded.split() if t][:MAX_TERMS]


def _term_q(term: str) -> Q:
    q = Q(text__icontains=term) | Q(employer_name__icontains=term) | Q(address__icontains=term)
    if _HAS_DIGIT.search(term):
        q |= Q(ticket_no__icontains=term)
    digits = re.sub(r"[\s-]", "", term)
    if _MOBILE.match(digits):
        with contextlib.suppress(ValidationError):
            q |= Q(phone_hash=pii.digest(pii.PHONE, digits[-11:]))
    return q


def search(qs: QuerySet, q: str) -> QuerySet:
    """Return the appeals of ``qs`` that match every term of ``q`` (all of them when
    ``q`` is blank)."""
    for term in terms(q):
        qs = qs.filter(_term_q(term))
    return qs
