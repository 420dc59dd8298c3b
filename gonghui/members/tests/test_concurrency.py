"""Races on real concurrent PostgreSQL connections: two joins with one ID number at
once, two approvals of one application, and two workers sweeping transfers at once."""

import pytest

from gonghui.accounts.models import Worker
from gonghui.appeals.tests.conftest import _base_rows_back, concurrent_db, in_threads  # noqa: F401
from gonghui.core.testing import load_personas
from gonghui.members import services, sweeps
from gonghui.members.models import JoinApplication, Member, MemberEvent, Transfer
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_org

pytestmark = pytest.mark.django_db(transaction=True)


def _request(n: int, street: Org) -> services.JoinRequest:
    return services.JoinRequest(
        declaration=True,
        privacy_consent=True,
        name="并发",
        id_number=make_id_number(n),
        job_type="other",
        street_id=street.pk,
    )


def test_two_joins_with_one_id_at_once_store_one_application(concurrent_db, in_threads):  # noqa: F811
    street = Org.objects.get(admin_code="110105026")
    a = Worker.objects.create(phone="13900005551")
    b = Worker.objects.create(phone="13900005552")
    results = in_threads(
        lambda: services.submit_application(_request(500, street), worker=a),
        lambda: services.submit_application(_request(500, street), worker=b),
    ).results()
    stored = [r for r in results if isinstance(r, JoinApplication)]
    refused = [r for r in results if isinstance(r, services.Conflict)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert refused[0].code == "application_pending"
    assert JoinApplication.objects.filter(status="pending").count() == 1


def test_two_approvals_at_once_make_one_member(concurrent_db, in_threads):  # noqa: F811
    street = Org.objects.get(admin_code="110105026")
    personas = load_personas()
    worker = Worker.objects.create(phone="13900005553")
    app = services.submit_application(_request(501, street), worker=worker)
    handler, admin = personas["street_handler"].user, personas["city_admin"].user
    results = in_threads(
        lambda: services.approve_application(app, actor=handler),
        lambda: services.approve_application(app, actor=admin),
    ).results()
    assert sum(isinstance(r, Member) for r in results) == 1, results
    assert sum(isinstance(r, services.Conflict) for r in results) == 1, results
    member = Member.objects.get()
    assert member.periods.count() == 1


def test_two_sweeps_release_an_overdue_transfer_once(concurrent_db, in_threads):  # noqa: F811
    street = Org.objects.get(admin_code="110105026")
    personas = load_personas()
    worker = Worker.objects.create(phone="13900005554")
    member = services.approve_application(
        services.submit_application(_request(502, street), worker=worker),
        actor=personas["street_handler"].user,
    )
    target = create_org(name="望京并发测试联合工会", kind="area_joint", parent=street)
    transfer = services.request_transfer(member, to_org=target, requested_by="worker:1")
    later = transfer.release_by.replace(year=transfer.release_by.year + 1)
    results = in_threads(
        lambda: sweeps.release_overdue_transfers(now=later),
        lambda: sweeps.release_overdue_transfers(now=later),
    ).results()
    assert sorted(results) == [0, 1], results
    assert Transfer.objects.get().status == "released"
    assert MemberEvent.objects.filter(action="transfer_released").count() == 1


def test_the_sweeps_are_registered():
    from gonghui.core.sweeps import SWEEPS

    assert {"members.overdue_applications", "members.transfer_release"} <= set(SWEEPS)
