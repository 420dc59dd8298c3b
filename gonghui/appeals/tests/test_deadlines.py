"""Deadlines: defaults per urgency, category policies, holidays, extensions and reopening."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gonghui.appeals import services
from gonghui.appeals.models import Appeal, DeadlinePolicy, Extension
from gonghui.core.errors import ServiceError

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    return at(year, month, day, 23, 59, 59)


@pytest.fixture
def dispatch(unionised_employer):
    """File an appeal that routing dispatches at once to 望京, at ``when``."""

    def file(when: datetime, **fields) -> Appeal:
        with time_machine.travel(when, tick=False):
            appeal, _created = services.create_appeal(
                services.Intake(
                    text=TEXT, phone="13912345678", employer_uscc=unionised_employer.uscc, **fields
                )
            )
        assert appeal.status == "dispatched" and appeal.dispatched_at == when
        return appeal

    return file


def deadlines(appeal: Appeal) -> tuple:
    return appeal.accept_by, appeal.contact_by, appeal.resolve_by


MONDAY = at(2026, 3, 2, 10, 0)  # an ordinary week


@pytest.mark.parametrize(
    "urgency,expected",
    [
        # accept 24 h, contact 24 h, resolve 7 working days (Tue..Wed of next week)
        ("normal", (at(2026, 3, 3, 10, 0), at(2026, 3, 3, 10, 0), end_of(2026, 3, 11))),
        # contact within 2 h, resolve within 1 working day
        ("urgent", (at(2026, 3, 3, 10, 0), at(2026, 3, 2, 12, 0), end_of(2026, 3, 3))),
        # resolve within 15 working days
        ("complex", (at(2026, 3, 3, 10, 0), at(2026, 3, 3, 10, 0), end_of(2026, 3, 23))),
    ],
)
def test_it_sets_the_default_deadlines_of_each_urgency(dispatch, urgency, expected):
    appeal = dispatch(MONDAY, urgency=urgency)
    assert deadlines(appeal) == expected


def test_it_prefers_a_policy_for_the_category(dispatch):
    DeadlinePolicy.objects.create(
        urgency="normal", category="wages", accept_hours=4, contact_hours=8, resolve_working_days=3
    )
    wages = dispatch(MONDAY)
    assert wages.category == "wages"
    assert deadlines(wages) == (at(2026, 3, 2, 14, 0), at(2026, 3, 2, 18, 0), end_of(2026, 3, 5))
    hours = dispatch(MONDAY, category="hours")
    assert deadlines(hours) == (at(2026, 3, 3, 10, 0), at(2026, 3, 3, 10, 0), end_of(2026, 3, 11))
    # The urgency's own row still applies when the category has none for that urgency.
    urgent = dispatch(MONDAY, urgency="urgent")
    assert urgent.contact_by == at(2026, 3, 2, 12, 0)


@pytest.mark.parametrize(
    "urgency,resolve_by",
    [
        # Thu 12 Feb: Fri 13, make-up Sat 14, (15-23 Spring Festival), 24-27, make-up Sat 28
        ("normal", end_of(2026, 2, 28)),
        ("urgent", end_of(2026, 2, 13)),
        ("complex", end_of(2026, 3, 11)),
    ],
)
def test_it_counts_working_days_across_the_spring_festival(dispatch, urgency, resolve_by):
    appeal = dispatch(at(2026, 2, 12, 16, 30), urgency=urgency)
    assert appeal.resolve_by == resolve_by
    assert appeal.accept_by == at(2026, 2, 13, 16, 30)  # hours are hours, holiday or not


def test_it_counts_working_days_across_national_day(dispatch):
    # Tue 29 Sep: Wed 30, (1-7 Oct National Day), Thu 8, Fri 9, make-up Sat 10, 12, 13, 14
    appeal = dispatch(at(2026, 9, 29, 15, 0))
    assert appeal.resolve_by == end_of(2026, 10, 14)
    urgent = dispatch(at(2026, 9, 30, 15, 0), urgency="urgent")
    assert urgent.contact_by == at(2026, 9, 30, 17, 0)
    assert urgent.resolve_by == end_of(2026, 10, 8)


def test_it_adds_approved_working_days_and_allows_two_extensions(dispatch, personas):
    handler, supervisor = personas["street_handler"].user, personas["district_supervisor"].user
    appeal = dispatch(at(2026, 9, 29, 15, 0))
    services.act(appeal, "accept", actor=handler)

    def extend(days):
        return services.act(appeal, "extend", actor=handler, days=days, reason="等待企业提供工资表")

    extend(3)
    with pytest.raises(ServiceError) as pending:
        extend(2)
    assert (pending.value.status, pending.value.code) == (409, "extension_pending")
    approved = services.act(appeal, "extension/approve", actor=supervisor)
    # Wed 14 Oct + 3 working days: Thu 15, Fri 16, Mon 19.
    assert approved.resolve_by == end_of(2026, 10, 19)
    assert approved.extension_count == 1

    extend(5)
    rejected = services.act(appeal, "extension/reject", actor=supervisor, reason="材料已齐全")
    assert rejected.resolve_by == end_of(2026, 10, 19)
    assert rejected.extension_count == 1

    extend(1)
    approved = services.act(appeal, "extension/approve", actor=supervisor)
    assert approved.resolve_by == end_of(2026, 10, 20)
    assert approved.extension_count == 2

    events_before = approved.events.count()
    with pytest.raises(ServiceError) as limit:
        extend(1)
    assert (limit.value.status, limit.value.code) == (409, "extension_limit")
    assert approved.events.count() == events_before
    assert Extension.objects.filter(appeal=appeal, status="pending").count() == 0
    assert list(
        Extension.objects.filter(appeal=appeal).order_by("pk").values_list("status", flat=True)
    ) == ["approved", "rejected", "approved"]


def test_it_sets_new_deadlines_when_the_worker_says_not_solved(dispatch, personas):
    handler = personas["street_handler"].user
    appeal = dispatch(MONDAY)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        services.act(appeal, "accept", actor=handler)
        services.act(appeal, "contact", actor=handler, note="已电话联系")
        services.act(appeal, "resolve", actor=handler, reply="已协调补发。")
    with time_machine.travel(at(2026, 3, 6, 11, 0), tick=False):  # a Friday
        reopened = services.evaluate(appeal, resolved=False, satisfaction="unsatisfied")
    assert reopened.status == "accepted"
    assert reopened.reopen_count == 1
    assert reopened.contacted_at is None
    assert reopened.contact_by == at(2026, 3, 7, 11, 0)
    assert reopened.resolve_by == end_of(2026, 3, 17)  # Mon 9 .. Tue 17
    assert reopened.accept_by == at(2026, 3, 3, 10, 0)  # signing for it is long done
    event = reopened.events.last()
    assert (event.action, event.from_status, event.to_status) == ("reopen", "resolved", "accepted")

    # A second "not solved" reopens it again.
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.act(appeal, "contact", actor=handler, note="再次联系")
        services.act(appeal, "resolve", actor=handler, reply="已补发。")
        again = services.evaluate(appeal, resolved=False, satisfaction="basically")
    assert again.reopen_count == 2
    assert again.resolve_by == end_of(2026, 3, 18)
