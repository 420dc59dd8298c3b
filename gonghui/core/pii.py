"""Personal data: encryption, keyed hashes for exact lookup, validation and masking."""

import hashlib
import hmac
import re
from functools import cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core.inputs import half_width

PHONE = "phone"
ID_NUMBER = "id_number"
KINDS = (PHONE, ID_NUMBER)


@cache
def _keys() -> tuple[MultiFernet, bytes]:
    raw = [k.strip() for k in settings.GONGHUI_PII_KEY.split(",") if k.strip()]
    fernet = MultiFernet([Fernet(k.encode()) for k in raw])
    # The lookup hash key is derived from the current key so one secret configures both.
    hash_key = hmac.new(raw[0].encode(), b"gonghui-pii-lookup", hashlib.sha256).digest()
    return fernet, hash_key


def encrypt(value: str) -> str:
    return _keys()[0].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys()[0].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data could not be decrypted with GONGHUI_PII_KEY") from exc


def digest(kind: str, value: str) -> str:
    """Return the keyed hash used to find a record by an exact phone or ID number."""
    normal = normalize(kind, value)
    return hmac.new(_keys()[1], f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()


def normalize(kind: str, value: str) -> str:
    """Return the canonical form of a phone (11 digits) or ID number (upper-case X)."""
    if kind == PHONE:
        return normalize_phone(value)
    if kind == ID_NUMBER:
        return normalize_id_number(value)
    raise ValueError(f"unknown personal-data kind {kind!r}")


# Digits with an optional country code; separators are removed first. Anything else
# (letters, which phonenumbers would read as keypad digits, or extensions) is refused.
_MOBILE_SHAPE = re.compile(r"(?:\+?86|0086)?1\d{10}")


def normalize_phone(value: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValidationError.

    Full-width digits (``１３８…`` from a Chinese keyboard) are read as digits."""
    text = re.sub(r"[\s\-().]", "", half_width(value))
    parsed = None
    if _MOBILE_SHAPE.fullmatch(text):
        try:
            parsed = phonenumbers.parse(text, "CN")
        except phonenumbers.NumberParseException:
            parsed = None
    if (
        parsed is None
        or parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError(
            _("请输入有效的中国大陆手机号码（11位，以1开头）。"), code="invalid_phone"
        )
    return str(parsed.national_number)


def normalize_id_number(value: str) -> str:
    """Return an 18-character resident ID number or raise ValidationError."""
    try:
        return ric.validate(half_width(value).strip().upper())
    except StdnumError as exc:
        raise ValidationError(
            _("身份证号码无效，请核对18位号码（最后一位可能是X）。"), code="invalid_id_number"
        ) from exc


def mask(kind: str, value: str) -> str:
    """Return the masked display form: ``138****5678``, ``110***********00**``.

    An ID number keeps only its first three digits (province and city) and the 15th and
    16th (two of the three sequence digits): the birth date (7th to 14th), the 17th digit
    (whose parity is the gender) and the check digit are hidden, so the mask with a
    birth date or gender shown elsewhere does not narrow the number down
    (docs/access.md)."""
    if not value:
        return ""
    if kind == PHONE:
        return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:]
    if kind == ID_NUMBER:
        if len(value) != 18:
            return "*" * len(value)
        return value[:3] + "*" * 11 + value[14:16] + "**"
    raise ValueError(f"unknown personal-data kind {kind!r}")


# Roles that work the case with the worker and so need the full number (to call back).
ROLES_NEEDING_FULL = {"operator", "dispatcher", "handler"}


def needs_full(viewer, org) -> bool:
    """Whether ``viewer``'s roles at ``org`` (or above) need full personal data there."""
    # The role lookup orgs registers with core.workflow: core imports no app.
    from gonghui.core.workflow import roles_at

    return org is not None and bool(roles_at(viewer, org) & ROLES_NEEDING_FULL)


def display(obj, field: str, *, viewer, org, request=None) -> str:
    """Return the value for ``viewer``: full (and audited) if their role at ``org`` needs
    it, masked otherwise. ``org`` is the org in whose work the record is being viewed."""
    value = getattr(obj, field)
    kind = obj._meta.get_field(field).kind
    if not value:
        return ""
    if not needs_full(viewer, org):
        return mask(kind, value)
    return reveal(obj, field, viewer=viewer, org=org, request=request)


def identity(obj, *, viewer, org, request=None, detail: bool = True) -> dict:
    """Return ``{"id_number", "gender", "birth_date"}`` of a person as ``viewer`` may see them.

    Gender and birth date are read from the ID number, and the masked form hides both
    (``110***********00**``); beside a shown birth date the old mask
    (``110***********002X``) left two or three candidates. So they are shown only
    with the full number: in a detail view, to a role
    that needs it, audited as a view of the ID number. Everyone else, and every list
    and export, gets the masked number and neither (docs/access.md).
    """
    if detail and obj.id_number and needs_full(viewer, org):
        return {
            "id_number": reveal(obj, "id_number", viewer=viewer, org=org, request=request),
            "gender": obj.gender,
            "birth_date": obj.birth_date,
        }
    return {"id_number": mask(ID_NUMBER, obj.id_number), "gender": None, "birth_date": None}


def reveal(obj, field: str, *, viewer, org=None, request=None, reason: str = "") -> str:
    """Return the full value and write the view to the audit log."""
    from gonghui.core import audit

    audit.record(
        "pii.view", actor=viewer, obj=obj, org=org, request=request, field=field, reason=reason
    )
    return getattr(obj, field)
