"""Every write of the service-position network, each with its history row and audit event
in the same transaction, and the search-index version bumped where the index cares."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, throttle
from gonghui.core.errors import Conflict, ServiceError, Throttled
from gonghui.orgs.geo import locate
from gonghui.orgs.models import Org
from gonghui.stations import hours as hours_mod
from gonghui.stations.access import require_manager
from gonghui.stations.choices import (
    CRITERIA_WEIGHTS,
    Amenity,
    ChangeAction,
    Group,
    Host,
    Kind,
    Status,
    stars_for,
)
from gonghui.stations.index import bump_version
from gonghui.stations.models import (
    Assessment,
    CheckIn,
    Closure,
    Position,
    PositionChange,
    PositionReport,
    Rating,
)

EDITABLE = (
    "kind",
    "name",
    "owner",
    "host_kind",
    "host_name",
    "address",
    "lat",
    "lng",
    "amenities",
    "served_groups",
    "hours",
    "closed_on_holidays",
    "contact_name",
    "contact_phone",
)


def _text(data: dict, field: str, *, limit: int, required: bool, message: str) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValidationError({field: [ValidationError(message, code=f"invalid_{field}")]})
    if len(value) > limit:
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        _("内容过长（最多%(limit)d个字）。") % {"limit": limit},
                        code=f"invalid_{field}",
                    )
                ]
            }
        )
    return value


def _codes(data: dict, field: str, choices, message: str) -> list[str]:
    value = data.get(field) or []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list) or any(v not in choices.values for v in value):
        raise ValidationError({field: [ValidationError(message, code=f"invalid_{field}")]})
    # Keep the fixed order of the list, without repeats.
    return [v for v in choices.values if v in value]


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def clean(data: dict, *, partial: Position | None = None) -> dict:
    """Validate position fields; return model values (point in GCJ-02, district/street).

    With ``partial`` only the given keys are checked, against the current values.
    """
    base = {}
    if partial is not None:
        base = {f: getattr(partial, f) for f in EDITABLE if f != "owner"}
        base["owner"] = partial.owner
        base["crs"] = "gcj02"
    merged = {**base, **{k: v for k, v in data.items() if k in (*EDITABLE, "crs")}}
    if partial is not None and ("lat" in data or "lng" in data) and "crs" not in data:
        merged["crs"] = "wgs84"
    out: dict = {}
    kind = merged.get("kind")
    if kind not in Kind.values:
        raise _field_error("kind", _("请选择阵地类型。"), "invalid_kind")
    out["kind"] = kind
    out["name"] = _text(merged, "name", limit=120, required=True, message=_("请填写阵地名称。"))
    host = merged.get("host_kind") or Host.UNION
    if host not in Host.values:
        raise _field_error("host_kind", _("依托单位类型不正确。"), "invalid_host_kind")
    out["host_kind"] = host
    out["host_name"] = _text(merged, "host_name", limit=150, required=False, message="")
    out["address"] = _text(merged, "address", limit=200, required=True, message=_("请填写地址。"))
    out["contact_name"] = _text(merged, "contact_name", limit=40, required=False, message="")
    out["contact_phone"] = _text(merged, "contact_phone", limit=30, required=False, message="")
    out["amenities"] = _codes(merged, "amenities", Amenity, _("服务功能不在规定的清单中。"))
    out["served_groups"] = _codes(merged, "served_groups", Group, _("服务对象不正确。"))
    try:
        out["hours"] = hours_mod.validate_hours(merged.get("hours"))
    except ValidationError as exc:
        raise ValidationError({"hours": [exc]}) from exc
    out["closed_on_holidays"] = bool(merged.get("closed_on_holidays"))
    owner = merged.get("owner")
    if not isinstance(owner, Org):
        owner = Org.objects.filter(pk=owner).defer("boundary").first() if owner else None
    if owner is None:
        raise _field_error("owner", _("请选择主管工会。"), "invalid_owner")
    out["owner"] = owner
    lat, lng = merged.get("lat"), merged.get("lng")
    if lat in (None, "") or lng in (None, ""):
        raise _field_error("lat", _("请提供阵地的经纬度。"), "invalid_coordinates")
    try:
        where = locate(lat, lng, merged.get("crs") or "wgs84")
    except ValidationError as exc:
        raise ValidationError({"lat": [exc]}) from exc
    if not where.inside_beijing:
        raise _field_error("lat", _("该位置不在北京市范围内，请核对经纬度。"), "outside_beijing")
    out["lat"], out["lng"] = round(where.lat, 7), round(where.lng, 7)
    out["district_id"] = where.district.org_id if where.district else None
    out["street_id"] = where.street.org_id if where.street else None
    return out


def _history(position, action, *, actor, actor_label="", changes=None) -> None:
    label = actor_label or (actor.get_username() if actor is not None else "system")
    PositionChange.objects.create(
        position=position,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label[:100],
        changes=changes or {},
    )


def _jsonable(value):
    if isinstance(value, Org):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def create_position(
    data: dict, *, actor, request=None, action: str = ChangeAction.CREATE
) -> Position:
    """Validate and store a new position owned by an org the actor manages."""
    values = clean(data)
    require_manager(actor, values["owner"])
    with transaction.atomic():
        position = Position(**values)
        position.save()
        _history(
            position,
            action,
            actor=actor,
            changes={k: [None, _jsonable(v)] for k, v in values.items()},
        )
        audit.record("station.create", actor=actor, obj=position, request=request)
        bump_version()
    return position


def update_position(position: Position, data: dict, *, actor, request=None) -> Position:
    """Change the given fields; the old and the new owner must both be the actor's."""
    require_manager(actor, position.owner)
    values = clean(data, partial=position)
    if values["owner"].pk != position.owner_id:
        require_manager(actor, values["owner"])
    with transaction.atomic():
        locked = Position.objects.select_for_update().get(pk=position.pk)
        changes = {}
        for field, new in values.items():
            old = getattr(locked, field)
            if (old.pk if isinstance(old, Org) else old) != (
                new.pk if isinstance(new, Org) else new
            ):
                changes[field] = [_jsonable(old), _jsonable(new)]
                setattr(locked, field, new)
        if not changes:
            return locked
        locked.save()
        _history(locked, ChangeAction.UPDATE, actor=actor, changes=changes)
        audit.record(
            "station.update", actor=actor, obj=locked, request=request, fields=sorted(changes)
        )
        # The index also holds what a search answer shows (name, address, amenities).
        bump_version()
    return locked


