"""The platform-consultation API under /api/v1/rights/consultations (mounted in
``gonghui/api.py``): round tables, their meetings and agreed items, items done and
reported back to the workers."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from gonghui.accounts.auth import staff_user_auth
from gonghui.core.api_routes import ERROR_STATUSES, ErrorOut
from gonghui.orgs import access as org_access
from gonghui.rights.consultations import access, services
from gonghui.rights.consultations.models import Mechanism

router = Router(tags=["rights"])
ERRORS = {status: ErrorOut for status in ERROR_STATUSES}


class MechanismIn(Schema):
    platform: str = Field(max_length=100)
    name: str = Field(max_length=150)
    org_id: int


class Attendee(Schema):
    side: str = Field(max_length=10)
    name: str = Field(max_length=60)


class ItemIn(Schema):
    text: str = Field(max_length=500)
    owner: str = Field(max_length=100)
    due: date
    appeal_id: int | None = None
    warning_id: int | None = None


class MeetingIn(Schema):
    held_on: date
    place: str = Field("", max_length=200)
    attendees: list[Attendee] = Field(max_length=100)
    summary: str = Field("", max_length=8000)
    items: list[ItemIn] = Field(default_factory=list, max_length=100)


class NoteIn(Schema):
    note: str = Field(max_length=2000)


def item_out(it, today) -> dict:
    return {
        "id": it.pk,
        "text": it.text,
        "owner": it.owner,
        "due": it.due,
        "done_on": it.done_on,
        "done_note": it.done_note,
        "reported_on": it.reported_on,
        "report_note": it.report_note,
        "overdue": it.done_on is None and it.due < today,
        "appeal_id": it.appeal_id,
        "warning_id": it.warning_id,
    }


def mechanism_out(m: Mechanism, *, detail: bool = False) -> dict:
    out = {
        "id": m.pk,
        "platform": m.platform,
        "name": m.name,
        "org": {"id": m.org_id, "name": m.org.name},
    }
    if detail:
        today = timezone.localdate()
        out["meetings"] = [
            {
                "id": mt.pk,
                "held_on": mt.held_on,
                "place": mt.place,
                "attendees": mt.attendees,
                "summary": mt.summary,
                "items": [item_out(it, today) for it in mt.items.all()],
            }
            for mt in m.meetings.prefetch_related("items")
        ]
    return out


@router.post(
    "",
    response={201: dict, **ERRORS},
    auth=staff_user_auth,
    summary="Set up a platform round table",
)
def create_mechanism(request, payload: MechanismIn):
    try:
        org = org_access.get_org_for(request.auth, payload.org_id)
    except Http404 as exc:
        raise services.invalid("org_id", _("单位不存在或不在您的辖区内。"), "invalid_org") from exc
    mech = services.create_mechanism(
        platform=payload.platform, name=payload.name, org=org, actor=request.auth, request=request
    )
    return HttpStatus(201, mechanism_out(mech))


@router.get(
    "",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="Platform round tables in scope",
)
def list_mechanisms(request):
    qs = access.visible_mechanisms(request.auth).select_related("org").defer("org__boundary")
    return {"count": qs.count(), "results": [mechanism_out(m) for m in qs[:200]]}


@router.get(
    "/{int:mechanism_id}",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="One round table with its meetings",
)
def get_mechanism(request, mechanism_id: int):
    return mechanism_out(access.get_mechanism_for(request.auth, mechanism_id), detail=True)


@router.post(
    "/{int:mechanism_id}/meetings",
    response={201: dict, **ERRORS},
    auth=staff_user_auth,
    summary="Record a meeting and its agreed items",
)
def post_meeting(request, mechanism_id: int, payload: MeetingIn):
    from gonghui.appeals.access import access_appeal
    from gonghui.warnings.access import access_warning

    mech = access.get_mechanism_for(request.auth, mechanism_id)
    items = []
    for it in payload.items:
        row = it.dict()
        for key, fetch in (("appeal_id", access_appeal), ("warning_id", access_warning)):
            pk = row.pop(key)
            row[key.removesuffix("_id")] = None
            if pk is not None:
                try:
                    row[key.removesuffix("_id")] = fetch(request.auth, pk)
                except Http404 as exc:
                    raise services.invalid(
                        "items", _("关联的诉求或预警不存在或不在您的辖区内。"), "invalid_source"
                    ) from exc
        items.append(row)
    services.record_meeting(
        mech,
        held_on=payload.held_on,
        place=payload.place,
        attendees=[a.dict() for a in payload.attendees],
        summary=payload.summary,
        items=items,
        actor=request.auth,
        request=request,
    )
    return HttpStatus(
        201, mechanism_out(access.get_mechanism_for(request.auth, mechanism_id), detail=True)
    )


@router.post(
    "/items/{int:item_id}/done",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="An agreed item is done",
)
def item_done(request, item_id: int, payload: NoteIn):
    item = services.complete_item(
        access.get_item_for(request.auth, item_id),
        note=payload.note,
        actor=request.auth,
        request=request,
    )
    return item_out(item, timezone.localdate())


@router.post(
    "/items/{int:item_id}/report-back",
    response={200: dict, **ERRORS},
    auth=staff_user_auth,
    summary="The workers were told",
)
def item_report_back(request, item_id: int, payload: NoteIn):
    item = services.report_back(
        access.get_item_for(request.auth, item_id),
        note=payload.note,
        actor=request.auth,
        request=request,
    )
    return item_out(item, timezone.localdate())
