"""Legal aid over the API: the roster, intake with the eligibility screen as data,
overrides, the conflict check on credit codes and on names that differ only in their
suffixes, the supervisor's override (audited), and closing."""

import pytest

from gonghui.core.models import AuditLog
from gonghui.rights import conflicts
from gonghui.rights.models import AidCase, Lawyer, Party
from gonghui.rights.tests.conftest import post

pytestmark = pytest.mark.django_db
ENGAGED_USCC = "91110108MA02XYKW0H"


@pytest.fixture
def lawyer(district_supervisor, wangjing):
    response = post(
        district_supervisor.api(),
        "/api/v1/rights/lawyers",
        {
            "name": "陈律师",
            "firm": "北京市某某律师事务所",
            "phone": "13511112222",
            "org_ids": [wangjing.pk],
            "engagements": [
                {"party_name": "北京京东世纪贸易有限公司", "party_uscc": ENGAGED_USCC},
                {"party_name": "张伟"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _aid(persona, org, **over):
    data = {
        "org_id": org.pk,
        "applicant": {"name": "赵敏", "phone": "13822223333"},
        "employer": {"name": "北京某保洁服务有限公司"},
        "matter": "公司拖欠两个月工资，解除劳动合同不给经济补偿。",
        "monthly_income": "3200",
    }
    data.update(over)
    return post(persona.api(), "/api/v1/rights/legal-aid", data)


def test_it_enters_a_lawyer_with_engagements_as_conflict_entries(lawyer):
    assert lawyer["engagements"] == 2 and lawyer["workload"] == 0
    party = Party.objects.get(uscc=ENGAGED_USCC)
    assert party.norm == "京东世纪贸易" and party.lawyer_id == lawyer["id"]


def test_it_screens_eligibility_as_data(street_handler, wangjing):
    response = _aid(street_handler, wangjing)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "case_no", "status", "eligibility"}
    assert body["status"] == "screening" and body["case_no"].startswith("YZ-")
    assert [(c["criterion"], c["passed"]) for c in body["eligibility"]] == [
        ("local", True),
        ("labour", True),
        ("income", True),
    ]
    rich = _aid(street_handler, wangjing, monthly_income="20000").json()
    income = rich["eligibility"][2]
    assert income["passed"] is False and "20000.00" in income["reason"]
    # A priority group passes regardless of income.
    gig = _aid(street_handler, wangjing, monthly_income="20000", groups=["gig"]).json()
    assert gig["eligibility"][2]["passed"] is True


def test_it_needs_a_supervisor_to_override_a_failed_criterion(
    street_handler, district_supervisor, wangjing, lawyer
):
    case = _aid(street_handler, wangjing, monthly_income="20000").json()
    url = f"/api/v1/rights/legal-aid/{case['id']}"
    refused = post(street_handler.api(), f"{url}/assign", {"lawyer_id": lawyer["id"]})
    assert refused.status_code == 409 and refused.json()["code"] == "not_eligible"
    data = {"criterion": "income", "reason": "家有重病人，实际困难"}
    assert post(street_handler.api(), f"{url}/override", data).status_code == 403
    response = post(district_supervisor.api(), f"{url}/override", data)
    assert response.status_code == 200
    income = response.json()["eligibility"][2]
    assert income["overridden"] is True and income["override_reason"] == data["reason"]
    assert AuditLog.objects.filter(action="legal_aid.override", object_id=str(case["id"])).exists()
    assert (
        post(street_handler.api(), f"{url}/assign", {"lawyer_id": lawyer["id"]}).status_code == 200
    )


@pytest.mark.parametrize(
    "employer",
    [
        {"name": "某某电商", "uscc": ENGAGED_USCC},  # the credit code, whatever the name
        {"name": "京东世纪贸易（北京）有限公司"},  # the same name with other suffixes
        {"name": "北京市 京东世纪贸易 有限责任公司"},
        {"name": "京东世纪贸易　有限公司"},  # a full-width space
        {"name": "北京京东世纪贸有限公司"},  # a typo: the fuzzy pass
        {"name": "张玮"},  # a person, spelled differently, the same pinyin
    ],
)
def test_it_refuses_a_conflicting_assignment_with_409_and_the_matches(
    street_handler, wangjing, lawyer, employer
):
    case = _aid(street_handler, wangjing, employer=employer).json()
    url = f"/api/v1/rights/legal-aid/{case['id']}/assign"
    response = post(street_handler.api(), url, {"lawyer_id": lawyer["id"]})
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "conflict" and body["detail"]
    assert body["matches"] and all(m["lawyer_id"] == lawyer["id"] for m in body["matches"])
    assert AidCase.objects.get(pk=case["id"]).status == "screening"
    # A handler may not override; a supervisor may, with a reason, and it is audited.
    forced = {"lawyer_id": lawyer["id"], "override_reason": "已书面告知并取得双方同意"}
    assert post(street_handler.api(), url, forced).status_code == 403


def test_it_lets_a_supervisor_override_a_conflict_with_a_reason(
    street_handler, district_supervisor, wangjing, lawyer
):
    case = _aid(street_handler, wangjing, employer={"name": "x", "uscc": ENGAGED_USCC}).json()
    url = f"/api/v1/rights/legal-aid/{case['id']}/assign"
    forced = {"lawyer_id": lawyer["id"], "override_reason": "原委托已终止三年，经审批"}
    response = post(district_supervisor.api(), url, forced)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    assert response.json()["conflict_override"] == forced["override_reason"]
    log = AuditLog.objects.get(action="legal_aid.conflict_override", object_id=str(case["id"]))
    assert log.detail["reason"] == forced["override_reason"] and log.detail["matches"]


def test_it_does_not_flag_a_different_company_or_another_lawyers_client(
    street_handler, district_supervisor, wangjing, lawyer
):
    other = post(
        district_supervisor.api(),
        "/api/v1/rights/lawyers",
        {"name": "孙律师", "firm": "另一律所", "phone": "13522223333", "engagements": []},
    ).json()
    case = _aid(street_handler, wangjing, employer={"name": "北京京东世纪贸易有限公司"}).json()
    url = f"/api/v1/rights/legal-aid/{case['id']}/assign"
    assert post(street_handler.api(), url, {"lawyer_id": other["id"]}).status_code == 200
    assert conflicts.check(name="北京京北物流有限公司", lawyer_id=lawyer["id"]) == []
    # Two-character names never match by fuzzy similarity alone.
    assert conflicts.check(name="张伦", lawyer_id=lawyer["id"]) == []


def test_it_closes_a_case_and_remembers_the_client_for_later_checks(
    street_handler, wangjing, lawyer
):
    case = _aid(street_handler, wangjing).json()
    url = f"/api/v1/rights/legal-aid/{case['id']}"
    client = street_handler.api()
    assert post(client, f"{url}/assign", {"lawyer_id": lawyer["id"]}).status_code == 200
    assert Lawyer.objects.get(pk=lawyer["id"]).cases.count() == 1
    assert post(client, f"{url}/serve", {"note": "代写仲裁申请书"}).json()["status"] == "in_service"
    bad = post(client, f"{url}/close", {"outcome": "won", "recovered": "100"})
    assert bad.status_code == 422
    closed = post(client, f"{url}/close", {"outcome": "mediated", "recovered": "8600.00"}).json()
    assert closed["status"] == "closed" and closed["recovered"] == "8600.00"
    matches = conflicts.check(name="赵敏", lawyer_id=lawyer["id"])
    assert [m.source for m in matches] == ["case"]


@pytest.mark.parametrize(
    "change, code",
    [
        ({"monthly_income": "-1"}, "invalid_amount"),
        ({"monthly_income": "abc"}, "invalid_amount"),
        ({"employer": {"name": "某公司", "uscc": "123"}}, "invalid_uscc"),
        (
            {"applicant": {"name": "赵敏", "phone": "13822223333", "id_number": "123"}},
            "invalid_id_number",
        ),
        ({"groups": ["students"]}, "invalid_group"),
        ({"matter": ""}, "matter_required"),
    ],
)
def test_it_refuses_bad_legal_aid_input_with_422(street_handler, wangjing, change, code):
    before = (AidCase.objects.count(), AuditLog.objects.count())
    response = _aid(street_handler, wangjing, **change)
    assert response.status_code == 422 and response.json()["code"] == code
    assert (AidCase.objects.count(), AuditLog.objects.count()) == before


def test_it_hides_legal_aid_cases_from_the_outsider(street_handler, outsider, wangjing):
    case = _aid(street_handler, wangjing).json()
    assert outsider.api().get(f"/api/v1/rights/legal-aid/{case['id']}").status_code == 404
    assert (
        post(
            outsider.api(), f"/api/v1/rights/legal-aid/{case['id']}/serve", {"note": "x"}
        ).status_code
        == 404
    )


def test_it_finds_by_length_buckets_what_a_full_scan_finds():
    from rapidfuzz import fuzz

    names = [
        "北京京东世纪贸易有限公司",
        "京东世纪商贸有限公司",
        "京东世纪贸易发展有限公司",
        "京东世纪",
        "京东世纪贸易",
        "东世纪贸易",
        "北京京东世纪贸易物流有限公司",
        "京东世纪贸易（北京）有限公司",
        "某某京东世纪贸易",
        "京东世界贸易有限公司",
    ]
    for n in names:
        conflicts.add_party(name=n, source=Party.Source.CASE)
    for query in ["京东世纪贸易有限公司", "京东世纪贸", "京东世纪贸易物流", "东世纪"]:
        norm = conflicts.normalise(query)
        expected = {
            p.pk
            for p in Party.objects.all()
            if p.norm == norm
            or p.pinyin == conflicts.pinyin_of(norm)
            or (
                len(norm) >= conflicts.FUZZY_MIN_LENGTH
                and fuzz.ratio(norm, p.norm) >= conflicts.FUZZY_CUTOFF
            )
        }
        assert {m.party_id for m in conflicts.check(name=query)} == expected, query
