"""One walk up the tree for "the street (district) of this org", and one page message."""

from django.core.exceptions import ValidationError

from gonghui.core.errors import Conflict, error_message
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org


def test_it_finds_the_street_and_district_an_org_lies_under(db):
    street = Org.objects.get(admin_code="110105026")  # 望京街道
    district = Org.objects.get(admin_code="110105")
    assert street.ancestor_of_kind(OrgKind.STREET) == street
    assert street.ancestor_of_kind(OrgKind.DISTRICT) == district
    assert district.ancestor_of_kind(OrgKind.STREET) is None  # a district has no street
    city = Org.objects.get(admin_code="110000")
    assert city.ancestor_of_kind(OrgKind.DISTRICT) is None


def test_it_words_every_refusal_for_a_page():
    assert error_message(Conflict("已办结。", code="x")) == "已办结。"
    by_field = ValidationError({"a": ["甲"], "b": ["乙"]})
    assert error_message(by_field) == "甲 乙"
    assert error_message(by_field, field_sep="；") == "甲；乙"
    assert error_message(ValidationError(["一", "二"]), sep="；") == "一；二"
