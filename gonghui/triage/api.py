"""``POST /api/v1/triage``: classify, locate and identify a worker's text."""

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from gonghui.accounts.auth import staff_auth
from gonghui.appeals import routing
from gonghui.orgs.geo import CRS_CHOICES

router = Router(tags=["triage"])


class TriageIn(Schema):
    text: str = Field("", max_length=20000)
    lat: float | None = None
    lng: float | None = None
    crs: Literal[CRS_CHOICES] = "wgs84"


class Candidate(Schema):
    category: str
    p: float


class Ref(Schema):
    id: int
    name: str


class EmployerOut(Schema):
    name: str
    enterprise_id: int | None


class TriageOut(Schema):
    category: str
    confidence: float
    candidates: list[Candidate]
    kind: str
    urgency: str
    district: Ref | None
    street: Ref | None
    employer: EmployerOut | None
    suggested_org: Ref | None
    explanation: list[str]
    needs_review: bool
    ambiguous_places: list[str]


@router.post("", response=TriageOut, auth=staff_auth, summary="Triage a text")
def triage(request, payload: TriageIn):
    lat, lng = payload.lat, payload.lng
    if (lat is None) != (lng is None):
        lat = lng = None
    return routing.triage(payload.text, lat=lat, lng=lng, crs=payload.crs).as_dict()
