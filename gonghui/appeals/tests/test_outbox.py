"""The SMS outbox the appeal services queue into: sent once by racing workers, retried
with back-off, given up after MAX_ATTEMPTS, and recovered from a worker killed mid-run."""

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from gonghui.core import outbox, sms
from gonghui.core.models import OutboxMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


class RecordingSMS:
    """A transport that records every send; ``failures`` sends raise SMSError first."""

    sent: list[tuple[str, str]] = []
    calls = 0
    failures = 0
    delay = 0.0
    lock = threading.Lock()

    def send(self, to: str, text: str, **_kw) -> None:
        with RecordingSMS.lock:
            RecordingSMS.calls += 1
            if RecordingSMS.failures:
                RecordingSMS.failures -= 1
                raise sms.SMSError("provider says no")
        time.sleep(RecordingSMS.delay)  # widens the window two workers could overlap in
        with RecordingSMS.lock:
            RecordingSMS.sent.append((to, text))


@pytest.fixture
def transport(settings):
    settings.GONGHUI_SMS_BACKEND = f"{__name__}.RecordingSMS"
    # Delivery is tested here, the signature in core/tests/test_sms_signature.py.
    settings.GONGHUI_SMS_SIGNATURE = ""
    RecordingSMS.sent, RecordingSMS.calls, RecordingSMS.failures = [], 0, 0
    RecordingSMS.delay = 0.0
    sms._transport.cache_clear()
    yield RecordingSMS
    sms._transport.cache_clear()


def _queue(n: int) -> list[OutboxMessage]:
    return [outbox.queue_sms("13912345678", f"消息{i:02d}") for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_message_once_with_two_workers(
    concurrent_db, transport, in_threads, lock_waiters
):
    messages = _queue(12)
    transport.delay = 0.005
    # Both workers read the same due list, then queue on the first row's claim.
    with transaction.atomic():
        list(OutboxMessage.objects.select_for_update().all())
        running = in_threads(outbox.deliver_pending, outbox.deliver_pending)
        lock_waiters(2)
    counts = running.results()
    assert not [c for c in counts if isinstance(c, BaseException)], counts

    assert sum(counts) == len(messages)
    assert sorted(text for _to, text in transport.sent) == [m.text for m in messages]
    assert transport.calls == len(messages)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_it_retries_with_back_off_and_gives_up_after_max_attempts(transport):
    transport.failures = 100
    with time_machine.travel(START, tick=False) as clock:
        (message,) = _queue(1)
        waits = []
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            assert outbox.deliver_pending() == 0
            assert transport.calls == attempt
            message.refresh_from_db()
            assert message.attempts == attempt
            assert message.last_error == "provider says no"
            assert message.claimed_until is None
            if attempt == outbox.MAX_ATTEMPTS:
                break
            assert message.status == "pending"
            wait = message.next_attempt_at - timezone.now()
            waits.append(wait.total_seconds())
            # Not due before its back-off has passed.
            clock.shift(wait - timedelta(seconds=1))
            assert outbox.deliver_pending() == 0
            assert transport.calls == attempt
            clock.shift(timedelta(seconds=1))

        assert waits == [30, 60, 120, 240, 480]
        assert message.status == "failed"
        clock.shift(timedelta(days=1))
        assert outbox.deliver_pending() == 0
        assert transport.calls == outbox.MAX_ATTEMPTS
    assert transport.sent == []


@pytest.mark.django_db
def test_it_sends_a_message_that_failed_twice_on_the_third_attempt(transport):
    transport.failures = 2
    with time_machine.travel(START, tick=False) as clock:
        (message,) = _queue(1)
        assert outbox.deliver_pending() == 0
        clock.shift(timedelta(seconds=30))
        assert outbox.deliver_pending() == 0
        clock.shift(timedelta(seconds=60))
        assert outbox.deliver_pending() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert message.sent_at == START + timedelta(seconds=90)
    assert transport.sent == [("13912345678", "消息00")]


@pytest.mark.django_db
def test_it_picks_up_a_message_a_killed_worker_had_claimed(transport):
    with time_machine.travel(START, tick=False):
        stale, live = _queue(2)
        # The worker that claimed ``stale`` died; the one holding ``live`` is still sending.
        OutboxMessage.objects.filter(pk=stale.pk).update(
            status="sending", claimed_until=timezone.now() - timedelta(seconds=1)
        )
        OutboxMessage.objects.filter(pk=live.pk).update(
            status="sending", claimed_until=timezone.now() + timedelta(seconds=60)
        )
        assert outbox.deliver_pending() == 1
        assert transport.sent == [("13912345678", stale.text)]
        stale.refresh_from_db()
        live.refresh_from_db()
        assert (stale.status, stale.attempts, stale.claimed_until) == ("sent", 1, None)
        assert live.status == "sending" and live.attempts == 0
    # Once its claim runs out, the live one is not lost either.
    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        assert outbox.deliver_pending() == 1
    assert [text for _to, text in transport.sent] == [stale.text, live.text]
