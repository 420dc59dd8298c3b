"""The permission matrix of the appeals API routes outside test_permissions.py: the
monthly hot topics (scoped figures) and turning an appeal into a mediation case."""

import json

import pytest

from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

WANGJING = "110105026"
PERSONAS = (
    "courier",
    "street_handler",
    "district_supervisor",
    "city_admin",
    "dispatcher",
    "outsider",
)


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


def _dispatched(city_admin, n: int) -> Appeal:
    appeal, _ = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone=f"139{n:08d}",
            address="朝阳区望京",
        )
    )
    if appeal.status == "received":  # the address did not route it on its own
        appeal = services.act(
            appeal,
            "dispatch",
            actor=city_admin.user,
            org_id=Org.objects.get(admin_code=WANGJING).pk,
        )
    return appeal


def test_the_hot_topics_are_scoped(everyone, city_admin):
    _dispatched(city_admin, 1)
    check_matrix(
        everyone,
        lambda p: p.api().get("/api/v1/appeals/hot-topics"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "dispatcher": 200,
            "outsider": 200,
        },
    )

    def total(name):
        areas = everyone[name].api().get("/api/v1/appeals/hot-topics").json()["areas"]
        return sum(a["total"] for a in areas)

    assert total("district_supervisor") == 1 and total("outsider") == 0


def test_turning_an_appeal_into_a_dispute(everyone, city_admin):
    appeals = {name: _dispatched(city_admin, 10 + i) for i, name in enumerate(PERSONAS)}
    wangjing = Org.objects.get(admin_code=WANGJING)
    check_matrix(
        everyone,
        lambda p: p.api().post(
            f"/api/v1/appeals/{appeals[p.name].pk}/to-dispute",
            json.dumps({"org_id": wangjing.pk}),
            content_type="application/json",
        ),
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "dispatcher": 403,  # the 12351 desk dispatches, it does not open cases
            "outsider": 404,
        },
    )
    from gonghui.rights.models import Dispute

    converted = set(Dispute.objects.values_list("appeal_id", flat=True))
    assert appeals["outsider"].pk not in converted and appeals["courier"].pk not in converted
    assert appeals["street_handler"].pk in converted
