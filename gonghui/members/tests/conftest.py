import pytest

from gonghui.accounts.models import Worker
from gonghui.accounts.services import issue_worker_token
from gonghui.members.models import IndustryJobUnion
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import create_enterprise, create_org

WANGJING = "110105026"  # 望京街道, 朝阳区: the street handler's street
ZHONGGUANCUN = "110108011"  # 中关村街道, 海淀区: the outsider's street


@pytest.fixture
def wangjing() -> Org:
    return Org.objects.get(admin_code=WANGJING)


@pytest.fixture
def chaoyang() -> Org:
    return Org.objects.get(admin_code="110105")


@pytest.fixture
def unionised_employer(wangjing) -> Enterprise:
    """An employer in 望京 with its own grassroots union."""
    union = create_org(name="望京某科技公司工会委员会", kind="grassroots", parent=wangjing)
    enterprise = create_enterprise(
        name="北京望京某科技有限公司", uscc="91110000600037341L", street=wangjing
    )
    enterprise.union = union
    enterprise.save(update_fields=["union"])
    return enterprise


@pytest.fixture
def mobile_union(wangjing) -> Org:
    return create_org(name="望京街道流动会员联合工会", kind="mobile_joint", parent=wangjing)


@pytest.fixture
def courier_union(chaoyang) -> Org:
    """朝阳区's express-delivery joint union, marked as taking couriers."""
    org = create_org(name="朝阳区快递行业联合工会", kind="industry", parent=chaoyang)
    IndustryJobUnion.objects.create(job_type="courier", org=org)
    return org


@pytest.fixture
def make_worker():
    def make(phone: str):
        worker = Worker.objects.create(phone=phone)
        token, _ = issue_worker_token(worker)
        from django.test import Client

        return worker, Client(headers={"Authorization": f"Bearer {token}"})

    return make
