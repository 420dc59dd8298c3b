"""Near-duplicate detection among open appeals, at intake.

A candidate shares something concrete with the new text (the phone, the employer, or
the street, else district) and says much the same thing: the Dice overlap of the
two texts' character pairs. Sharing only a place is weak evidence, so it needs a
closer text. The operator (or the worker) decides; a merge is the appeals ``merge``.
"""

import re

from django.db.models import Q

from gonghui.appeals.choices import OPEN_STATUSES

THRESHOLD = 0.3  # same phone or same employer
PLACE_THRESHOLD = 0.5  # only the same street or district
WORKER_THRESHOLD = 0.4  # the worker's own earlier appeals
CANDIDATES = 200
LIMIT = 5


def _grams(text: str) -> set[str]:
    plain = re.sub(r"[\W_]+", "", text.lower())
    if len(plain) < 2:
        return {plain} if plain else set()
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def similarity(a: str, b: str) -> float:
    """Return the Dice overlap of the two texts' character pairs (0 to 1).

    Chinese has no spaces, so pairs of characters stand in for words; enough to put a
    likely duplicate in front of the operator, who decides.
    """
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def find(
    visible,
    *,
    text: str,
    phone_hash: str | None = None,
    employer_name: str = "",
    employer_uscc: str = "",
    enterprise_id: int | None = None,
    street_id: int | None = None,
    district_id: int | None = None,
    exclude_pk: int | None = None,
) -> list[dict]:
    """Return up to five open appeals that are likely the same matter, best first, each
    with ``score``, ``percent`` and ``why`` (phone, employer or place)."""
    text = (text or "").strip()
    if len(text) < 4:
        return []
    same = Q(pk__in=[])
    if phone_hash:
        same |= Q(phone_hash=phone_hash)
    if employer_uscc:
        same |= Q(employer_uscc=employer_uscc)
    if employer_name:
        same |= Q(employer_name=employer_name)
    if enterprise_id:
        same |= Q(enterprise_id=enterprise_id)
    if street_id:
        same |= Q(street_id=street_id)
    elif district_id:
        same |= Q(district_id=district_id)
    if not (
        phone_hash or employer_uscc or employer_name or enterprise_id or street_id or district_id
    ):
        return []
    candidates = visible.filter(same, status__in=OPEN_STATUSES)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for a in candidates.order_by("-created_at")[:CANDIDATES]:
        score = similarity(text, a.text)
        if phone_hash and a.phone_hash == phone_hash:
            why = "phone"
        elif (
            (employer_uscc and a.employer_uscc == employer_uscc)
            or (employer_name and a.employer_name == employer_name)
            or (enterprise_id and a.enterprise_id == enterprise_id)
        ):
            why = "employer"
        else:
            why = "place"
        if score >= (PLACE_THRESHOLD if why == "place" else THRESHOLD):
            scored.append(
                {
                    "appeal": a,
                    "score": score,
                    "percent": round(score * 100),
                    "why": why,
                    "same_phone": why == "phone",
                }
            )
    scored.sort(key=lambda s: -s["score"])
    return scored[:LIMIT]


def earlier_for_worker(appeals, *, phone_hash: str, text: str):
    """Return the worker's own open appeal most like ``text``, if close enough."""
    best, best_score = None, WORKER_THRESHOLD
    for a in appeals.filter(phone_hash=phone_hash, status__in=OPEN_STATUSES).order_by(
        "-created_at"
    )[:50]:
        score = similarity(text, a.text)
        if score >= best_score:
            best, best_score = a, score
    return best
