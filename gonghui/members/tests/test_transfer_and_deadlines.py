"""Transfers without a gap, approval and release deadlines in working days, the sweeps."""

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.models import Notice
from gonghui.core.workdays import SHANGHAI
from gonghui.members import services, sweeps
from gonghui.members.models import JoinApplication, Member, MembershipPeriod, Transfer
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_org

pytestmark = pytest.mark.django_db


def _apply(worker, n, street, **kw):
    return services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="赵六",
            id_number=make_id_number(n),
            job_type="other",
            street_id=street.pk,
            **kw,
        ),
        worker=worker,
    )


def test_the_approval_deadline_is_five_working_days_over_a_holiday(courier, wangjing, mobile_union):
    # Submitted on Friday 26 September 2025: 1-8 October is the National Day holiday,
    # 28 September (Sunday) a make-up working day.
    friday = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(friday, tick=False):
        app = _apply(courier.worker, 1, wangjing)
    assert app.due_at.astimezone(SHANGHAI).date() == date(2025, 10, 10)


def test_the_sweep_flags_an_overdue_application_once_and_tells_the_supervisor(
    courier, wangjing, mobile_union, street_handler, district_supervisor
):
    app = _apply(courier.worker, 2, wangjing)
    assert sweeps.mark_overdue_applications(now=app.due_at - timedelta(minutes=1)) == 0
    later = app.due_at + timedelta(minutes=1)
    assert sweeps.mark_overdue_applications(now=later) == 1
    assert sweeps.mark_overdue_applications(now=later) == 0  # claimed once
    assert JoinApplication.objects.get(pk=app.pk).overdue
    # The mobile union has no staff of its own: 望京's handler is told, and the nearest
    # supervisor above (朝阳区) supervises it.
    assert Notice.objects.filter(user=street_handler.user, text__contains="超时").count() == 1
    assert Notice.objects.filter(user=district_supervisor.user, text__contains="超时").count() == 1


def test_a_decided_application_is_not_flagged(courier, wangjing, mobile_union, street_handler):
    app = _apply(courier.worker, 3, wangjing)
    services.approve_application(app, actor=street_handler.user)
    assert sweeps.mark_overdue_applications(now=app.due_at + timedelta(days=1)) == 0


def _member(courier, wangjing, handler, n=4) -> Member:
    return services.approve_application(_apply(courier.worker, n, wangjing), actor=handler.user)


def test_a_worker_transfer_goes_through_after_the_release_deadline(
    courier, wangjing, mobile_union, unionised_employer, street_handler
):
    member = _member(courier, wangjing, street_handler)
    r = courier.api().post(
        "/api/v1/members/me/transfer",
        json.dumps({"employer_uscc": unionised_employer.uscc, "reason": "换了工作"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    transfer = Transfer.objects.get(pk=r.json()["id"])
    assert transfer.to_org == unionised_employer.union and transfer.status == "requested"
    # The new union cannot accept before the old one confirmed (or the deadline passed).
    with pytest.raises(services.Conflict):
        services.accept_transfer(transfer, actor=street_handler.user)
    assert sweeps.release_overdue_transfers(now=transfer.release_by - timedelta(minutes=1)) == 0
    assert sweeps.release_overdue_transfers(now=transfer.release_by + timedelta(minutes=1)) == 1
    transfer.refresh_from_db()
    assert transfer.status == "released" and transfer.released_automatically
    services.accept_transfer(transfer, actor=street_handler.user)
    member.refresh_from_db()
    assert member.org == unionised_employer.union
    assert member.employer_name == unionised_employer.name
    a, b = member.periods.order_by("started_on", "id")
    assert a.ended_on == b.started_on and (a.end_reason, b.start_reason) == (
        "transferred_out",
        "transferred_in",
    )
    me = courier.api().get("/api/v1/members/me").json()
    assert me["union"]["id"] == unionised_employer.union.pk and len(me["periods"]) == 2


def test_the_old_union_can_confirm_early_and_the_new_one_decline(
    courier, wangjing, mobile_union, unionised_employer, street_handler, outsider
):
    member = _member(courier, wangjing, street_handler, n=5)
    t = services.request_transfer(member, to_org=unionised_employer.union, requested_by="worker:1")
    with pytest.raises(services.Forbidden):
        services.release_transfer(t, actor=outsider.user)
    services.release_transfer(t, actor=street_handler.user)
    with pytest.raises(Exception, match="理由"):
        services.decline_transfer(t, actor=street_handler.user, reason="")
    services.decline_transfer(t, actor=street_handler.user, reason="本单位查无此人")
    member.refresh_from_db()
    assert member.org == mobile_union and member.periods.count() == 1
    # A second transfer may be asked after the first ended.
    services.request_transfer(member, to_org=unionised_employer.union, requested_by="worker:1")
    with pytest.raises(services.Conflict):
        services.request_transfer(member, to_org=wangjing, requested_by="worker:1")


# --- the property: random sequences of transfers, lapses and resumptions -------------------

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["transfer", "lapse", "resume", "end"]), st.integers(0, 40)),
    min_size=1,
    max_size=12,
)


