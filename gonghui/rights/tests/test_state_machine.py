"""Random walks through the mediation workflow, checked against the documented life
(docs/rights.md) written out here independently of the table in rights/workflow.py.

Hypothesis takes steps on a few cases as a street handler of the body, a district
supervisor above it and an outsider from another district; after each step:

- the status is what the documented life predicts (a refused step changes nothing:
  no status, no timeline line, no audit event);
- the status is the ``to_status`` of the last timeline line, and replaying the
  timeline's ``from → to`` pairs from "received" ends at it;
- an agreement carries its date, its performance date and its amounts; a referral its
  target; a closed case its outcome and recovered amounts no larger than claimed.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gonghui.core.errors import Conflict, Forbidden
from gonghui.core.models import AuditLog
from gonghui.rights import services
from gonghui.rights.models import Dispute

# The documented life: action → (statuses it may start from, status it leads to).
LIFE = {
    "accept": ({"received"}, "accepted"),
    "refuse": ({"received"}, "refused"),
    "session": ({"accepted", "in_session"}, "in_session"),
    "agree": ({"accepted", "in_session"}, "agreed"),
    "performed": ({"agreed"}, "performed"),
    "default": ({"agreed"}, "defaulted"),
    "refer": ({"received", "accepted", "in_session", "defaulted"}, "referred"),
    "withdraw": ({"received", "accepted", "in_session"}, "withdrawn"),
    "close": ({"performed", "defaulted", "referred", "withdrawn"}, "closed"),
}
MAY_ACT = {"street_handler", "district_supervisor"}


def _data(action: str, draw_amount: str) -> dict:
    today = timezone.localdate()
    return {
        "refuse": {"reason": "不属于劳动争议"},
        "session": {"place": "调解室", "attendees": "双方"},
        "agree": {
            "items": [{"kind": "wages", "amount": draw_amount}],
            "perform_by": (today + timedelta(days=7)).isoformat(),
        },
        "refer": {"to": "arbitration"},
        "close": {"outcome": "other", "recovered": [{"kind": "wages", "amount": draw_amount}]},
    }.get(action, {})


class MediationMachine(RuleBasedStateMachine):
    personas: dict = {}

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        handler = self.personas["street_handler"]
        self.cases = []
        self.expected = {}
        for i in range(2):
            dispute = services.create_dispute(
                services.DisputeIntake(
                    channel="written",
                    applicants=[{"name": f"职工{i}", "phone": f"1380000{i:04d}"}],
                    employer_name="北京某建筑劳务有限公司",
                    claims=[{"kind": "wages", "amount": "20000"}],
                    facts="拖欠工资。",
                ),
                org=handler.org,
                actor=handler.user,
            )
            self.cases.append(dispute.pk)
            self.expected[dispute.pk] = "received"

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(
        case=st.integers(0, 1),
        action=st.sampled_from(sorted(LIFE)),
        who=st.sampled_from(["street_handler", "district_supervisor", "outsider"]),
        amount=st.sampled_from(["100", "15000.50", "20000"]),
    )
    def step(self, case, action, who, amount):
        pk = self.cases[case]
        before_events = Dispute.objects.get(pk=pk).events.count()
        before_audit = AuditLog.objects.count()
        sources, target = LIFE[action]
        legal = self.expected[pk] in sources
        try:
            with transaction.atomic():
                services.act(
                    Dispute.objects.get(pk=pk),
                    action,
                    actor=self.personas[who].user,
                    **_data(action, amount),
                )
        except Conflict:
            assert not legal, (action, self.expected[pk])
        except Forbidden:
            assert legal and who not in MAY_ACT
        except ValidationError:
            raise AssertionError(f"valid details refused for {action}") from None
        else:
            assert legal and who in MAY_ACT, (action, self.expected[pk], who)
            self.expected[pk] = target
            return
        dispute = Dispute.objects.get(pk=pk)
        assert dispute.events.count() == before_events
        assert AuditLog.objects.count() == before_audit

    @invariant()
    def consistent(self):
        for pk in self.cases:
            dispute = Dispute.objects.get(pk=pk)
            assert dispute.status == self.expected[pk]
            events = list(dispute.events.order_by("at", "id"))
            assert events[-1].to_status == dispute.status
            status = "received"
            for event in events[1:]:
                if event.from_status:
                    assert event.from_status == status
                    status = event.to_status
            assert status == dispute.status
            if dispute.agreed_at:
                assert dispute.perform_by and dispute.agreed_total > 0
            if dispute.status == "referred":
                assert dispute.referred_to == "arbitration"
            if dispute.status == "closed":
                assert dispute.outcome and dispute.recovered_total <= dispute.claimed_total


@pytest.mark.django_db
def test_it_keeps_the_mediation_workflow_consistent(personas):
    MediationMachine.personas = personas
    run_state_machine_as_test(
        MediationMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
