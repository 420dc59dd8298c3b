"""The lean intake path: the routing tables held in each process, the appeal inserted
already dispatched, and what it still guarantees (timeline, deadlines, notices, roll-up)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.appeals import metrics, tables
from gonghui.appeals.choices import Status
from gonghui.appeals.intake import Intake, create_appeal
from gonghui.appeals.models import Appeal, AppealEvent, DailyStat, DeadlinePolicy, RoutingRule
from gonghui.core import generations
from gonghui.core.models import Generation, Notice
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

WANGJING_ADDRESS = "朝阳区望京街道阜通东大街6号"
TEXT = "望京街道某餐馆拖欠我三个月工资，老板一直不给，请帮忙处理。"


def _file(**fields) -> object:
    body = {"text": TEXT, "phone": "13912345678", "address": WANGJING_ADDRESS, "kind": "complaint"}
    body.update(fields)
    appeal, _created = create_appeal(Intake(**body), actor_label="test")
    return appeal


def test_a_routed_appeal_is_stored_dispatched_with_both_steps_on_its_timeline(street_handler):
    appeal = _file()
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED
    assert appeal.assigned_org.admin_code == "110105026"  # 望京街道
    assert appeal.accept_by and appeal.contact_by and appeal.resolve_by
    assert appeal.dispatched_at is not None
    steps = list(appeal.events.values_list("action", "from_status", "to_status", "org_id"))
    assert steps == [
        ("receive", "", Status.RECEIVED, appeal.dispatcher_org_id),
        ("dispatch", Status.RECEIVED, Status.DISPATCHED, appeal.assigned_org_id),
    ]
    # The street's handler is told, once, and the roll-up counts one contact due,
    # as a recount from the appeals does.
    assert (
        Notice.objects.filter(
            user=street_handler.user, url=f"/console/appeals/{appeal.pk}/"
        ).count()
        == 1
    )
    day = metrics._day(appeal.contact_by)
    row = DailyStat.objects.get(org=appeal.assigned_org, day=day)
    assert row.contact_due == 1
    recount = metrics.count_appeals(Appeal.objects.all(), day, day)
    assert recount, "the recount sees the appeal"


def test_a_dispatched_intake_takes_at_most_eleven_statements(street_handler):
    _file(phone="13912345670")  # warm the process's tables and the triage model
    with CaptureQueriesContext(connection) as queries:
        appeal = _file(phone="13912345671")
    assert appeal.status == Status.DISPATCHED
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= 11, "\n".join(sql)
    # None of the small tables is read on the hot path any more.
    for table in ("appeals_routingrule", "appeals_deadlinepolicy", '"orgs_org"'):
        assert not any(s.startswith("SELECT") and table in s for s in sql), table
    assert sum(s.startswith('UPDATE "appeals_appeal"') for s in sql) == 0
    assert sum(s.startswith('INSERT INTO "appeals_appealevent"') for s in sql) == 1


def test_an_edit_of_the_routing_table_is_used_by_the_next_appeal_in_this_process(db):
    assert _file(phone="13912345672").status == Status.DISPATCHED
    RoutingRule.objects.filter(target="location_street").update(auto_dispatch=False)
    appeal = _file(phone="13912345673")
    assert appeal.status == Status.RECEIVED
    assert appeal.dispatcher_org.admin_code == "110105026"


def test_a_deadline_policy_saved_elsewhere_reaches_this_process_by_the_generation(db):
    from gonghui.core.workdays import add_working_days

    assert not DeadlinePolicy.objects.filter(urgency="normal", category="wages").exists()
    _file(phone="13912345674")  # this process now holds the tables
    # Another process changes the policy: the row and the token move, our copy does not
    # know yet (no signal reaches us).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appeals_deadlinepolicy SET resolve_working_days = 3 "
            "WHERE urgency = 'normal' AND category = ''"
        )
    assert tables.get().policies[("normal", "")][2] != 3  # the stale copy, until checked
    Generation.objects.filter(key=tables.KEY).update(token=424242)
    tables._cache._checked = 0.0  # as CHECK_EVERY seconds later
    appeal = _file(phone="13912345675", urgency="normal", category="wages")
    assert appeal.resolve_by == add_working_days(appeal.dispatched_at, 3)


def test_a_street_renamed_is_seen_at_once_by_this_process(db):
    _file(phone="13912345676")
    wangjing = Org.objects.get(admin_code="110105026")
    wangjing.name = "望京街道总工会（新）"
    wangjing.save(update_fields=["name"])
    assert tables.org(wangjing.pk).name == "望京街道总工会（新）"


def test_a_bulk_write_of_a_table_bumps_the_generation(db):
    before = generations.current(tables.KEY)
    DeadlinePolicy.objects.filter(urgency="urgent").update(contact_hours=3)
    middle = generations.current(tables.KEY)
    RoutingRule.objects.bulk_create([RoutingRule(priority=5, category="wages", target="city")])
    after = generations.current(tables.KEY)
    assert before != middle != after


def test_the_timeline_lists_receive_before_dispatch(db):
    appeal = _file(phone="13912345677")
    events = AppealEvent.objects.filter(appeal=appeal).order_by("id")
    assert [e.action for e in events] == ["receive", "dispatch"]
    assert events[0].at <= events[1].at  # the timeline's order (at, id) stays receive first
