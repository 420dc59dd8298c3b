import pytest

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.health import checklist as cl
from gonghui.rights.health import services
from gonghui.rights.tests.conftest import WANGJING


@pytest.fixture
def enterprise(db):
    return Enterprise.objects.create(
        name="北京望京<某>科技有限公司",
        uscc="91110105MA01HC0001",
        street=Org.objects.get(admin_code=WANGJING),
        size_band="medium",
        industry="it",
    )


@pytest.fixture
def tree():
    return cl.read_file()


def all_pass(tree, **over) -> list[dict]:
    """Answers for every check: pass, except those given in ``over`` (check id -> result)."""
    rows = []
    for c in cl.checks(tree):
        result = over.get(c["id"], "pass")
        rows.append({"check_id": c["id"], "result": result, "note": "台账已查看"})
    return rows


@pytest.fixture
def verified_check(enterprise, tree, street_handler, district_supervisor):
    """A check verified with two findings: wages on time (critical) and the union's funds."""
    hc = services.create(enterprise, actor=street_handler.user)
    services.save_answers(
        hc,
        all_pass(tree, **{"wages.payment.on_time": "fail", "union.founded.funds": "fail"}),
        actor=street_handler.user,
    )
    services.act(hc, "submit", actor=street_handler.user)
    services.act(hc, "review", actor=street_handler.user)
    return services.act(hc, "verify", actor=district_supervisor.user)
