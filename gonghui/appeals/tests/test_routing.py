"""Intake routing: each default rule of the RoutingRule table, and edits of the table."""

import pytest

from gonghui.appeals import routing, services
from gonghui.appeals.models import Appeal, RoutingRule
from gonghui.core.coords import to_gcj02
from gonghui.orgs import geo
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise

from .conftest import WANGJING_POINT

TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"

pytestmark = pytest.mark.django_db


def _file(text: str = TEXT, **fields) -> Appeal:
    appeal, _created = services.create_appeal(
        services.Intake(text=text, phone="13912345678", **fields), actor_label="test"
    )
    return appeal


@pytest.fixture
def wangjing() -> Org:
    return Org.objects.get(admin_code="110105026")


@pytest.fixture
def chaoyang() -> Org:
    return Org.objects.get(admin_code="110105")


@pytest.fixture
def wangjing_polygon(wangjing):
    """Give 望京 a street polygon around the test point (no street polygons exist yet)."""
    lat, lng = to_gcj02(WANGJING_POINT["lat"], WANGJING_POINT["lng"], "wgs84")
    d = 0.01
    wangjing.boundary = {
        "type": "Polygon",
        "coordinates": [
            [
                [lng - d, lat - d],
                [lng + d, lat - d],
                [lng + d, lat + d],
                [lng - d, lat + d],
                [lng - d, lat - d],
            ]
        ],
    }
    wangjing.save(update_fields=["boundary"])
    assert geo.locate(**WANGJING_POINT).street.org_id == wangjing.pk
    yield wangjing
    # The polygon rolls back with the test; the process-wide index must forget it too.
    geo.clear_cache()


@pytest.fixture
def ununionised_employer(wangjing):
    return create_enterprise(
        name="北京望京某餐饮有限公司", uscc="91110105MA01W7XK2B", street=wangjing
    )


def test_it_loads_exactly_the_default_rules_into_the_table():
    rows = {
        (r.priority, r.category, r.target, r.auto_dispatch, r.note)
        for r in RoutingRule.objects.filter(active=True)
    }
    assert rows == {tuple(rule) for rule in routing.DEFAULT_RULES}


def test_it_sends_membership_to_the_street_federation(
    wangjing, ununionised_employer, unionised_employer
):
    by_employer = _file("我想加入工会，怎么办理入会手续？", employer_uscc=ununionised_employer.uscc)
    assert by_employer.category == "membership"
    assert (by_employer.status, by_employer.assigned_org) == ("dispatched", wangjing)
    assert by_employer.route_reason == "street_federation"
    assert by_employer.dispatcher_org.admin_code == "110000"

    by_union = _file("我想转会籍到新单位。", employer_uscc=unionised_employer.uscc)
    assert by_union.category == "membership"
    assert by_union.assigned_org == wangjing
    assert by_union.grassroots_union == unionised_employer.union


def test_it_sends_membership_by_location_to_the_street_polygon(wangjing_polygon):
    appeal = _file("我想加入工会，怎么办理入会手续？", **WANGJING_POINT)
    assert (appeal.status, appeal.assigned_org) == ("dispatched", wangjing_polygon)
    assert appeal.route_reason == "street_federation"


def test_it_sends_hardship_to_the_district_service_centre(chaoyang, ununionised_employer):
    by_place = _file("家里老人大病住院，想申请困难帮扶。", **WANGJING_POINT)
    assert by_place.category == "hardship"
    assert (by_place.status, by_place.assigned_org) == ("dispatched", chaoyang)
    assert by_place.route_reason == "district_service_centre"
    assert by_place.dispatcher_org.admin_code == "110000"
    assert by_place.resolve_by is not None

    by_employer = _file(
        "家里老人大病住院，想申请困难帮扶。", employer_uscc=ununionised_employer.uscc
    )
    assert by_employer.assigned_org == chaoyang


def test_it_sends_an_employer_with_a_union_to_its_street_and_notes_the_union(
    wangjing, unionised_employer
):
    appeal = _file(employer_uscc=unionised_employer.uscc)
    assert appeal.category == "wages"
    assert (appeal.status, appeal.assigned_org) == ("dispatched", wangjing)
    assert appeal.grassroots_union == unionised_employer.union
    assert appeal.route_reason == "employer_union_street"
    assert appeal.dispatcher_org.admin_code == "110000"


def test_it_sends_a_point_inside_a_street_polygon_to_that_street(wangjing_polygon):
    appeal = _file(**WANGJING_POINT)
    assert (appeal.status, appeal.assigned_org) == ("dispatched", wangjing_polygon)
    assert appeal.street == wangjing_polygon
    assert appeal.grassroots_union is None
    assert appeal.route_reason == "location_street"


def test_it_leaves_a_point_known_only_to_its_district_in_the_district_queue(chaoyang):
    appeal = _file(**WANGJING_POINT)
    assert appeal.status == "received"
    assert appeal.assigned_org is None
    assert appeal.dispatcher_org == chaoyang
    assert appeal.route_reason == "location_district"
    assert (appeal.accept_by, appeal.contact_by, appeal.resolve_by) == (None, None, None)
    assert not appeal.events.filter(action="dispatch").exists()


def test_it_leaves_an_appeal_with_nothing_known_in_the_city_queue():
    appeal = _file(employer_name="一家没有登记的公司")
    assert appeal.status == "received"
    assert appeal.assigned_org is None
    assert appeal.dispatcher_org.admin_code == "110000"
    assert appeal.route_reason == "city"


def test_it_follows_edits_of_the_routing_table(wangjing, chaoyang, unionised_employer):
    def route():
        return routing.route(
            category="wages", enterprise=unionised_employer, street=wangjing, district=chaoyang
        )

    assert (route().assigned_org, route().grassroots_union) == (wangjing, unionised_employer.union)

    # Deactivated: the location rule (the employer's street) takes over, the union unnoted.
    RoutingRule.objects.filter(priority=50).update(active=False)
    assert route().assigned_org == wangjing
    assert route().grassroots_union is None
    assert route().reason == "location_street"

    # Reprioritised above every other rule: the district dispatches by hand.
    RoutingRule.objects.filter(priority=70).update(priority=5)
    assert (route().dispatcher_org, route().assigned_org) == (chaoyang, None)
    appeal = _file(employer_uscc=unionised_employer.uscc)
    assert (appeal.status, appeal.dispatcher_org, appeal.assigned_org) == (
        "received",
        chaoyang,
        None,
    )

    # With no rule left, the city still receives it.
    RoutingRule.objects.update(active=False)
    assert (route().dispatcher_org.admin_code, route().assigned_org) == ("110000", None)


def test_it_dispatches_straight_to_an_org_the_channel_names(db):
    wangjing = Org.objects.get(admin_code="110105026")
    appeal, _ = services.create_appeal(
        services.Intake(
            text="驿站的饮水机坏了好几天，没有人来修。", phone="13912345678", to_org=wangjing
        )
    )
    assert appeal.status == "dispatched" and appeal.assigned_org == wangjing
    assert appeal.dispatcher_org.kind == "city"
    city = Org.objects.get(kind="city")
    queued, _ = services.create_appeal(
        services.Intake(text="想咨询一下市总工会的服务项目。", phone="13912345678", to_org=city)
    )
    assert queued.status == "received" and queued.assigned_org is None