def set_status(
    position: Position, status: str, *, actor, reason: str = "", request=None
) -> Position:
    require_manager(actor, position.owner)
    if status not in Status.values:
        raise ValidationError(_("状态不正确。"), code="invalid_status")
    with transaction.atomic():
        locked = Position.objects.select_for_update().get(pk=position.pk)
        if locked.status == status:
            return locked
        old = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        _history(
            locked,
            ChangeAction.STATUS,
            actor=actor,
            changes={"status": [old, status], "reason": reason[:200]},
        )
        audit.record("station.status", actor=actor, obj=locked, request=request, status=status)
        bump_version()
    return locked


def add_closure(
    position: Position, *, start: date, end: date, reason: str = "", actor, request=None
) -> Closure:
    require_manager(actor, position.owner)
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="invalid_closure")
    if (end - start).days > 366:
        raise ValidationError(
            _("闭馆安排最长一年；长期停用请改为暂停服务。"), code="invalid_closure"
        )
    with transaction.atomic():
        closure = Closure.objects.create(
            position=position, start=start, end=end, reason=reason.strip()[:100]
        )
        _history(
            position,
            ChangeAction.CLOSURE,
            actor=actor,
            changes={"closure": [None, [start.isoformat(), end.isoformat(), closure.reason]]},
        )
        audit.record("station.closure", actor=actor, obj=position, request=request)
        bump_version()
    return closure


def remove_closure(closure: Closure, *, actor, request=None) -> None:
    position = closure.position
    require_manager(actor, position.owner)
    with transaction.atomic():
        _history(
            position,
            ChangeAction.CLOSURE,
            actor=actor,
            changes={"closure": [[closure.start.isoformat(), closure.end.isoformat()], None]},
        )
        closure.delete()
        audit.record("station.closure_removed", actor=actor, obj=position, request=request)
        bump_version()


