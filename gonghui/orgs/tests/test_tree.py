import pytest
from django.core.exceptions import ValidationError

from gonghui.orgs.choices import OrgKind
from gonghui.orgs.importers import import_beijing_tree
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_org, move_org, subtree


@pytest.mark.django_db
def test_it_imports_the_real_tree_under_the_right_parents():
    city = Org.objects.get(kind=OrgKind.CITY)
    assert city.name == "北京市总工会"
    districts = Org.objects.filter(kind=OrgKind.DISTRICT)
    assert districts.count() == 17
    assert set(districts.values_list("parent", flat=True)) == {city.pk}
    assert districts.filter(name="北京经济技术开发区总工会", admin_code=None).exists()
    assert districts.exclude(boundary=None).count() == 16
    streets = Org.objects.filter(kind=OrgKind.STREET)
    assert streets.count() == 339
    wangjing = streets.get(short_name="望京街道")
    assert wangjing.parent.name == "朝阳区总工会"
    assert wangjing.path.startswith(wangjing.parent.path)
    assert wangjing.depth == 2
    # Every street's administrative code starts with its district's.
    for street in streets.select_related("parent"):
        assert street.admin_code.startswith(street.parent.admin_code), street.name
    assert streets.filter(parent__short_name="朝阳区").count() == 43


@pytest.mark.django_db
def test_it_imports_idempotently():
    before = list(Org.objects.order_by("pk").values_list("pk", "path", "parent_id"))
    result = import_beijing_tree()
    assert result.created == 0
    assert result.updated == 1 + 17 + 339
    assert list(Org.objects.order_by("pk").values_list("pk", "path", "parent_id")) == before


@pytest.mark.django_db
def test_it_queries_a_subtree_with_one_indexed_query(django_assert_num_queries):
    chaoyang = Org.objects.get(admin_code="110105")
    with django_assert_num_queries(1):
        names = list(subtree(chaoyang).values_list("name", flat=True))
    assert "望京街道总工会" in names
    assert "中关村街道总工会" not in names
    assert len(names) == 1 + 43


@pytest.mark.django_db
def test_it_moves_a_whole_subtree():
    wangjing = Org.objects.get(admin_code="110105026")
    union = create_org(name="某科技公司工会委员会", kind=OrgKind.GRASSROOTS, parent=wangjing)
    team = create_org(name="某科技公司工会第一分会", kind=OrgKind.GRASSROOTS, parent=union)
    jiuxianqiao = Org.objects.get(short_name="酒仙桥街道")
    move_org(union, new_parent=jiuxianqiao)
    union.refresh_from_db()
    team.refresh_from_db()
    assert union.parent == jiuxianqiao
    assert union.path == f"{jiuxianqiao.path}{union.pk:07d}/"
    assert team.path == f"{union.path}{team.pk:07d}/"
    assert team.depth == union.depth + 1 == jiuxianqiao.depth + 2
    assert not subtree(wangjing).filter(pk__in=[union.pk, team.pk]).exists()
    assert set(subtree(jiuxianqiao).values_list("pk", flat=True)) >= {union.pk, team.pk}


@pytest.mark.django_db
def test_it_refuses_moves_that_break_the_tree():
    chaoyang = Org.objects.get(admin_code="110105")
    wangjing = Org.objects.get(admin_code="110105026")
    with pytest.raises(ValidationError) as cycle:
        move_org(chaoyang, new_parent=wangjing)
    assert cycle.value.code == "cycle"
    haidian = Org.objects.get(admin_code="110108")
    with pytest.raises(ValidationError) as wrong_level:
        move_org(wangjing, new_parent=Org.objects.get(admin_code="110108011"))
    assert wrong_level.value.code == "invalid_parent"
    move_org(wangjing, new_parent=haidian)  # a street may change district
    assert Org.objects.get(pk=wangjing.pk).path.startswith(haidian.path)


@pytest.mark.django_db
def test_it_refuses_an_org_under_the_wrong_kind_of_parent():
    city = Org.objects.get(kind=OrgKind.CITY)
    with pytest.raises(ValidationError):
        create_org(name="某街道总工会", kind=OrgKind.STREET, parent=city)
    with pytest.raises(ValidationError):
        create_org(name="孤立的区总工会", kind=OrgKind.DISTRICT, parent=None)
