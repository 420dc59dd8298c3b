from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.knowledge import importer, search, services
from gonghui.knowledge.models import Answer, Article, Document
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_it_reads_chinese_article_numbers():
    assert importer.chinese_number("三十") == 30
    assert importer.chinese_number("一百零八") == 108
    assert importer.chinese_number("十五") == 15
    assert importer.chinese_number("二百四十") == 240
    assert importer.chinese_number("九") == 9


def test_it_imported_every_law_and_case_with_numbered_articles():
    assert Document.objects.filter(kind="law").count() == 31
    assert Document.objects.filter(kind="case").count() == 10
    law = Document.objects.get(stem="labour_contract_law")
    assert law.title == "中华人民共和国劳动合同法"
    assert law.articles.count() == 98
    art = law.articles.get(number=30)
    assert art.label == "第三十条" and art.chapter.startswith("第三章")
    assert art.text.startswith("用人单位应当按照劳动合同约定")
    assert list(law.articles.values_list("number", flat=True)) == list(range(1, 99))


def test_it_imports_again_without_changing_anything():
    before = list(Article.objects.order_by("pk").values_list("pk", "text"))
    importer.import_laws()
    assert list(Article.objects.order_by("pk").values_list("pk", "text")) == before


def test_it_finds_the_article_for_a_workers_words():
    hits = search.search("老板欠薪三个月不给怎么办", limit=5)
    assert hits and all(h.score > 0 for h in hits)
    stems = {h.source for h in hits}
    assert stems & {
        "labour_contract_law",
        "wage_payment_interim_provisions",
        "migrant_worker_wage_payment_regulations",
        "labour_law",
    }
    hits = search.search("公司不给交社保", limit=5)
    assert any(h.source.startswith("social_insurance") for h in hits)


def test_it_expands_worker_words_with_legal_synonyms():
    assert "劳动报酬" in search.query_tokens("欠薪")
    assert "解除" in search.query_tokens("被辞退了")
    assert "社会保险" in search.query_tokens("社保")


def test_it_cites_an_article_for_a_reply():
    art = Article.objects.get(document__stem="labour_contract_law", number=30)
    assert art.citation().startswith("依据《中华人民共和国劳动合同法》第三十条：用人单位")


def get(persona, q="拖欠工资", limit=5):
    return persona.api().get("/api/v1/knowledge/search", {"q": q, "limit": limit})


def test_it_serves_search_to_staff_only(personas):
    check_matrix(
        personas,
        get,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )
    body = get(personas["city_admin"], "加班费怎么计算", 3).json()
    assert len(body["results"]) == 3
    assert set(body["results"][0]) >= {"source", "law", "article", "text", "score"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_it_refuses_an_empty_or_huge_query(city_admin):
    assert city_admin.api().get("/api/v1/knowledge/search", {"q": ""}).status_code == 422
    r = city_admin.api().get("/api/v1/knowledge/search", {"q": "工资", "limit": 500})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_it_finds_a_curated_answer_once_saved(city_admin):
    art = Article.objects.get(document__stem="labour_contract_law", number=82)
    services.save_answer(
        actor=city_admin.user,
        question="没签劳动合同能要二倍工资吗？",
        answer="用工超过一个月不满一年未订立书面劳动合同的，可要求每月支付二倍工资。",
        owner_org=city_admin.org,
        review_by=date(2027, 6, 30),
        articles=[art],
    )
    hits = search.search("没签劳动合同 二倍工资", limit=3)
    assert hits[0].source == "qa"
    assert AuditLog.objects.filter(action="knowledge.answer.create").exists()


def test_it_parses_article_references_and_refuses_unknown_ones():
    refs = services.parse_refs("labour_contract_law:30\nlabour_law:第五十条")
    assert [(a.document.stem, a.number) for a in refs] == [
        ("labour_contract_law", 30),
        ("labour_law", 50),
    ]
    with pytest.raises(ValidationError) as e:
        services.parse_refs("labour_contract_law:999")
    assert e.value.code == "invalid_article"
    with pytest.raises(ValidationError):
        services.parse_refs("劳动合同法第三十条")


def test_it_lets_staff_keep_answers_of_their_own_orgs_only(personas, client):
    chaoyang = Org.objects.get(admin_code="110105")
    mine = Answer.objects.create(
        question="朝阳区的职工服务中心在哪？",
        answer="……",
        owner_org=chaoyang,
        review_by=date(2027, 1, 1),
    )
    url = f"/console/knowledge/answers/{mine.pk}/"
    check_matrix(
        personas,
        lambda p: p.browser().get(url) if p.user else client.get(url),
        {"street_handler": 404, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
    )
    supervisor = personas["district_supervisor"].browser()
    r = supervisor.post(
        "/console/knowledge/answers/new/",
        {
            "question": "加班费怎么算？",
            "answer": "工作日延长工作时间支付不低于工资150%的报酬。",
            "articles": "labour_law:44",
            "owner_org": chaoyang.pk,
            "review_by": "2027-06-30",
            "active": "on",
        },
    )
    assert r.status_code == 302
    saved = Answer.objects.get(question="加班费怎么算？")
    assert list(saved.articles.values_list("number", flat=True)) == [44]
    bad = supervisor.post(
        "/console/knowledge/answers/new/",
        {
            "question": "x",
            "answer": "y",
            "articles": "nope:1",
            "owner_org": chaoyang.pk,
            "review_by": "2027-06-30",
        },
    )
    assert bad.status_code == 400
    assert not Answer.objects.filter(question="x").exists()
    # Another district's org is not a choice for a district supervisor.
    haidian = Org.objects.get(admin_code="110108")
    other = supervisor.post(
        "/console/knowledge/answers/new/",
        {"question": "z", "answer": "z", "owner_org": haidian.pk, "review_by": "2027-06-30"},
    )
    assert other.status_code == 400 and not Answer.objects.filter(question="z").exists()
    page = supervisor.get("/console/knowledge/?q=" + "加班费").content.decode()
    assert "加班费怎么算？" in page and "劳动法" in page
