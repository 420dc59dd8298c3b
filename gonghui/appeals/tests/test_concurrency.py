"""Races on real concurrent PostgreSQL connections: ticket numbers, idempotent intake,
two handlers accepting at once, and two workers sweeping overdue appeals at once."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from gonghui.accounts.services import create_api_key, issue_staff_token
from gonghui.appeals import services, sweeps
from gonghui.appeals.models import Appeal, AppealEvent, TicketCounter
from gonghui.core.models import AuditLog, Notice, OutboxMessage
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"

pytestmark = pytest.mark.django_db(transaction=True)


def _intake(**fields) -> services.Intake:
    return services.Intake(text=TEXT, phone="13912345678", **fields)


def _create(**fields) -> Appeal:
    appeal, _created = services.create_appeal(_intake(**fields), actor_label="test")
    return appeal


def _numbers(tickets: list[str]) -> list[int]:
    return sorted(int(t.rsplit("-", 1)[1]) for t in tickets)


def test_it_numbers_tickets_gap_free_from_many_threads(concurrent_db, in_threads, lock_waiters):
    n = 6
    with time_machine.travel(MONDAY):
        # The first appeals of the day race to create the day's counter row.
        first = in_threads(*[lambda: _create().ticket_no] * n).results()
        assert not [r for r in first if isinstance(r, BaseException)], first
        assert all(t.startswith("12351-20260302-") for t in first)
        assert _numbers(first) == list(range(1, n + 1))

        # Then with the counter row locked until every thread queues on it.
        with transaction.atomic():
            TicketCounter.objects.select_for_update().get(day=MONDAY.date())
            running = in_threads(*[lambda: _create().ticket_no] * n)
            lock_waiters(n)
        second = running.results()
        assert not [r for r in second if isinstance(r, BaseException)], second
        assert _numbers(first + second) == list(range(1, 2 * n + 1))

    assert TicketCounter.objects.get(day=MONDAY.date()).last == 2 * n
    assert Appeal.objects.count() == 2 * n
    # The sequence is per day: the next day starts again at 1.
    with time_machine.travel(MONDAY + timedelta(days=1)):
        assert _create().ticket_no == "12351-20260303-000001"


def test_it_files_one_appeal_for_an_idempotency_key_raced_from_two_threads(
    concurrent_db, in_threads, lock_waiters
):
    raw, _key = create_api_key(org=Org.objects.get(admin_code="110000"), name="12351 call centre")
    body = json.dumps({"text": TEXT, "phone": "13912345678"})

    def post():
        client = Client(headers={"X-Api-Key": raw, "Idempotency-Key": "call-7"})
        return client.post("/api/v1/appeals", body, content_type="application/json")

    with time_machine.travel(MONDAY):
        TicketCounter.objects.create(day=MONDAY.date())
        # Both requests pass the "already stored?" check, then queue on the counter row.
        with transaction.atomic():
            TicketCounter.objects.select_for_update().get(day=MONDAY.date())
            running = in_threads(post, post)
            lock_waiters(2)
        first, second = running.results()

    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["ticket_no"] == "12351-20260302-000001"
    assert Appeal.objects.count() == 1
    # The loser's transaction rolled back whole: no gap, one receipt, one SMS.
    assert TicketCounter.objects.get(day=MONDAY.date()).last == 1
    assert AppealEvent.objects.filter(action="receive").count() == 1
    assert OutboxMessage.objects.count() == 1


def test_it_lets_one_of_two_handlers_accept_and_tells_the_other_409(
    concurrent_db, personas, unionised_employer, in_threads, lock_waiters
):
    handler = personas["street_handler"]
    other = get_user_model().objects.create_user("p-second-handler")
    grant_role(user=other, org=handler.org, role="handler")
    appeal = _create(employer_uscc=unionised_employer.uscc)
    assert appeal.status == "dispatched" and appeal.assigned_org == handler.org
    token, _expires = issue_staff_token(other)
    clients = [handler.api(), Client(headers={"Authorization": f"Bearer {token}"})]

    def accept(client):
        url = f"/api/v1/appeals/{appeal.pk}/accept"
        return lambda: client.post(url, "{}", content_type="application/json")

    with transaction.atomic():
        Appeal.objects.select_for_update().get(pk=appeal.pk)
        running = in_threads(accept(clients[0]), accept(clients[1]))
        lock_waiters(2)
    responses = running.results()

    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "invalid_transition"
    appeal.refresh_from_db()
    assert appeal.status == "accepted"
    assert appeal.events.filter(action="accept").count() == 1
    assert AuditLog.objects.filter(action="appeal.accept").count() == 1


def _overdue_appeals(employer, count: int) -> list[Appeal]:
    with time_machine.travel(MONDAY):
        return [_create(employer_uscc=employer.uscc) for _ in range(count)]


def test_it_flags_each_overdue_step_once_with_two_workers_sweeping(
    concurrent_db, personas, unionised_employer, in_threads, lock_waiters
):
    handler, supervisor = personas["street_handler"], personas["district_supervisor"]
    appeals = _overdue_appeals(unionised_employer, 3)
    steps = {"overdue_accept", "overdue_contact", "overdue_resolve"}
    pks = [a.pk for a in appeals]

    # Eight working days later every step of every appeal is overdue.
    with time_machine.travel(MONDAY + timedelta(days=12)):
        with transaction.atomic():
            list(Appeal.objects.select_for_update().filter(pk__in=pks))
            running = in_threads(sweeps.mark_overdue, sweeps.mark_overdue)
            lock_waiters(2)
        flagged = running.results()
        assert not [r for r in flagged if isinstance(r, BaseException)], flagged
        assert sum(flagged) == 3 * len(steps)
        assert sweeps.mark_overdue() == 0  # nothing is flagged twice

    for appeal in Appeal.objects.filter(pk__in=pks):
        assert appeal.overdue_accept and appeal.overdue_contact and appeal.overdue_resolve
        assert appeal.supervised
        events = appeal.events.filter(action="overdue")
        assert sorted(e.data["step"] for e in events) == sorted(steps)
        assert all(not e.public for e in events)
        # One notice per step to each handler of 望京 and each supervisor of 朝阳区.
        for user in (handler.user, supervisor.user):
            notices = Notice.objects.filter(user=user, text__contains=appeal.ticket_no)
            assert notices.filter(text__contains="超时").count() == len(steps), user
    # Nobody else (the outsider, the admin) is told.
    others = Notice.objects.exclude(user__in=[handler.user, supervisor.user])
    assert not others.filter(text__contains="超时").exists()


def test_it_does_not_flag_a_deadline_an_extension_moved_while_the_sweep_ran(
    concurrent_db, personas, unionised_employer, in_threads, lock_waiters
):
    handler, supervisor = personas["street_handler"], personas["district_supervisor"]
    (appeal,) = _overdue_appeals(unionised_employer, 1)
    with time_machine.travel(MONDAY + timedelta(hours=1)):
        services.act(appeal, "accept", actor=handler.user)
        services.act(appeal, "contact", actor=handler.user, note="已电话联系")
        services.act(appeal, "extend", actor=handler.user, days=10, reason="需要企业补材料")

    with time_machine.travel(MONDAY + timedelta(days=12)):
        # The sweep picks the appeal as overdue, then waits for the row while the
        # supervisor approves ten more working days.
        with transaction.atomic():
            Appeal.objects.select_for_update().get(pk=appeal.pk)
            running = in_threads(sweeps.mark_overdue)
            lock_waiters(1)
            services.act(appeal, "extension/approve", actor=supervisor.user)
        (flagged,) = running.results()

    assert flagged == 0, flagged
    appeal.refresh_from_db()
    assert appeal.resolve_by > MONDAY + timedelta(days=12)
    assert not appeal.overdue_resolve and not appeal.supervised
    assert not appeal.events.filter(action="overdue").exists()
