"""Triage and the knowledge base over real HTTP, for staff and for an integration's key."""

from .support import refused

WAGES_IN_WANGJING = "我在望京街道的一家快递站干活，老板拖欠了我两个月工资八千元，一直不给。"


def test_it_triages_a_text_for_staff_and_for_an_api_key(staff, api_key_client):
    for client in (staff("district_supervisor"), api_key_client):
        answer = client.post("/api/v1/triage", json={"text": WAGES_IN_WANGJING})

        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["category"] == "wages"
        assert body["candidates"][0]["category"] == "wages"
        assert 0 < body["confidence"] <= 1
        assert body["district"]["name"] == "朝阳区总工会"
        assert body["street"]["name"] == "望京街道总工会"


def test_it_answers_nonsense_for_review_and_refuses_an_overlong_text(staff):
    supervisor = staff("district_supervisor")

    empty = supervisor.post("/api/v1/triage", json={"text": "   "})
    long = supervisor.post("/api/v1/triage", json={"text": "拖欠工资" * 1001})

    assert empty.status_code == 200, empty.text
    assert (empty.json()["category"], empty.json()["needs_review"]) == ("other", True)
    refused(long, 422, "text_too_long")


def test_it_finds_the_law_on_unpaid_wages(staff, api_key_client):
    for client in (staff("street_handler"), api_key_client):
        answer = client.get("/api/v1/knowledge/search", params={"q": "拖欠工资 加付赔偿金"})

        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert results, "no results"
        assert all(r["score"] > 0 for r in results)
        assert any("劳动合同法" in r["law"] for r in results[:5]), [r["citation"] for r in results]


def test_it_refuses_the_knowledge_base_and_triage_to_strangers(anonymous):
    refused(
        anonymous.get("/api/v1/knowledge/search", params={"q": "工资"}), 401, "not_authenticated"
    )
    refused(anonymous.post("/api/v1/triage", json={"text": "拖欠工资"}), 401, "not_authenticated")