def check_periods(member: Member) -> None:
    periods = list(MembershipPeriod.objects.filter(member=member).order_by("started_on", "id"))
    open_ = [p for p in periods if p.ended_on is None]
    assert len(open_) == (1 if member.status == "active" else 0)
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert earlier.ended_on is not None
        assert earlier.ended_on <= later.started_on, "periods overlap"
        if earlier.end_reason == "transferred_out":
            # A member who kept their membership has no gap: out and in on one day.
            assert later.start_reason == "transferred_in"
            assert later.started_on == earlier.ended_on, "gap in a kept membership"
        if later.start_reason == "transferred_in":
            assert earlier.end_reason == "transferred_out"
    if periods:
        assert periods[-1].org_id == member.org_id


@pytest.fixture
def unions(wangjing):
    return [wangjing] + [
        create_org(name=f"望京第{i}联合工会", kind="area_joint", parent=wangjing) for i in range(3)
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_random_transfer_sequences_keep_periods_contiguous(
    actions, courier, street_handler, unions
):
    actor = street_handler.user
    with connection.cursor() as c:
        c.execute("SAVEPOINT prop")
    try:
        day = date(2024, 1, 2)
        member = Member.objects.create(
            name="钱七",
            id_number=make_id_number(9),
            gender="male",
            birth_date=date(1990, 5, 17),
            org=unions[0],
            member_number="1101052024X",
            joined_on=day,
        )
        services._open_period(member, unions[0], day, "joined")
        for i, (action, step) in enumerate(actions):
            day += timedelta(days=step)
            member.refresh_from_db()
            try:
                if action == "transfer":
                    target = unions[(unions.index(member.org) + 1 + i) % len(unions)]
                    services.staff_transfer(member, to_org=target, reason="", actor=actor, on=day)
                else:
                    services.change_status(member, action, actor=actor, on=day)
            except services.Conflict:
                pass  # not allowed in this state (e.g. transfer while lapsed): nothing changes
            member.refresh_from_db()
            check_periods(member)
    finally:
        with connection.cursor() as c:
            c.execute("ROLLBACK TO SAVEPOINT prop")


def test_a_period_end_is_never_rewritten(courier, street_handler, unions):
    member = services.approve_application(
        _apply(courier.worker, 11, unions[0]), actor=street_handler.user
    )
    services.change_status(member, "lapse", actor=street_handler.user)
    first = member.periods.get()
    services.change_status(member, "resume", actor=street_handler.user)
    services.change_status(member, "lapse", actor=street_handler.user)
    assert MembershipPeriod.objects.get(pk=first.pk).ended_on == first.ended_on
    assert member.periods.count() == 2
    assert timezone.now()  # the clock was not frozen here
    assert Org.objects.filter(pk=unions[0].pk).exists()
