"""Random sequences of actions on a few appeals, with the invariants checked after each.

Hypothesis drives dispatch, accept, return, contact, resolve, extend, approve, reject,
supervise, merge, answer_directly and the worker's evaluation through ``services.act`` and
``services.evaluate``, as staff who hold the needed roles and as staff who do not. Each
outcome is compared with what the documented rules predict (docs/appeals.md), refusals
must change nothing, and after every step:

- the status is the ``to_status`` of the last status-changing timeline event, and
  replaying the timeline from the receipt gives the status;
- deadlines (and a handling org) are set exactly while the appeal is dispatched and not
  returned;
- more than two returns only by a supervisor (or admin) of the handling org or above;
- handlers' and dispatchers' steps on a dispatched appeal only by those of the handling
  org itself (a city dispatcher does not sign for 望京's appeal);
- at most two approved extensions, one pending at a time;
- the roll-up equals a rebuild from scratch (checked at the end of each example).

Each example runs in a savepoint that is rolled back, inside the test's transaction.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from gonghui.appeals import metrics, services, workflow
from gonghui.appeals.models import Appeal, AppealEvent, DailyStat, Extension
from gonghui.core.models import AuditLog, Notice, OutboxMessage
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role

# name -> [(role, admin code of the org)]
STAFF = {
    "city_dispatcher": [("dispatcher", "110000")],
    "city_operator": [("operator", "110000")],
    "street_handler": [("handler", "110105026")],  # 望京
    "district_supervisor": [("supervisor", "110105")],  # 朝阳区
    "city_admin": [("admin", "110000")],
    "outsider": [("handler", "110108011")],  # 中关村, 海淀区
}
TARGETS = ["110105026", "110105"]  # dispatch to 望京 or to 朝阳区 itself
WAGES = "公司已经三个月没有发工资了，老板一直拖着不给。"
TEXTS = [
    ("请问单位不给交社保怎么办？", False),  # an enquiry in the city queue
    (WAGES, False),  # help, in the city queue
    (WAGES, True),  # dispatched to 望京 at intake (employer with a union)
    (WAGES, True),
]

appeal_index = st.integers(0, len(TEXTS) - 1)
actor = st.sampled_from(sorted(STAFF))
# A blind action is mostly refused by the state; a steered one goes to an appeal whose
# status allows it and to an actor the rules say may do it, so the walk gets deep.
steer = st.sampled_from([True, True, True, False])


class AppealMachine(RuleBasedStateMachine):
    users: dict = {}
    orgs: dict = {}
    employer_uscc: str = ""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.pks = []
        self.merged = False
        for text, employer in TEXTS:
            appeal, _ = services.create_appeal(
                services.Intake(
                    text=text,
                    phone="13912345678",
                    employer_uscc=self.employer_uscc if employer else "",
                )
            )
            self.pks.append(appeal.pk)

    def teardown(self):
        try:
            self.the_roll_up_equals_a_rebuild()  # once per example: a rebuild is not cheap
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- what the documented rules predict ---------------------------------------------

    def roles_over(
        self, who: str, org: Org | None, *, strictly: bool = False, own: frozenset = frozenset()
    ) -> set[str]:
        """Roles held at ``org`` or above (``strictly``: above only); ``own`` roles count
        only when held at ``org`` itself (the handling org's own staff)."""
        if org is None:
            return set()
        return {
            role
            for role, code in STAFF[who]
            if org.path.startswith(self.orgs[code].path)
            and not (strictly and self.orgs[code].path == org.path)
            and not (role in own and self.orgs[code].path != org.path)
        }

    def sees(self, who: str, appeal: Appeal) -> bool:
        paths = [self.orgs[code].path for _role, code in STAFF[who]]
        mine = [appeal.dispatcher_org] + ([appeal.assigned_org] if appeal.assigned_org else [])
        return any(o.path.startswith(p) for o in mine for p in paths)

    def predict(self, appeal: Appeal, action: str, who: str, data: dict) -> str | None:
        """Return None if the action must succeed, else the refusal "status:code"."""
        t = workflow.TRANSITIONS[action]
        if appeal.status not in t.sources:
            return "409:invalid_transition"
        org = appeal.dispatcher_org if t.where == "dispatcher" else appeal.assigned_org
        if org is None:
            return "409:invalid_transition"
        roles = self.roles_over(who, org, strictly=t.where == "above_assigned", own=t.own)
        allowed = set(t.roles)
        if action == "return" and appeal.return_count >= workflow.MAX_RETURNS:
            allowed |= {"supervisor", "admin"}
        if not roles & allowed:
            return "403:forbidden_role"
        pending = appeal.extensions.filter(status="pending").exists()
        at_limit = action == "return" and appeal.return_count >= workflow.MAX_RETURNS
        if at_limit and not roles & {"supervisor", "admin"}:
            return "409:return_limit"
        if action == "extend":
            if pending:
                return "409:extension_pending"
            if appeal.extension_count >= workflow.MAX_EXTENSIONS:
                return "409:extension_limit"
        if action in ("extension/approve", "extension/reject") and not pending:
            return "409:no_pending_extension"
        if action == "answer_directly" and appeal.kind != "enquiry":
            return "409:not_an_enquiry"
        if action == "merge":
            main = Appeal.objects.get(pk=data["into_id"])
            if main.pk == appeal.pk or not main.is_open or not self.sees(who, main):
                return "422:invalid_merge"
        if action == "dispatch":
            target = Org.objects.get(pk=data["org_id"])
            if not any(target.path.startswith(self.orgs[c].path) for _r, c in STAFF[who]):
                return "422:invalid_org"
        return None

    # --- acting --------------------------------------------------------------------------

    def snapshot(self) -> tuple:
        """Fingerprint every row a refused action must leave alone, in one query."""
        tables = {m: m._meta.db_table for m in (Appeal, Extension)}
        counted = [AppealEvent, OutboxMessage, Notice, AuditLog]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT md5(string_agg(a::text, '|' ORDER BY a.id))"
                f"  FROM {tables[Appeal]} a WHERE a.id = ANY(%s)),"
                f" (SELECT md5(coalesce(string_agg(e::text, '|' ORDER BY e.id), ''))"
                f"  FROM {tables[Extension]} e), "
                + ", ".join(f"(SELECT count(*) FROM {m._meta.db_table})" for m in counted),
                [self.pks],
            )
            return cursor.fetchone()

    def perform(self, i: int, action: str, call, expected: str | None, expect_target) -> int | None:
        """Do ``call`` on appeal ``i`` and check it against the prediction; return ``i``
        if it was done, None if refused."""
        appeal = Appeal.objects.get(pk=self.pks[i])
        before = self.snapshot() if expected is not None else None
        events_before = appeal.events.count()
        try:
            call(appeal)
        except services.Conflict as exc:
            outcome = f"409:{exc.code}"
        except services.Forbidden as exc:
            outcome = f"403:{exc.code}"
        except ValidationError as exc:
            outcome = f"422:{exc.code}"
        else:
            outcome = None
        assert outcome == expected, (action, appeal.status, outcome, expected)
        if outcome is not None:
            assert self.snapshot() == before, f"refused {action} changed something"
            return None
        after = Appeal.objects.get(pk=appeal.pk)
        new = list(after.events.order_by("at", "id")[events_before:])
        assert [e.action for e in new] == [expect_target[0]], (action, new)
        assert new[0].from_status == appeal.status
        target = expect_target[1] or appeal.status
        assert after.status == new[0].to_status == target, (action, after.status, target)
        return i

    def steered(self, i: int, action: str, steer: bool) -> int:
        """Return ``i``, or when steering the next appeal whose status allows ``action``."""
        if steer:
            sources = workflow.TRANSITIONS[action].sources
            status = dict(Appeal.objects.filter(pk__in=self.pks).values_list("pk", "status"))
            for k in range(len(self.pks)):
                j = (i + k) % len(self.pks)
                if status[self.pks[j]] in sources:
                    return j
        return i

    def act(
        self, i: int, who: str, action: str, steer: bool = False, *, fixed: bool = False, **data
    ) -> int | None:
        """Do ``action`` on appeal ``i`` as ``who``; steering may pick another appeal (unless
        ``fixed``) and another actor. Return the index of the appeal if it was done."""
        i = i if fixed else self.steered(i, action, steer)
        appeal = Appeal.objects.get(pk=self.pks[i])
        expected = self.predict(appeal, action, who, data)
        if steer and expected is not None:
            names = sorted(STAFF)
            for k in range(1, len(names)):
                other = names[(names.index(who) + k) % len(names)]
                if self.predict(appeal, action, other, data) is None:
                    who, expected = other, None
                    break
        target = workflow.TRANSITIONS[action].target
        return self.perform(
            i,
            action,
            lambda a: services.act(a, action, actor=self.users[who], **data),
            expected,
            (action, target),
        )

    @rule(i=appeal_index, who=actor, go=steer, to=st.sampled_from(TARGETS))
    def dispatch(self, i, who, go, to):
        self.act(i, who, "dispatch", go, org_id=self.orgs[to].pk)

    @rule(i=appeal_index, who=actor, go=steer)
    def accept(self, i, who, go):
        self.act(i, who, "accept", go)

    @rule(i=appeal_index, who=actor, go=steer)
    def return_(self, i, who, go):
        self.act(i, who, "return", go, reason="不属于本单位")

    @rule(i=appeal_index, who=actor, go=steer)
    def contact(self, i, who, go):
        self.act(i, who, "contact", go, note="已电话联系职工")

    @rule(i=appeal_index, who=actor, go=steer)
    def resolve(self, i, who, go):
        self.act(i, who, "resolve", go, reply="已协调解决。")

    @rule(i=appeal_index, who=actor, go=steer, days=st.integers(1, 10))
    def extend(self, i, who, go, days):
        self.act(i, who, "extend", go, days=days, reason="需要更多时间")

    @rule(i=appeal_index, who=actor, go=steer)
    def approve(self, i, who, go):
        self.act(i, who, "extension/approve", go)

    @rule(i=appeal_index, who=actor, go=steer)
    def reject(self, i, who, go):
        self.act(i, who, "extension/reject", go, reason="理由不充分")

    @rule(i=appeal_index, who=actor, go=steer)
    def supervise(self, i, who, go):
        self.act(i, who, "supervise", go, note="请抓紧办理")

    @rule(i=appeal_index, who=actor, go=steer)
    def answer_directly(self, i, who, go):
        self.act(i, who, "answer_directly", go, answer="可向社保经办机构反映。")

    # One merge per example: a merged appeal is done with, and the walk needs live ones.
    @precondition(lambda self: not self.merged)
    @rule(i=appeal_index, j=appeal_index, who=actor, go=steer)
    def merge(self, i, j, who, go):
        main = Appeal.objects.get(pk=self.pks[j])
        merged_from = main.events.filter(action="merged_from").count()
        done = self.act(i, who, "merge", go, into_id=main.pk)
        assert main.events.filter(action="merged_from").count() == merged_from + (done is not None)
        if done is not None:
            assert Appeal.objects.get(pk=self.pks[done]).merged_into_id == main.pk
            self.merged = True

    @rule(
        i=appeal_index,
        go=steer,
        solved=st.booleans(),
        satisfaction=st.sampled_from(["satisfied", "basically", "unsatisfied"]),
    )
    def evaluate(self, i, go, solved, satisfaction):
        i = self.steered(i, "evaluate", go)
        appeal = Appeal.objects.get(pk=self.pks[i])
        if appeal.status == "resolved":
            expected = None
        elif appeal.status == "closed":
            expected = "409:already_evaluated"
        else:
            expected = "409:not_resolved"
        reopen = not solved and appeal.assigned_org_id is not None
        self.perform(
            i,
            "evaluate",
            lambda a: services.evaluate(a, resolved=solved, satisfaction=satisfaction),
            expected,
            ("reopen", "accepted") if reopen else ("evaluate", "closed"),
        )

    @rule(
        i=appeal_index,
        moves=st.integers(1, 4),
        solved=st.booleans(),
        satisfaction=st.sampled_from(["satisfied", "basically", "unsatisfied"]),
    )
    def advance(self, i, moves, solved, satisfaction):
        """Move one appeal forward a few steps, as whoever may: the way most appeals go."""
        for _ in range(moves):
            appeal = Appeal.objects.get(pk=self.pks[i])
            if appeal.status == "received" and appeal.kind == "enquiry":
                self.act(i, "city_operator", "answer_directly", True, fixed=True, answer="答复")
            elif appeal.status == "received":
                to = self.orgs["110105026"].pk
                self.act(i, "city_dispatcher", "dispatch", True, fixed=True, org_id=to)
            elif appeal.status == "dispatched":
                self.act(i, "street_handler", "accept", True, fixed=True)
            elif appeal.status == "accepted":
                self.act(i, "street_handler", "contact", True, fixed=True, note="已联系")
            elif appeal.status == "in_progress":
                self.act(i, "street_handler", "resolve", True, fixed=True, reply="已解决")
            elif appeal.status == "resolved":
                self.evaluate(i, False, solved, satisfaction)
            else:
                return
            self.invariants_hold()

    @rule(i=appeal_index, who=actor, go=steer, times=st.integers(1, 3))
    def bounce(self, i, who, go, times):
        """Return an appeal and dispatch it back, a few times: the road to 首接负责."""
        for _ in range(times):
            if self.act(i, who, "return", go, fixed=True, reason="不属于本单位") is None:
                return
            self.invariants_hold()
            to = self.orgs["110105026"].pk
            self.act(i, "city_dispatcher", "dispatch", True, fixed=True, org_id=to)
            self.invariants_hold()

    @rule(i=appeal_index, days=st.integers(1, 10), approve=st.booleans())
    def delay(self, i, days, approve):
        """Ask for more working days and have a supervisor decide."""
        done = self.act(i, "street_handler", "extend", True, fixed=True, days=days, reason="补材料")
        if done is not None:
            self.invariants_hold()
            decision = "extension/approve" if approve else "extension/reject"
            self.act(i, "district_supervisor", decision, True, fixed=True, reason="已审核")

    # --- invariants (one pass over the rows, so each step stays cheap) -------------------

    @invariant()
    def invariants_hold(self):
        appeals = list(Appeal.objects.filter(pk__in=self.pks).order_by("pk"))
        events: dict[int, list[AppealEvent]] = {pk: [] for pk in self.pks}
        for e in AppealEvent.objects.filter(appeal_id__in=self.pks).order_by("at", "id"):
            events[e.appeal_id].append(e)
        extensions: dict[int, list[str]] = {pk: [] for pk in self.pks}
        for appeal_id, status in Extension.objects.values_list("appeal_id", "status"):
            extensions[appeal_id].append(status)
        for appeal in appeals:
            self.the_timeline_explains_the_status(appeal, events[appeal.pk])
            self.deadlines_are_set_while_dispatched(appeal, events[appeal.pk])
            self.returns_past_the_limit_were_decided_by_a_supervisor(appeal, events[appeal.pk])
            self.extensions_stay_within_the_limit(appeal, events[appeal.pk], extensions[appeal.pk])
            assert (appeal.status == "merged") == (appeal.merged_into_id is not None)
            assert appeal.merged_into_id != appeal.pk

    @staticmethod
    def the_timeline_explains_the_status(appeal, events):
        assert events[0].action == "receive"
        status = None
        for e in events:
            if e.from_status:
                assert e.from_status == status, (appeal.ticket_no, e.action, status)
            status = e.to_status
        assert status == appeal.status
        changing = [e for e in events if e.from_status != e.to_status]
        assert changing[-1].to_status == appeal.status

    @staticmethod
    def deadlines_are_set_while_dispatched(appeal, events):
        moves = [e for e in events if e.action in ("dispatch", "return")]
        dispatched = bool(moves) and moves[-1].action == "dispatch"
        deadlines = [appeal.accept_by, appeal.contact_by, appeal.resolve_by]
        assert (appeal.assigned_org_id is not None) == dispatched
        if dispatched:
            assert None not in deadlines
            assert appeal.assigned_org_id == moves[-1].data["to_org"]
        else:
            assert deadlines == [None, None, None]

    def returns_past_the_limit_were_decided_by_a_supervisor(self, appeal, events):
        moves = [e for e in events if e.action in ("dispatch", "return")]
        returns = [n for n, e in enumerate(moves) if e.action == "return"]
        assert appeal.return_count == len(returns)
        for n in returns[workflow.MAX_RETURNS :]:
            returned_by = Org.objects.get(pk=moves[n - 1].data["to_org"])
            who = next(name for name, u in self.users.items() if u.pk == moves[n].actor_id)
            assert self.roles_over(who, returned_by) & {"supervisor", "admin"}, who

    @staticmethod
    def extensions_stay_within_the_limit(appeal, events, extensions):
        approved = extensions.count("approved")
        assert appeal.extension_count == approved <= workflow.MAX_EXTENSIONS
        assert approved == sum(e.action == "extension/approve" for e in events)
        assert extensions.count("pending") <= 1
        assert appeal.reopen_count == sum(e.action == "reopen" for e in events)

    @staticmethod
    def the_roll_up_equals_a_rebuild():
        fields = ("org_id", "org_path", "day", *metrics.FIELDS)
        kept = set(DailyStat.objects.values_list(*fields))
        with transaction.atomic():
            metrics.rebuild()
            rebuilt = set(DailyStat.objects.values_list(*fields))
            transaction.set_rollback(True)
        assert kept == rebuilt


@pytest.mark.django_db
def test_it_keeps_the_invariants_through_random_actions(personas, unionised_employer):
    User = get_user_model()
    orgs = {
        code: Org.objects.get(admin_code=code)
        for code in ["110000", "110105", "110105026", "110108011"]
    }
    users = {name: p.user for name, p in personas.items() if p.user is not None}
    for name in ("city_dispatcher", "city_operator"):
        users[name] = User.objects.create_user(f"p-{name.replace('_', '-')}")
        for role, code in STAFF[name]:
            grant_role(user=users[name], org=orgs[code], role=role)

    class Machine(AppealMachine):
        pass

    Machine.users, Machine.orgs = users, orgs
    Machine.employer_uscc = unionised_employer.uscc
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            # Shrinking a failure here can take minutes; the report lists every step and
            # the seed (--hypothesis-seed=...) to replay it with shrinking turned back on.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
