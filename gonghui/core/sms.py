"""Outbound SMS: one adapter interface, chosen by GONGHUI_SMS_BACKEND.

A real provider implements ``send(to, text)`` and raises ``SMSError`` on failure;
see docs/sms.md. Development writes each message to the console and appends one
JSON line ``{"to", "text", "at"}`` to var/sms.log.
"""

import json
import sys
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSError(Exception):
    """The provider did not accept the message."""


class ConsoleFileSMS:
    """Development transport: console plus a JSON-lines log under var/."""

    def send(self, to: str, text: str) -> None:
        line = {"to": to, "text": text, "at": timezone.now().isoformat()}
        print(f"[sms] to {to}: {text}", file=sys.stderr)
        with open(settings.GONGHUI_SMS_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


@cache
def _transport():
    return import_string(settings.GONGHUI_SMS_BACKEND)()


def send_sms(to: str, text: str) -> None:
    _transport().send(to, text)