# --- use: check-ins, ratings, problems -------------------------------------------------------

DEVICE_COOKIE = "gh_device"
CHECKIN_IP_LIMIT = 30  # check-ins per IP per hour (a shared Wi-Fi at a station is fine)


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def _device_key(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()[:32]


CHECKIN_IP = throttle.Limit("stations_checkin_ip", CHECKIN_IP_LIMIT, 3600)


def _throttle_ip(ip: str | None) -> None:
    throttle.check(
        CHECKIN_IP, ip or "?", message=_("打卡过于频繁，请稍后再试。"), code="checkin_throttled"
    )


def check_in(
    position: Position,
    *,
    device: str,
    used: list[str] | None = None,
    worker=None,
    ip: str | None = None,
    at: datetime | None = None,
) -> CheckIn:
    """Record "I used this station": once per device (and signed-in worker) per hour."""
    if position.status == Status.CLOSED:
        raise Conflict(_("该阵地已撤销，不能打卡。"), code="position_closed")
    if not device or len(device) > 100:
        raise ValidationError(_("无法识别您的设备，请允许浏览器保存 Cookie。"), code="no_device")
    used = _codes({"used": used or []}, "used", Amenity, _("使用的服务不在清单中。"))
    at = at or timezone.now()
    hour = at.replace(minute=0, second=0, microsecond=0)
    device_key = _device_key(device)
    recent = CheckIn.objects.filter(position=position, hour=hour)
    if recent.filter(device=device_key).exists() or (
        worker is not None and recent.filter(worker=worker).exists()
    ):
        raise Throttled(
            _("您这一小时已经在这里打过卡了，谢谢！"),
            code="already_checked_in",
            retry_after=int((hour + timedelta(hours=1) - at).total_seconds()) + 1,
        )
    _throttle_ip(ip)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                position=position, device=device_key, worker=worker, used=used, hour=hour
            )
    except IntegrityError as exc:
        # Two taps raced: the other one was stored.
        raise Throttled(
            _("您这一小时已经在这里打过卡了，谢谢！"), code="already_checked_in", retry_after=60
        ) from exc
    return checkin


def rate(position: Position, *, worker, score, comment: str = "") -> Rating:
    """Store (or replace) a signed-in worker's rating of a station."""
    if worker is None:
        raise ServiceError(_("评分前请先用手机号登录。"), code="not_authenticated", status=401)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(_("评分应为1到5分。"), code="invalid_score")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError(_("评价最多500个字。"), code="invalid_comment")
    with transaction.atomic():
        rating, _created = Rating.objects.update_or_create(
            position=position, worker=worker, defaults={"score": score, "comment": comment}
        )
    return rating


def average_rating(position: Position) -> tuple[float | None, int]:
    agg = position.ratings.aggregate(avg=Avg("score"))
    return agg["avg"], position.ratings.count()


def report_problem(position: Position, *, worker, text: str, request=None) -> PositionReport:
    """File an appeal (category services) about a station, dispatched straight to the
    station's owner org, which is the one that can fix it; the point is kept too."""
    from gonghui.appeals import services as appeals

    if worker is None:
        raise ServiceError(_("反映问题前请先用手机号登录。"), code="not_authenticated", status=401)
    intro = _("【服务阵地问题】%(name)s（%(address)s）：") % {
        "name": position.name,
        "address": position.address,
    }
    intake = appeals.Intake(
        text=intro + (text or "").strip(),
        phone=worker.phone,
        channel="h5",
        category="services",
        address=position.address,
        lat=position.lat,
        lng=position.lng,
        crs="gcj02",
        to_org=position.owner,
    )
    if len((text or "").strip()) < 5:
        raise ValidationError(_("请用至少5个字说明遇到的问题。"), code="invalid_text")
    with transaction.atomic():
        appeal, _created = appeals.create_appeal(
            intake, worker=worker, actor_label=f"worker:{worker.pk}", request=request
        )
        report = PositionReport.objects.create(position=position, appeal=appeal)
    return report


# --- star assessment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    total: float
    stars: int


