"""Coverage per org and year: enterprises by size, findings open and closed, the most
frequent finding, the child orgs; other districts and years stay out."""

import pytest

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.health import services, stats
from gonghui.rights.health.tests.conftest import all_pass

pytestmark = pytest.mark.django_db


def _verified(enterprise, tree, handler, supervisor, failed, year=None):
    hc = services.create(enterprise, actor=handler, year=year)
    services.save_answers(hc, all_pass(tree, **{c: "fail" for c in failed}), actor=handler)
    services.act(hc, "submit", actor=handler)
    services.act(hc, "review", actor=handler)
    return services.act(hc, "verify", actor=supervisor)


def test_it_counts_a_districts_year(
    enterprise, tree, street_handler, district_supervisor, city_admin
):
    street = enterprise.street
    small = Enterprise.objects.create(name="小店", uscc="91110105MA01HC0002", street=street)
    _verified(
        enterprise,
        tree,
        street_handler.user,
        district_supervisor.user,
        ["wages.payment.on_time", "union.founded.funds"],
    )
    hc = _verified(
        small, tree, street_handler.user, district_supervisor.user, ["union.founded.funds"]
    )
    services.follow_up(hc.findings.get(), actor=street_handler.user, note="已补拨", closed=True)
    # Another district, and another year: not counted for 朝阳 this year.
    haidian = Org.objects.get(admin_code="110108011")
    other = Enterprise.objects.create(name="海淀某公司", uscc="91110108MA01HC0003", street=haidian)
    _verified(other, tree, city_admin.user, city_admin.user, ["union.founded.funds"])
    year = hc.year
    last = Enterprise.objects.create(name="去年", uscc="91110105MA01HC0004", street=street)
    _verified(
        last, tree, street_handler.user, district_supervisor.user, ["hours.limits.daily"], year - 1
    )

    f = stats.coverage(Org.objects.get(admin_code="110105"), year)
    assert f["enterprises"] == 2 and f["checks"] == 2
    sizes = {r["key"]: r["count"] for r in f["by_size"]}
    assert sizes["medium"] == 1 and sizes["small"] == 1
    assert (f["findings_open"], f["findings_closed"]) == (2, 1)
    assert f["top_findings"][0] == {
        "check_id": "union.founded.funds",
        "text": "按全部职工工资总额的百分之二按时拨缴工会经费",
        "count": 2,
    }
    assert [c["org"] for c in f["children"]] == [street.name]
    city = stats.coverage(Org.objects.get(admin_code="110000"), year)
    assert city["enterprises"] == 3 and len(city["children"]) == 2
