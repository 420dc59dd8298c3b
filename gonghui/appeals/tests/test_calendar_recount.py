"""Entering the 2027 holiday schedule moves the resolve deadlines of open appeals that
were counted Monday to Friday across the Spring Festival (and lifts the overdue flags
the fallback raised during the holiday)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gonghui.appeals import services, sweeps
from gonghui.appeals.models import Appeal
from gonghui.core.testing import schedule_2027

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    return at(year, month, day, 23, 59, 59)


@pytest.fixture
def dispatch(unionised_employer):
    def file(when: datetime, **fields) -> Appeal:
        with time_machine.travel(when, tick=False):
            appeal, _created = services.create_appeal(
                services.Intake(
                    text=TEXT, phone="13912345678", employer_uscc=unionised_employer.uscc, **fields
                )
            )
        assert appeal.status == "dispatched"
        return appeal

    return file


def put(persona, body: dict):
    return persona.api().put("/api/v1/calendar/2027", body, content_type="application/json")


def test_it_moves_open_deadlines_when_the_2027_schedule_is_entered(dispatch, personas):
    handler, supervisor = personas["street_handler"].user, personas["district_supervisor"].user
    # Dispatched before anyone knew 2027: counted Monday to Friday.
    plain = dispatch(at(2027, 2, 1, 10, 0))  # 7 working days: Tue 2 .. Wed 10
    urgent = dispatch(at(2027, 2, 1, 10, 0), urgency="urgent")  # 1 working day: Tue 2
    extended = dispatch(at(2027, 1, 25, 10, 0))  # 7 working days: Wed 3 February
    closed = dispatch(at(2027, 2, 1, 10, 0))
    with time_machine.travel(at(2027, 1, 26, 9, 0), tick=False):
        services.act(extended, "accept", actor=handler)
        services.act(extended, "extend", actor=handler, days=5, reason="等待企业提供工资表")
        services.act(extended, "extension/approve", actor=supervisor)
        services.act(closed, "accept", actor=handler)
        services.act(closed, "contact", actor=handler, note="已电话联系")
        services.act(closed, "resolve", actor=handler, reply="已协调补发。")
    assert plain.resolve_by == end_of(2027, 2, 10)
    assert urgent.resolve_by == end_of(2027, 2, 2)
    extended.refresh_from_db()
    assert extended.resolve_by == end_of(2027, 2, 10)  # + Thu 4 .. Wed 10
    closed_due = Appeal.objects.get(pk=closed.pk).resolve_by

    # Thursday 11 February, in the middle of the holiday: the fallback calls them late.
    with time_machine.travel(at(2027, 2, 11, 12, 0), tick=False):
        sweeps.mark_overdue()
        assert set(Appeal.objects.filter(overdue_resolve=True).values_list("pk", flat=True)) == {
            plain.pk,
            urgent.pk,
            extended.pk,
        }
        response = put(personas["city_admin"], schedule_2027())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"] == {"appeals": 2, "members": 0}
    assert body["moved_total"] == 2

    plain.refresh_from_db()
    # 2, 3, 4 February, then the holiday (5-13) and Sunday 14: 15, 16, 17, 18.
    assert plain.resolve_by == end_of(2027, 2, 18)
    assert not plain.overdue_resolve and plain.supervised  # the supervision stays
    extended.refresh_from_db()
    # 12 working days from Monday 25 January: 26-29, the make-up Sunday 31, 1-4, 15-17.
    assert extended.resolve_by == end_of(2027, 2, 17)
    assert not extended.overdue_resolve
    urgent.refresh_from_db()
    assert urgent.resolve_by == end_of(2027, 2, 2) and urgent.overdue_resolve  # late anyway
    assert Appeal.objects.get(pk=closed.pk).resolve_by == closed_due  # resolved: not moved

    event = plain.events.get(action="deadline_moved")
    assert not event.public
    assert event.actor == personas["city_admin"].user
    assert "2027-02-10" in event.note and "2027-02-18" in event.note
    assert not urgent.events.filter(action="deadline_moved").exists()

    # The same schedule again moves nothing.
    with time_machine.travel(at(2027, 2, 11, 12, 30), tick=False):
        again = put(personas["city_admin"], schedule_2027()).json()
    assert (again["changed_days"], again["moved_total"]) == (0, 0)

    # A correction: Friday 12 February becomes a working day after all; deadlines that
    # counted across it come one working day earlier.
    corrected = schedule_2027()
    corrected["holidays"].remove("2027-02-12")
    with time_machine.travel(at(2027, 2, 11, 13, 0), tick=False):
        fixed = put(personas["city_admin"], corrected).json()
    assert fixed["changed_days"] == 1 and fixed["moved"]["appeals"] == 2
    plain.refresh_from_db()
    extended.refresh_from_db()
    assert plain.resolve_by == end_of(2027, 2, 17)
    assert extended.resolve_by == end_of(2027, 2, 16)


def test_it_moves_a_reopened_appeal_from_the_day_it_was_reopened(dispatch, personas):
    handler = personas["street_handler"].user
    appeal = dispatch(at(2027, 1, 4, 10, 0))
    with time_machine.travel(at(2027, 1, 5, 9, 0), tick=False):
        services.act(appeal, "accept", actor=handler)
        services.act(appeal, "contact", actor=handler, note="已电话联系")
        services.act(appeal, "resolve", actor=handler, reply="已协调补发。")
    with time_machine.travel(at(2027, 2, 3, 11, 0), tick=False):  # Wednesday
        reopened = services.evaluate(appeal, resolved=False, satisfaction="unsatisfied")
    assert reopened.resolve_by == end_of(2027, 2, 12)  # Thu 4 .. Fri 12, Monday to Friday
    with time_machine.travel(at(2027, 2, 4, 9, 0), tick=False):
        assert put(personas["city_admin"], schedule_2027()).json()["moved"]["appeals"] == 1
    reopened.refresh_from_db()
    # Thu 4, then 15-19 and (Sat 20, make-up) : 7 working days end on Saturday 20.
    assert reopened.resolve_by == end_of(2027, 2, 20)
