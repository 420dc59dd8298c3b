"""Constants and small helpers shared by the accounts tests."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from gonghui.orgs.models import Org

OTP_REQUEST = "/api/v1/auth/otp/request"
OTP_VERIFY = "/api/v1/auth/otp/verify"
STAFF_TOKEN = "/api/v1/auth/token"
CONSOLE_LOGIN = "/console/login/"
PERSONA_PASSWORD = "persona-pass-12351"  # set by gonghui.core.testing.ensure_base_data
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Python's \b sees no boundary between a Chinese character and a digit, hence lookarounds.
SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def code_in(sms: dict) -> str:
    """Return the one 6-digit code in a text message."""
    codes = SIX_DIGITS.findall(sms["text"])
    assert len(codes) == 1, sms
    return codes[0]


def wrong(code: str) -> str:
    """Return a 6-digit code that is not ``code``."""
    return f"{(int(code) + 1) % 10**6:06d}"


def org_id(admin_code: str) -> int:
    return Org.objects.get(admin_code=admin_code).pk
