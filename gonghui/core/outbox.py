"""Queue notifications inside a transaction; deliver them from the worker with retries."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gonghui.core.models import OutboxMessage
from gonghui.core.sms import SMSError, send_sms

MAX_ATTEMPTS = 6
# A claim a dead worker left behind is taken over after this long.
CLAIM_SECONDS = 120


def claim_seconds() -> int:
    return getattr(settings, "GONGHUI_OUTBOX_CLAIM_SECONDS", CLAIM_SECONDS)


def queue_sms(to: str, text: str) -> OutboxMessage:
    """Queue a text message; call inside the transaction of the event it reports."""
    return OutboxMessage.objects.create(to=to, text=text, next_attempt_at=timezone.now())


def _claim(limit: int) -> list[OutboxMessage]:
    """Claim due messages by conditional update, so two workers never send one twice."""
    now = timezone.now()
    due = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING)
        | Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at")
    claimed = []
    for pk in due.values_list("pk", flat=True)[:limit]:
        won = (
            OutboxMessage.objects.filter(pk=pk)
            .filter(
                Q(status=OutboxMessage.Status.PENDING)
                | Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now)
            )
            .update(
                status=OutboxMessage.Status.SENDING,
                claimed_until=now + timedelta(seconds=claim_seconds()),
            )
        )
        if won:
            claimed.append(OutboxMessage.objects.get(pk=pk))
    return claimed


def deliver_pending(limit: int = 100) -> int:
    """Send due messages; return how many were sent. Failures back off exponentially."""
    sent = 0
    for message in _claim(limit):
        message.attempts += 1
        try:
            send_sms(message.to, message.text, message_id=message.pk)
        except SMSError as exc:
            message.last_error = str(exc)[:300]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.status = OutboxMessage.Status.PENDING
                message.next_attempt_at = timezone.now() + timedelta(
                    seconds=30 * 2 ** (message.attempts - 1)
                )
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            sent += 1
        message.claimed_until = None
        message.save(
            update_fields=[
                "attempts",
                "status",
                "last_error",
                "next_attempt_at",
                "sent_at",
                "claimed_until",
            ]
        )
    return sent
