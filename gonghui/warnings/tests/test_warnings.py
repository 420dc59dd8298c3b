import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.appeals import services as appeals
from gonghui.core.models import Notice
from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
from gonghui.warnings import services
from gonghui.warnings.models import EarlyWarning

pytestmark = pytest.mark.django_db
WANGJING = "110105026"


@pytest.fixture
def firm():
    return create_enterprise(
        name="北京望京顺达物流有限公司",
        uscc="91110000600037341L",
        street=Org.objects.get(admin_code=WANGJING),
    )


def file(text, **fields):
    appeal, _ = appeals.create_appeal(appeals.Intake(text=text, phone="13912345678", **fields))
    return appeal


def cluster(firm, n=3):
    texts = [
        "顺达物流拖欠我们三个月工资了，一直不发。",
        "我在顺达物流开车，老板说没钱发工资。",
        "顺达物流的工资拖了好久，司机们都没拿到钱。",
        "顺达物流又拖欠工资，这个月也没发。",
    ]
    return [file(texts[i % 4], employer_uscc=firm.uscc, category="wages") for i in range(n)]


def test_it_raises_one_warning_for_an_employer_cluster_routed_like_an_appeal(firm):
    evidence = cluster(firm)
    assert services.run_detectors(force=True) == 1
    warning = EarlyWarning.objects.get()
    assert warning.kind == "employer_cluster" and warning.status == "open"
    assert warning.org.admin_code == WANGJING
    assert warning.enterprise == firm
    assert set(warning.evidence.all()) == set(evidence)
    assert "顺达物流" in warning.title
    # A fourth appeal joins the same warning instead of raising another.
    fourth = cluster(firm, 4)[-1]
    assert services.run_detectors(force=True) == 0
    assert EarlyWarning.objects.count() == 1
    assert fourth in warning.evidence.all()


def test_it_runs_the_detectors_once_per_interval(firm):
    cluster(firm)
    now = timezone.now()
    assert services.run_detectors(now=now) == 1
    EarlyWarning.objects.all().delete()
    assert services.run_detectors(now=now + timedelta(minutes=5)) == 0  # not yet
    assert services.run_detectors(now=now + timedelta(minutes=61)) == 1


def step(persona, warning, action, **body):
    return persona.api().post(
        f"/api/v1/warnings/{warning.pk}/{action}",
        json.dumps({"note": "已会商", **body}),
        content_type="application/json",
    )


def test_it_walks_the_workflow_with_scoping(personas, firm):
    cluster(firm)
    services.run_detectors(force=True)
    warning = EarlyWarning.objects.get()
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/warnings"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )
    assert personas["outsider"].api().get("/api/v1/warnings").json()["count"] == 0
    assert personas["street_handler"].api().get("/api/v1/warnings").json()["count"] == 1
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/warnings/{warning.pk}"),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    handler = personas["street_handler"]
    assert step(handler, warning, "act").status_code == 409  # study first
    assert step(personas["outsider"], warning, "study").status_code == 404
    r = step(handler, warning, "study", note="约谈企业负责人", invited_org_ids=[handler.org.pk])
    assert r.status_code == 200 and r.json()["status"] == "studied"
    assert r.json()["invited_orgs"][0]["id"] == handler.org.pk
    blank = step(handler, warning, "act", note=" ")
    assert blank.status_code == 422 and blank.json()["code"] == "note_required"
    assert step(handler, warning, "act", note="联合劳动监察督促补发").json()["status"] == "acted"
    assert step(handler, warning, "close", note="工资已补发").json()["status"] == "closed"
    assert list(warning.events.values_list("action", flat=True)) == [
        "raise",
        "study",
        "act",
        "close",
    ]


def test_it_supervises_an_overdue_warning(firm, personas):
    cluster(firm)
    services.run_detectors(force=True)
    warning = EarlyWarning.objects.get()
    later = warning.due_at + timedelta(minutes=1)
    before = Notice.objects.count()
    assert services.mark_overdue(now=later) == 1
    assert services.mark_overdue(now=later) == 0
    warning.refresh_from_db()
    assert warning.overdue and warning.supervised
    assert Notice.objects.count() >= before


def test_it_reports_the_monthly_hot_topic(personas, firm):
    cluster(firm)
    file("我想加入工会，怎么办理会员卡？", address="朝阳区望京")
    month = timezone.localdate().strftime("%Y-%m")
    r = personas["district_supervisor"].api().get("/api/v1/appeals/hot-topics", {"month": month})
    assert r.status_code == 200
    body = r.json()
    assert body["month"] == month and len(body["months"]) == 4
    area = body["areas"][0]
    assert area["area"]["name"] == "朝阳区总工会" and area["total"] == 4
    assert area["top"][0]["category"] == "wages" and area["top"][0]["count"] == 3
    assert area["top"][0]["trend"][-1] == 3
    assert (
        personas["outsider"].api().get("/api/v1/appeals/hot-topics").json()["areas"][0]["total"]
        == 0
    )
    bad = personas["city_admin"].api().get("/api/v1/appeals/hot-topics", {"month": "2026-13"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_month"
    assert personas["courier"].api().get("/api/v1/appeals/hot-topics").status_code == 401


def test_it_masks_personal_numbers_in_examples():
    from gonghui.warnings.hot_topics import mask_text

    masked = mask_text("我叫王小明，电话13912345678，身份证110101199001011234", "王小明")
    assert "13912345678" not in masked and "110101199001011234" not in masked
    assert "王小明" not in masked and "王某某" in masked


def test_it_prints_the_hot_topic_as_pdf(personas, firm):
    cluster(firm)
    r = personas["city_admin"].browser().get("/console/warnings/hot-topics.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    page = personas["city_admin"].browser().get("/console/warnings/hot-topics/").content.decode()
    assert "hot-trend" in page and "拖欠工资与劳动报酬" in page


def test_it_seeds_demo_appeals_that_raise_a_warning():
    import random

    from gonghui.appeals.models import Appeal
    from gonghui.knowledge.models import Answer
    from gonghui.orgs.services import create_org
    from gonghui.warnings import demo

    wangjing = Org.objects.get(admin_code=WANGJING)
    firm = create_enterprise(
        name="北京演示科技有限公司", uscc="91110000600037341L", street=wangjing
    )
    firm.union = create_org(name="演示科技工会", kind="grassroots", parent=wangjing)
    firm.save(update_fields=["union"])
    result = demo.seed(rng=random.Random(1), appeals=True)
    assert result["appeals"] == 84 and Appeal.objects.count() == 84
    assert Answer.objects.count() == 3
    assert EarlyWarning.objects.filter(kind="employer_cluster", enterprise=firm).exists()
    assert demo.seed(rng=random.Random(1), appeals=True) == {"appeals": 0}  # once only
