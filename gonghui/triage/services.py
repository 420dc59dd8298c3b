"""Triage of a worker's text: category, kind, urgency, place, employer, suggested org.

``analyse`` touches no database once the gazetteer and the enterprise names are
cached in the process; ``triage`` adds the suggested org from the routing table.
Bad input never raises except text over the limit: empty, non-Chinese or nonsense
text gets ``other`` with ``needs_review`` set, for a person to look at.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.triage import classifier, employers, places, rules
from gonghui.triage import text as tx
from gonghui.triage.models import Correction

TEXT_MAX = 4000
# Below it the category is "other" and a person decides. 0.10 (was 0.20): with 17
# classes a short hotline text's best class often has 0.1-0.2; chosen by
# cross-validation over the training rows (0.20: 0.835, 0.15: 0.847, 0.10: 0.850).
MIN_CONFIDENCE = 0.10
MIN_CJK_SHARE = 0.3


@dataclass
class Result:
    category: str
    confidence: float
    candidates: list[dict]
    kind: str
    urgency: str
    district: dict | None
    street: dict | None
    employer: dict | None
    explanation: list[str]
    needs_review: bool
    ambiguous_places: list[str] = field(default_factory=list)
    suggested_org: dict | None = None
    enterprise: object = None  # the matched Enterprise, for routing

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "confidence": self.confidence,
            "candidates": self.candidates,
            "kind": self.kind,
            "urgency": self.urgency,
            "district": self.district,
            "street": self.street,
            "employer": self.employer,
            "suggested_org": self.suggested_org,
            "explanation": self.explanation,
            "needs_review": self.needs_review,
            "ambiguous_places": self.ambiguous_places,
        }


def _ref(pair) -> dict | None:
    return None if pair is None else {"id": pair[0], "name": pair[1]}


def check_length(text: str) -> str:
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("内容过长：最多%(max)d个字，现在是%(n)d个字。") % {"max": TEXT_MAX, "n": len(text)},
            code="text_too_long",
        )
    return text


def analyse(text: str, *, lat=None, lng=None, crs: str = "wgs84") -> Result:
    """Return the triage of ``text`` (and of the point, when given)."""
    text = check_length(text)
    model = classifier.get_model()
    probs, seen = model.scores(text) if text else (None, [])
    if probs is not None:
        p = probs.tolist()
        order = sorted(range(len(p)), key=p.__getitem__, reverse=True)[:3]
        candidates = [{"category": model.classes[i], "p": round(p[i], 4)} for i in order]
        top, confidence = order[0], p[order[0]]
        explanation = model.explain(seen, top)
        category = model.classes[top]
    else:
        candidates, confidence, explanation, category = [], 0.0, [], "other"
    looks_chinese = tx.cjk_share(text) >= MIN_CJK_SHARE and len(text) >= 4
    needs_review = not looks_chinese or not seen or confidence < MIN_CONFIDENCE
    if needs_review:
        category = "other"
    district = street = None
    ambiguous: list[str] = []
    if lat is not None and lng is not None:
        from gonghui.orgs.geo import locate

        where = locate(lat, lng, crs)
        if where.district:
            district = (where.district.org_id, where.district.name)
        if where.street:
            street = (where.street.org_id, where.street.name)
    if district is None:
        place = places.find(text)
        district, street, ambiguous = place.district, place.street, place.ambiguous
    employer = employers.find(text) if text else None
    return Result(
        category=category,
        confidence=round(confidence, 4),
        candidates=candidates,
        kind=rules.kind(text) if text else "enquiry",
        urgency=rules.urgency(text),
        district=_ref(district),
        street=_ref(street),
        employer=None
        if employer is None
        else {"name": employer.name, "enterprise_id": employer.enterprise_id},
        explanation=explanation,
        needs_review=needs_review,
        ambiguous_places=ambiguous,
    )


def record_correction(*, appeal, field: str, old_value, new_value, actor) -> Correction | None:
    """Store a dispatcher's correction of the category or the org (call inside the
    transaction that makes the change); nothing is stored when nothing changed."""
    old, new = str(old_value or ""), str(new_value or "")
    if not old or old == new:
        return None
    return Correction.objects.create(
        appeal=appeal, field=field, old_value=old, new_value=new, actor=actor
    )
