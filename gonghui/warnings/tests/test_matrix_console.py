"""The permission matrix of the early-warning console pages: the list, the monthly hot
topics (page and PDF), a warning's page and a step from its form."""

import pytest

from gonghui.appeals import services as appeals
from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
from gonghui.warnings import services
from gonghui.warnings.models import EarlyWarning

pytestmark = pytest.mark.django_db

EVERY_STAFF = {
    "courier": 302,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


@pytest.fixture
def warning() -> EarlyWarning:
    firm = create_enterprise(
        name="北京望京顺达物流有限公司",
        uscc="91110000600037341L",
        street=Org.objects.get(admin_code="110105026"),
    )
    for text in (
        "顺达物流拖欠我们三个月工资了，一直不发。",
        "我在顺达物流开车，老板说没钱发工资。",
        "顺达物流的工资拖了好久，司机们都没拿到钱。",
    ):
        appeals.create_appeal(
            appeals.Intake(
                text=text, phone="13912345678", employer_uscc=firm.uscc, category="wages"
            )
        )
    assert services.run_detectors(force=True) == 1
    return EarlyWarning.objects.get()


def test_the_list_and_hot_topics(everyone, warning):
    check_matrix(everyone, lambda p: p.console().get("/console/warnings/"), EVERY_STAFF)
    outsider = everyone["outsider"].console().get("/console/warnings/").content.decode()
    assert warning.title not in outsider
    check_matrix(everyone, lambda p: p.console().get("/console/warnings/hot-topics/"), EVERY_STAFF)
    check_matrix(
        everyone, lambda p: p.console().get("/console/warnings/hot-topics.pdf"), EVERY_STAFF
    )


def test_a_warning_and_a_step(everyone, warning):
    check_matrix(
        everyone,
        lambda p: p.console().get(f"/console/warnings/{warning.pk}/"),
        {**EVERY_STAFF, "outsider": 404},
    )
    check_matrix(
        everyone,
        lambda p: p.console().post(f"/console/warnings/{warning.pk}/study/", {"note": "已会商"}),
        {
            "courier": 302,
            "outsider": 404,
            "district_supervisor": 302,
        },
    )
    warning.refresh_from_db()
    assert warning.status == "studied"
