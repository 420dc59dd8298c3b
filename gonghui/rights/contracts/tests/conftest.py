from datetime import date

import pytest

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.tests.conftest import WANGJING


@pytest.fixture
def wangjing(db):
    return Org.objects.get(admin_code=WANGJING)


@pytest.fixture
def enterprise(wangjing):
    return Enterprise.objects.create(
        name="北京望京某物流有限公司",
        uscc="91110105MA01CC0001",
        street=wangjing,
        industry="logistics",
        size_band="medium",
    )


@pytest.fixture
def body(enterprise):
    def make(**over):
        data = {
            "scope": "enterprise",
            "enterprise_id": enterprise.pk,
            "title": "北京望京某物流有限公司集体合同（2026—2029）",
            "starts_on": "2026-01-01",
            "ends_on": "2028-12-31",
            "wage_floor": "3000",
            "covered_workers": 320,
        }
        data.update(over)
        return data

    return make


TODAY = date(2026, 12, 2)
