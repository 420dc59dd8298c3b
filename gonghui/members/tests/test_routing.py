"""Each default routing rule, and that admins' edits to the table take effect."""

import pytest

from gonghui.members.models import IndustryJobUnion, RoutingRule
from gonghui.members.routing import route
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise, create_org

pytestmark = pytest.mark.django_db


def test_the_default_rules_are_loaded_in_order():
    targets = list(RoutingRule.objects.order_by("priority").values_list("target", flat=True))
    assert targets == [
        "employer_union",
        "area_joint",
        "industry_job_type",
        "mobile_joint",
        "street_federation",
    ]


def test_an_employer_with_a_grassroots_union_takes_its_workers(
    unionised_employer, courier_union, mobile_union, wangjing
):
    # Even a courier employed by a unionised firm joins the firm's union first.
    found = route(enterprise=unionised_employer, job_type="courier", street=wangjing)
    assert found.org == unionised_employer.union
    assert "基层工会" in found.note


def test_an_employer_in_a_park_goes_to_the_area_joint_union(wangjing, mobile_union):
    park = create_org(name="望京某科技园联合工会", kind="area_joint", parent=wangjing)
    firm = create_enterprise(name="望京园区小公司", uscc="91110105MA01234565", street=wangjing)
    firm.union = park
    firm.save(update_fields=["union"])
    assert route(enterprise=firm, job_type="", street=wangjing).org == park


def test_a_courier_goes_to_the_courier_union_of_their_district(
    courier_union, mobile_union, wangjing
):
    assert route(enterprise=None, job_type="courier", street=wangjing).org == courier_union


def test_a_city_wide_industry_union_takes_workers_of_districts_without_one(wangjing, mobile_union):
    city = Org.objects.get(admin_code="110000")
    haidian = Org.objects.get(admin_code="110108")
    elsewhere = create_org(name="海淀区网约车联合工会", kind="industry", parent=haidian)
    city_union = create_org(name="北京市网约车行业工会联合会", kind="industry", parent=city)
    IndustryJobUnion.objects.create(job_type="ride_hailing", org=elsewhere)
    IndustryJobUnion.objects.create(job_type="ride_hailing", org=city_union)
    assert route(enterprise=None, job_type="ride_hailing", street=wangjing).org == city_union


def test_an_industry_union_of_another_district_is_not_used(wangjing, mobile_union):
    haidian = Org.objects.get(admin_code="110108")
    other = create_org(name="海淀区快递行业联合工会", kind="industry", parent=haidian)
    IndustryJobUnion.objects.create(job_type="courier", org=other)
    assert route(enterprise=None, job_type="courier", street=wangjing).org == mobile_union


def test_other_workers_go_to_the_mobile_member_union_of_their_street(mobile_union, wangjing):
    found = route(enterprise=None, job_type="other", street=wangjing)
    assert found.org == mobile_union


def test_without_a_mobile_union_the_street_federation_takes_them(wangjing):
    found = route(enterprise=None, job_type="domestic", street=wangjing)
    assert found.org == wangjing and "兜底" in found.note


def test_an_employer_without_a_union_falls_through_to_the_street(wangjing, mobile_union):
    firm = create_enterprise(name="望京无工会公司", uscc="91110105MA01234578", street=wangjing)
    assert route(enterprise=firm, job_type="", street=wangjing).org == mobile_union


def test_admins_can_switch_a_rule_off(courier_union, mobile_union, wangjing):
    RoutingRule.objects.filter(target="industry_job_type").update(active=False)
    assert route(enterprise=None, job_type="courier", street=wangjing).org == mobile_union
