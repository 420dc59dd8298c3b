"""The permission matrix of the early-warning steps over the API (study, act, close): the
warning is 望京's; one warning per persona so each step starts from the same status."""

import json

import pytest

from gonghui.appeals import services as appeals
from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
from gonghui.warnings import services
from gonghui.warnings.models import EarlyWarning

pytestmark = pytest.mark.django_db

PERSONAS = (
    "courier",
    "street_handler",
    "district_supervisor",
    "city_admin",
    "dispatcher",
    "outsider",
)
TEXTS = (
    "{}拖欠我们三个月工资了，一直不发。",
    "我在{}开车，老板说没钱发工资。",
    "{}的工资拖了好久，司机们都没拿到钱。",
)


def _uscc(i: int) -> str:
    from stdnum.cn import uscc

    body = f"91110105MA1{i:06d}"
    return body + uscc.calc_check_digit(body)


def _warnings() -> dict[str, EarlyWarning]:
    wangjing = Org.objects.get(admin_code="110105026")
    firms = {}
    for i, name in enumerate(PERSONAS):
        short = f"顺达{'一二三四五六'[i]}号物流"
        firm = create_enterprise(name=f"北京望京{short}有限公司", uscc=_uscc(i), street=wangjing)
        firms[name] = firm
        for text in TEXTS:
            appeals.create_appeal(
                appeals.Intake(
                    text=text.format(short),
                    phone="13912345678",
                    employer_uscc=firm.uscc,
                    category="wages",
                )
            )
    services.run_detectors(force=True)
    return {name: EarlyWarning.objects.get(enterprise=firm) for name, firm in firms.items()}


def _step(p, warning, action):
    return p.api().post(
        f"/api/v1/warnings/{warning.pk}/{action}",
        json.dumps({"note": f"{action}：已会商"}),
        content_type="application/json",
    )


STEP = {
    "courier": 401,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 404,
}


def test_study_act_and_close(personas):
    everyone = add_dispatcher(personas)
    warnings = _warnings()
    handler = everyone["street_handler"]
    for action, before in (("study", "open"), ("act", "studied"), ("close", "acted")):
        check_matrix(everyone, lambda p, a=action: _step(p, warnings[p.name], a), STEP)
        done = {n: EarlyWarning.objects.get(pk=w.pk).status for n, w in warnings.items()}
        assert done["courier"] == done["outsider"] == before
        # Move the warnings the courier and outsider could not, so the next step applies.
        for name in ("courier", "outsider"):
            assert _step(handler, warnings[name], action).status_code == 200
