import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from gonghui.care import demo as care_demo
from gonghui.demo.services import DEMO_PASSWORD, seed
from gonghui.members import demo as members_demo
from gonghui.members.models import JoinApplication, Member, MembershipPeriod
from gonghui.orgs.models import Enterprise, Org, PairedContact, StaffRole
from gonghui.rights import demo_issue14


@pytest.mark.django_db
def test_it_seeds_the_small_scale_deterministically(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = seed("small", seed_value=7)
    assert result.counts["district"] == 17
    assert result.counts["street"] == 339
    assert result.counts["grassroots"] == 200
    assert result.counts["enterprises"] == 600
    first = list(Enterprise.objects.order_by("uscc").values_list("name", "uscc")[:5])
    assert all(len(code) == 18 for _name, code in first)
    # Every grassroots union hangs under a street and covers its enterprise.
    grassroots = Org.objects.filter(kind="grassroots").select_related("parent")
    assert {g.parent.kind for g in grassroots} == {"street"}
    assert Enterprise.objects.filter(union__kind="grassroots").count() == 200
    assert 0.7 < PairedContact.objects.count() / 339 < 1
    user = authenticate(username="demo-street", password=DEMO_PASSWORD)
    assert user is not None
    role = StaffRole.objects.get(user=user)
    assert (role.role, role.org.name) == ("handler", "望京街道总工会")
    outsider = StaffRole.objects.get(user__username="demo-outsider").org
    assert outsider.parent.name == "海淀区总工会"
    assert result.counts["members"] == 800
    assert set(JoinApplication.objects.values_list("status", flat=True)) == {
        "pending",
        "approved",
        "rejected",
        "withdrawn",
    }
    assert 0.1 < Member.objects.filter(employment="gig").count() / 800 < 0.35
    # Every active member has exactly one open period.
    open_periods = MembershipPeriod.objects.filter(ended_on=None).count()
    assert open_periods == Member.objects.filter(status="active").count()


@pytest.mark.django_db
def test_it_gives_the_same_data_for_the_same_seed(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed("small", seed_value=7)
    names = list(
        Enterprise.objects.order_by("uscc").values_list("name", "street__name", "union__name")
    )
    people = list(
        Member.objects.order_by("member_number").values_list("member_number", "name", "org__name")
    )
    demo_issue14.clear()  # its rows hold enterprises
    care_demo.clear()  # its rows hold members and unions
    members_demo.clear()
    Enterprise.objects.all().delete()
    PairedContact.objects.all().delete()
    Org.objects.filter(kind__in=["grassroots", "area_joint", "mobile_joint", "industry"]).delete()
    seed("small", seed_value=7)
    again = list(
        Enterprise.objects.order_by("uscc").values_list("name", "street__name", "union__name")
    )
    assert again == names
    assert people == list(
        Member.objects.order_by("member_number").values_list("member_number", "name", "org__name")
    )


@pytest.mark.django_db
def test_it_refuses_to_seed_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--scale", "small")
    assert not Org.objects.filter(kind="grassroots").exists()
