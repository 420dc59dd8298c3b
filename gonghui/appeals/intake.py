"""Intake: an appeal handed in by any channel (hotline, H5, API key, a station's QR
code) validated, triaged, routed, stored with its first timeline event and SMS, and
dispatched when routing is confident; all in one transaction, nothing stored when
anything is invalid."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals import attachments, routing, tables
from gonghui.appeals.choices import (
    Category,
    Channel,
    Kind,
    Status,
    Urgency,
)
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.appeals.services import _after_dispatch, _event_row, _set_dispatched
from gonghui.core import audit, pii
from gonghui.core.outbox import queue_sms
from gonghui.orgs.geo import locate
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import validate_uscc
from gonghui.triage import places
from gonghui.triage import services as triage

TEXT_MIN, TEXT_MAX = 10, 4000


@dataclass
class Intake:
    """What a channel hands in; validated by ``create_appeal`` before anything is stored."""

    text: str
    phone: str
    channel: str = Channel.HOTLINE
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    name: str = ""
    anonymous: bool = False
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    crs: str = "wgs84"
    employer_name: str = ""
    employer_uscc: str = ""
    # Set when the channel already knows who handles it (a station's owner org for a
    # problem reported at that station): routing then dispatches straight there.
    to_org: Org | None = None


def _choice(value, choices, code: str, message: str):
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise ValidationError(message, code=code)
    return value


def next_ticket_no(day: date) -> str:
    """Return the next ticket number of ``day``; gap-free because the counter row is
    locked until the intake transaction commits (and rolls back with it)."""
    with connection.cursor() as cursor:
        # One upsert in place of get_or_create + SELECT FOR UPDATE + UPDATE: the row
        # stays locked by the UPDATE until commit, so numbers are still gap-free.
        cursor.execute(
            "INSERT INTO appeals_ticketcounter (day, last) VALUES (%s, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = appeals_ticketcounter.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"12351-{day:%Y%m%d}-{last:06d}"


def _enterprise(**lookup) -> Enterprise | None:
    """The enterprise and its grassroots union in one query; its street from the
    routing tables (org boundaries, GeoJSON, are never needed here)."""
    found = Enterprise.objects.select_related("union").defer("union__boundary").filter(**lookup)
    found = found.first()
    if found is not None and found.street_id is not None:
        found.street = tables.org(found.street_id)
    return found


def _match_enterprise(name: str, uscc: str) -> Enterprise | None:
    if uscc:
        return _enterprise(uscc=uscc)
    if name:
        return _enterprise(name=name)
    return None


def create_appeal(
    intake: Intake,
    *,
    actor=None,
    actor_label: str = "",
    worker=None,
    idempotency_key: str | None = None,
    files=None,
    request=None,
    now=None,
) -> tuple[Appeal, bool]:
    """Validate and store an appeal, route it, and dispatch it when routing is confident.

    ``now`` (default: the present) is the intake time; the ticket number is dated by it
    (the demo writes a year of history through here with past timestamps).

    Returns ``(appeal, created)``; the same idempotency key returns the same appeal.
    Nothing is stored when anything is invalid.
    """
    if idempotency_key:
        existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    text = (intake.text or "").strip()
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        raise ValidationError(
            _("请用%(min)d到%(max)d个字描述您的问题。") % {"min": TEXT_MIN, "max": TEXT_MAX},
            code="invalid_text",
        )
    phone = pii.normalize_phone(intake.phone)
    channel = (
        _choice(intake.channel, Channel, "invalid_channel", _("渠道不正确。")) or Channel.HOTLINE
    )
    kind = _choice(intake.kind, Kind, "invalid_kind", _("诉求类型不正确。"))
    category = _choice(intake.category, Category, "invalid_category", _("诉求分类不正确。"))
    urgency = _choice(intake.urgency, Urgency, "invalid_urgency", _("紧急程度不正确。"))
    uscc = validate_uscc(intake.employer_uscc) if intake.employer_uscc.strip() else ""
    name = (intake.name or "").strip()[:40]
    address = (intake.address or "").strip()[:200]
    employer_name = (intake.employer_name or "").strip()[:150]
    lat = lng = None
    district = street = None
    if intake.lat is not None or intake.lng is not None:
        if intake.lat is None or intake.lng is None:
            raise ValidationError(_("请同时提供经度和纬度。"), code="invalid_coordinates")
        where = locate(intake.lat, intake.lng, intake.crs)
        if not where.inside_beijing:
            raise ValidationError(
                _("该位置不在北京市范围内，请确认定位或输入北京市内的地址。"),
                code="outside_beijing",
            )
        lat, lng = where.lat, where.lng
        district = tables.org(where.district.org_id) if where.district else None
        street = tables.org(where.street.org_id) if where.street else None

    checked_files = attachments.check_files(files)
    # Triage fills what the caller left out: category, kind and urgency from the text,
    # the employer named in it, and the place named in the address or the text.
    found = triage.analyse(text)
    triage_category = ""
    if category is None:
        category = triage_category = found.category
    kind = kind or found.kind
    urgency = urgency or found.urgency
    enterprise = _match_enterprise(employer_name, uscc)
    if enterprise is None and not (employer_name or uscc) and found.employer:
        employer_name = found.employer["name"][:150]
        if found.employer["enterprise_id"]:
            enterprise = _enterprise(pk=found.employer["enterprise_id"])
    place_from_text = False
    if district is None and street is None:
        place = places.find(address) if address else None
        if place is not None and place.district is not None:
            district_id, street_id = place.district[0], place.street[0] if place.street else None
        elif found.district is not None:  # triage already read the place in the text
            district_id, street_id = found.district["id"], (found.street or {}).get("id")
        else:
            district_id = street_id = None
        if district_id is not None:
            district = tables.org(district_id)
            street = tables.org(street_id) if street_id else None
            place_from_text = True
    if street is None and enterprise is not None and district is None:
        street = enterprise.street
    if district is None and street is not None:
        district = tables.parent_of(street)
    if intake.to_org is not None:
        route = routing.direct(intake.to_org)
    else:
        route = routing.route(
            category=category, enterprise=enterprise, street=street, district=district
        )

    # A place read from words is less sure than a point or a registered employer:
    # for an enquiry (usually answered at once by the operator) it only suggests.
    dispatch_to = route.assigned_org
    if dispatch_to is not None and kind == Kind.ENQUIRY and place_from_text:
        dispatch_to = None
    at, now = now, now or timezone.now()
    try:
        with transaction.atomic():
            appeal = Appeal(
                ticket_no=next_ticket_no(timezone.localdate(now)),
                channel=channel,
                kind=kind,
                category=category,
                urgency=urgency,
                text=text,
                worker=worker,
                phone=phone,
                name=name,
                anonymous=bool(intake.anonymous),
                address=address,
                lat=lat,
                lng=lng,
                district=district,
                street=street,
                employer_name=employer_name or (enterprise.name if enterprise else ""),
                employer_uscc=uscc,
                enterprise=enterprise,
                grassroots_union=route.grassroots_union,
                dispatcher_org=route.dispatcher_org,
                route_reason=route.reason,
                triage_category=triage_category,
                triage_confidence=found.confidence if triage_category else None,
                needs_review=bool(triage_category) and found.needs_review,
                suggested_org=route.assigned_org or route.dispatcher_org,
                idempotency_key=idempotency_key or None,
            )
            # Inserted already dispatched (one INSERT, not an INSERT and an UPDATE); the
            # timeline still shows both steps, written in one statement.
            if dispatch_to is not None:
                _set_dispatched(appeal, dispatch_to, now)
            appeal.save(force_insert=True)
            attachments.store(appeal, checked_files)
            events = [
                _event_row(
                    appeal,
                    "receive",
                    actor=actor,
                    actor_label=actor_label or channel,
                    to_status=Status.RECEIVED,
                    note="",
                    org=appeal.dispatcher_org,
                )
            ]
            if dispatch_to is not None:
                events.append(
                    _event_row(
                        appeal,
                        "dispatch",
                        actor=None,
                        actor_label="system",
                        from_status=Status.RECEIVED,
                        note=route.note,
                        org=dispatch_to,
                        to_org=dispatch_to.pk,
                    )
                )
            AppealEvent.objects.bulk_create(events)
            if at is not None:  # auto_now_add times: a past intake (the demo) sets them after
                Appeal.objects.filter(pk=appeal.pk).update(created_at=at)
                AppealEvent.objects.filter(appeal=appeal).update(at=at)
                appeal.created_at = at
            queue_sms(
                phone,
                _("您的诉求已受理，工单号%(ticket)s。可凭工单号和手机号后四位查询办理进度。")
                % {"ticket": appeal.ticket_no},
            )
            if dispatch_to is not None:
                _after_dispatch(appeal, dispatch_to, set())
            audit.record(
                "appeal.create", actor=actor, actor_label=actor_label, obj=appeal, request=request
            )
    except IntegrityError:
        # Two requests with one idempotency key raced: the other one stored it.
        if idempotency_key:
            existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    return appeal, True
