"""Entering the 2027 holiday schedule moves the review deadline of a pending join
application that was counted Monday to Friday across the Spring Festival."""

from datetime import date, datetime

import pytest
import time_machine

from gonghui.core import calendars
from gonghui.core.testing import schedule_2027
from gonghui.core.workdays import SHANGHAI
from gonghui.members import services, sweeps
from gonghui.members.models import JoinApplication
from gonghui.members.testing import make_id_number

pytestmark = pytest.mark.django_db


def test_a_pending_application_gets_its_working_days_back(
    courier, wangjing, mobile_union, city_admin
):
    with time_machine.travel(datetime(2027, 2, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        app = services.submit_application(
            services.JoinRequest(
                declaration=True,
                privacy_consent=True,
                name="赵六",
                id_number=make_id_number(27),
                job_type="other",
                street_id=wangjing.pk,
            ),
            worker=courier.worker,
        )
    assert app.due_at.astimezone(SHANGHAI).date() == date(2027, 2, 11)  # Monday to Friday
    with time_machine.travel(datetime(2027, 2, 12, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert sweeps.mark_overdue_applications() == 1
        body = schedule_2027()
        entered = calendars.enter(
            2027,
            holidays=[date.fromisoformat(d) for d in body["holidays"]],
            workdays=[date.fromisoformat(d) for d in body["workdays"]],
            notice=body["notice"],
            actor=city_admin.user,
        )
    assert entered.moved["members"] == 1
    app = JoinApplication.objects.get(pk=app.pk)
    # 5 working days after Thursday 4 February: the holiday runs 5-13, Sunday 14 is off.
    assert app.due_at.astimezone(SHANGHAI).date() == date(2027, 2, 19)
    assert not app.overdue
