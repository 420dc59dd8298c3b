"""Outbound SMS: one adapter interface, chosen by GONGHUI_SMS_BACKEND.

A real provider implements ``send(to, text)`` and raises ``SMSError`` on failure;
see docs/sms.md. Both local transports append one JSON line ``{"to", "text", "at"}``
to var/sms.log; ``ConsoleFileSMS`` (``make dev``) also prints it, ``FileSMS`` (``make
run``, the demo) does not.
"""

import json
import sys
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSError(Exception):
    """The provider did not accept the message."""


class FileSMS:
    """Demo transport (``make run``): one JSON line per message in var/sms.log, nothing on
    the console, so a demo's many messages do not flood the server's output."""

    def send(self, to: str, text: str, *, message_id: int | None = None) -> None:
        line = {"to": to, "text": text, "at": timezone.now().isoformat()}
        if message_id is not None:
            line["id"] = message_id
        with open(settings.GONGHUI_SMS_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


class ConsoleFileSMS(FileSMS):
    """Development transport (``make dev``): console plus the JSON-lines log under var/."""

    def send(self, to: str, text: str, *, message_id: int | None = None) -> None:
        print(f"[sms] to {to}: {text}", file=sys.stderr)
        super().send(to, text, message_id=message_id)


@cache
def _transport():
    return import_string(settings.GONGHUI_SMS_BACKEND)()


def signed(text: str) -> str:
    """Return ``text`` with the sender's signature (``GONGHUI_SMS_SIGNATURE``) in front,
    once: the one place a text gets it, so every message carries the same one."""
    signature = settings.GONGHUI_SMS_SIGNATURE
    return text if not signature or text.startswith(signature) else signature + text


def send_sms(to: str, text: str, *, message_id: int | None = None) -> None:
    """Send one message, signed; ``message_id`` (the outbox row) lets a provider that takes
    a client reference drop a repeat after a worker died between sending and recording."""
    text = signed(text)
    if message_id is None:
        _transport().send(to, text)
    else:
        _transport().send(to, text, message_id=message_id)