def score(scores: dict) -> Score:
    """Return the weighted total (0-100) and the stars of per-criterion scores (0-100 each)."""
    total = 0.0
    for criterion, weight in CRITERIA_WEIGHTS.items():
        value = scores.get(criterion)
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 100:
            raise ValidationError(
                _("“%(name)s”的得分应在0到100之间。")
                % {"name": criterion.label if hasattr(criterion, "label") else criterion},
                code="invalid_score",
            )
        total += value * weight / 100
    total = round(total, 1)
    return Score(total, stars_for(total))


def assess(
    position: Position, *, scores: dict, assessed_on: date, note: str = "", actor, request=None
) -> Assessment:
    """Record a dated assessment and set the position's stars from it."""
    require_manager(actor, position.owner)
    result = score(scores)
    if assessed_on > timezone.localdate():
        raise ValidationError(_("评定日期不能晚于今天。"), code="invalid_date")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            position=position,
            assessed_on=assessed_on,
            assessor=actor,
            scores={k: float(scores[k]) for k in CRITERIA_WEIGHTS},
            total=result.total,
            stars=result.stars,
            note=(note or "").strip()[:500],
        )
        latest = position.assessments.order_by("-assessed_on", "-pk").first()
        if latest.pk == assessment.pk:
            old = position.stars
            Position.objects.filter(pk=position.pk).update(
                stars=result.stars, last_assessed_on=assessed_on
            )
            position.stars, position.last_assessed_on = result.stars, assessed_on
            _history(
                position,
                ChangeAction.ASSESS,
                actor=actor,
                changes={"stars": [old, result.stars], "total": result.total},
            )
        audit.record(
            "station.assess", actor=actor, obj=position, request=request, total=result.total
        )
        bump_version()
    return assessment


def due_for_assessment(positions, *, year: int):
    """Positions in service not assessed in ``year`` (the annual round lists them)."""
    return positions.exclude(status=Status.CLOSED).exclude(assessments__assessed_on__year=year)


# --- photos -----------------------------------------------------------------------------

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 1600


def add_photo(position: Position, *, data: bytes, caption: str = "", actor, request=None):
    """Store a photo of a station, re-encoded as JPEG (no EXIF, at most 1600 px a side)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    from gonghui.core.images import check_pixels
    from gonghui.stations.models import Photo

    require_manager(actor, position.owner)
    if not data or len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(_("照片不能为空，也不能超过8MB。"), code="invalid_photo")
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise ValidationError(_("照片只能是 JPG 或 PNG 图片。"), code="invalid_photo")
    try:
        with Image.open(io.BytesIO(data)) as img:
            check_pixels(img, code="invalid_photo")  # from the header, before decoding
            img = ImageOps.exif_transpose(img).convert("RGB")
            img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            clean = Image.frombytes(img.mode, img.size, img.tobytes())
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("图片已损坏，无法打开。"), code="invalid_photo") from exc
    with transaction.atomic():
        photo = Photo(position=position, caption=(caption or "").strip()[:100])
        photo.image.save(f"station-{position.pk}.jpg", ContentFile(out.getvalue()), save=False)
        photo.save()
        _history(position, ChangeAction.UPDATE, actor=actor, changes={"photo": [None, photo.pk]})
        audit.record("station.photo", actor=actor, obj=position, request=request)
    return photo


# --- what other apps read -----------------------------------------------------------------


def count_opened(org: Org, start: date, end: date, *, kind: str) -> int:
    """Count positions of ``kind`` registered under ``org``'s subtree from start to end.

    A drive plan's "build N warm stations" task reads its progress from here.
    """
    return (
        Position.objects.filter(
            kind=kind,
            owner__path__startswith=org.path,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .exclude(status=Status.CLOSED)
        .count()
    )


def checkins_of_worker(worker_id: int, *, limit: int = 50) -> list[CheckIn]:
    """Return a signed-in worker's latest check-ins, newest first, with their stations."""
    return list(
        CheckIn.objects.filter(worker_id=worker_id)
        .select_related("position")
        .only("at", "used", "position__id", "position__name")
        .order_by("-at")[:limit]
    )
