"""Random sequences of submit, upload, approve, return and reject on one application,
by staff who hold the stage's role and staff who do not; each outcome is compared with
what docs/care.md predicts, refusals must change nothing, and after every step the
status equals the last timeline event's status and a case under review lacks nothing.

Each example runs in a savepoint that is rolled back, inside the test's transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gonghui.care import services
from gonghui.care.models import Application
from gonghui.care.tests.conftest import ALL_ITEMS, make_member, png
from gonghui.core.errors import Conflict, Forbidden, ServiceError

REVIEW = {"submitted": "grassroots", "street_review": "street", "district_review": "district"}
NEXT = {
    "submitted": "street_review",
    "street_review": "district_review",
    "district_review": "reviewed",
}
# The stages at which each reviewer holds a role (at the stage's org or above it).
REACH = {
    "union_staff": {"grassroots"},
    "street_handler": {"grassroots", "street"},
    "district_supervisor": {"grassroots", "street", "district"},
}
ACTORS = [*REACH, "outsider"]


class CareMachine(RuleBasedStateMachine):
    users: dict = {}
    worker = None
    member = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        app = services.create_application(
            "critical_illness",
            {"name": self.member.name, "id_number": self.member.id_number},
            {"employed": True, "hospitalised": True, "out_of_pocket": "12000"},
            principal=self.worker,
        )
        self.pk = app.pk
        self.status = "draft"
        self.uploaded: set[str] = set()
        self.returned: set[str] = set()
        self.approvers: set[str] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def missing(self) -> set[str]:
        return set(ALL_ITEMS) - (self.uploaded - self.returned)

    def snapshot(self):
        app = Application.objects.get(pk=self.pk)
        return app.status, app.events.count(), tuple(app.returned_items)

    @rule(item=st.sampled_from(ALL_ITEMS))
    def upload(self, item):
        before = self.snapshot()
        try:
            services.upload_document(self.worker, self.pk, item, png())
        except Conflict:
            assert self.status not in ("draft", "returned")
            assert self.snapshot() == before
            return
        assert self.status in ("draft", "returned")
        self.uploaded.add(item)
        self.returned.discard(item)

    @rule()
    def submit(self):
        before = self.snapshot()
        try:
            services.submit(self.worker, self.pk)
        except services.Incomplete as exc:
            assert {m["code"] for m in exc.extra["missing"]} == self.missing()
            assert self.snapshot() == before
            return
        except Conflict:
            assert self.status not in ("draft", "returned")
            assert self.snapshot() == before
            return
        assert self.status in ("draft", "returned") and not self.missing()
        self.status, self.approvers = "submitted", set()

    @rule(who=st.sampled_from(ACTORS), action=st.sampled_from(["approve", "return", "reject"]))
    def decide(self, who, action):
        before = self.snapshot()
        stage = REVIEW.get(self.status)
        try:
            services.decide(
                self.users[who], self.pk, action, items=["invoices"], reason="不符合条件"
            )
        except Http404:
            assert who == "outsider"
            assert self.snapshot() == before
            return
        except (Conflict, Forbidden, ValidationError, ServiceError) as exc:
            assert self.snapshot() == before
            if isinstance(exc, Conflict):
                assert stage is None
            elif isinstance(exc, Forbidden):
                assert stage is not None
                assert stage not in REACH[who] or (action == "approve" and who in self.approvers)
            else:
                raise
            return
        assert who != "outsider" and stage in REACH[who]
        if action == "approve":
            assert who not in self.approvers
            self.approvers.add(who)
            self.status = NEXT[self.status]
        elif action == "return":
            self.status = "returned"
            self.returned = {"invoices"}
        else:
            self.status = "rejected"

    @invariant()
    def the_status_is_the_last_events_and_review_lacks_nothing(self):
        app = Application.objects.get(pk=self.pk)
        assert app.status == self.status
        assert app.events.order_by("-at", "-id").first().status == app.status
        if app.status in REVIEW:
            assert services.missing_for(app) == []


def test_it_keeps_the_relief_workflow_consistent_under_random_steps(
    personas, union, union_staff, courier
):
    CareMachine.users = {
        "union_staff": union_staff,
        **{k: personas[k].user for k in ("street_handler", "district_supervisor", "outsider")},
    }
    CareMachine.worker = courier.worker
    CareMachine.member = make_member(union, 11, worker=courier.worker)
    run_state_machine_as_test(
        CareMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
