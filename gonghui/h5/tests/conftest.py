"""Fixtures for the worker pages: a courier signed in on a phone, and appeals to track."""

from collections.abc import Callable

import pytest
from django.test import Client

from gonghui.accounts.models import Worker
from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.h5.views import SESSION_KEY
from gonghui.orgs.models import Org

TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"
OTHER_PHONE = "13987654321"


def signed_in(worker: Worker) -> Client:
    """Return a test client whose session holds ``worker`` (as after sign-in by code)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = worker.pk
    session.save()
    return client


@pytest.fixture
def courier_client(courier) -> Client:
    return signed_in(courier.worker)


@pytest.fixture
def other_worker(db) -> Worker:
    return Worker.objects.create(phone=OTHER_PHONE)


@pytest.fixture
def file_for() -> Callable[..., Appeal]:
    """Return a function that files an appeal for a worker through the service."""

    def file(worker: Worker, text: str = TEXT, **fields) -> Appeal:
        appeal, _created = services.create_appeal(
            services.Intake(text=text, phone=worker.phone, channel="h5", **fields),
            worker=worker,
            actor_label=f"worker:{worker.pk}",
        )
        return appeal

    return file


@pytest.fixture
def dispatch(city_admin) -> Callable[[Appeal], Appeal]:
    """Return a function that sends an appeal to the street handler's 望京街道总工会."""

    def send(appeal: Appeal) -> Appeal:
        wangjing = Org.objects.get(admin_code="110105026")
        return services.act(appeal, "dispatch", actor=city_admin.user, org_id=wangjing.pk)

    return send


@pytest.fixture
def resolve(dispatch, street_handler) -> Callable[..., Appeal]:
    """Return a function that takes an appeal through to "resolved" with a reply."""

    def run(appeal: Appeal, reply: str = "已协调企业补发工资。") -> Appeal:
        appeal = dispatch(appeal)
        for action, data in [
            ("accept", {}),
            ("contact", {"note": "已电话联系职工"}),
            ("resolve", {"reply": reply}),
        ]:
            appeal = services.act(appeal, action, actor=street_handler.user, **data)
        return appeal

    return run
