import json

import pytest

from gonghui.accounts.services import create_api_key
from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
from gonghui.triage import employers, places, rules, services


def post(client, body):
    return client.post("/api/v1/triage", json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_it_answers_the_schema_of_the_issue(city_admin):
    r = post(
        city_admin.api(), {"text": "老板拖欠我们三个月工资了，一分钱都没发，在望京这边的工地。"}
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {
        "category",
        "confidence",
        "candidates",
        "kind",
        "urgency",
        "district",
        "street",
        "employer",
        "suggested_org",
        "explanation",
    }
    assert body["category"] == "wages"
    assert len(body["candidates"]) == 3
    assert body["candidates"][0]["category"] == "wages"
    assert body["candidates"][0]["p"] >= body["candidates"][1]["p"]
    assert body["district"]["name"] == "朝阳区总工会"
    assert body["street"]["name"] == "望京街道总工会"
    assert body["suggested_org"]["name"] == "望京街道总工会"
    assert any(w in body["explanation"] for w in ("拖欠", "工资", "拖欠工资"))
    assert body["needs_review"] is False


@pytest.mark.django_db
def test_it_checks_who_may_call_it(personas):
    check_matrix(
        personas,
        lambda p: post(p.api(), {"text": "公司不给交社保怎么办"}),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 200,
        },
    )


@pytest.mark.django_db
def test_it_accepts_an_org_api_key():
    raw, _key = create_api_key(org=Org.objects.get(admin_code="110105"), name="t")
    from django.test import Client

    r = post(Client(headers={"X-Api-Key": raw}), {"text": "我怀孕了公司要辞退我"})
    assert r.status_code == 200
    assert r.json()["category"] in {"women", "dismissal"}
    assert post(Client(), {"text": "x"}).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   ", "asdf qwer zxcv", "？？？！！！", "12345678"])
def test_it_gives_other_for_a_person_on_empty_or_nonsense_text(city_admin, text):
    r = post(city_admin.api(), {"text": text})
    assert r.status_code == 200
    assert r.json()["category"] == "other"
    assert r.json()["needs_review"] is True


@pytest.mark.django_db
def test_it_refuses_text_over_4000_characters_with_422(city_admin):
    r = post(city_admin.api(), {"text": "工资" * 2001})
    assert r.status_code == 422
    assert r.json()["code"] == "text_too_long"
    assert "4000" in r.json()["detail"]
    assert post(city_admin.api(), {"text": "工资" * 2000}).status_code == 200


@pytest.mark.django_db
def test_it_locates_by_the_point_before_the_text(city_admin):
    # A point in 海淀区 (中关村) wins over 望京 named in the text.
    r = post(city_admin.api(), {"text": "望京的公司欠薪", "lat": 39.9841, "lng": 116.3075})
    assert r.json()["district"]["name"] == "海淀区总工会"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text,district,street",
    [
        ("我在亦庄的工厂上班", "北京经济技术开发区总工会", None),
        ("中关村一家公司拖欠工资", "海淀区总工会", "中关村街道总工会"),
        ("回龙观这边的快递站", "昌平区总工会", "回龙观街道总工会"),
        ("在通州区干活", "通州区总工会", None),
        ("望京SOHO附近送外卖", "朝阳区总工会", "望京街道总工会"),
    ],
)
def test_it_finds_the_place_in_the_text(text, district, street):
    place = places.find(text)
    assert place.district[1] == district
    assert (place.street[1] if place.street else None) == street


@pytest.mark.django_db
def test_it_reads_a_latin_or_numeric_alias_only_as_a_whole_code():
    assert places.find("在798艺术区的展馆做保安").street[1] == "酒仙桥街道总工会"
    assert places.find("CBD写字楼保洁").district[1] == "朝阳区总工会"
    assert places.find("想申请劳动仲裁 工号127983，第1次反映。").district is None
    assert places.find("订单号ABCD1234").district is None


@pytest.mark.django_db
def test_it_reports_an_ambiguous_name_instead_of_guessing():
    # 八里庄街道 exists in 朝阳区 and in 海淀区.
    place = places.find("八里庄街道这边有个工地欠钱")
    assert place.district is None
    assert place.ambiguous == ["八里庄街道"]


@pytest.mark.django_db
def test_its_gazetteer_automaton_finds_what_a_regex_of_the_names_finds():
    import random
    import re

    g = places._get()
    names = sorted(g.entries, key=len, reverse=True)
    regex = re.compile("|".join(re.escape(n) for n in names))
    rng = random.Random(7)
    texts = []
    for _ in range(3000):  # names, fragments of names and overlaps, run together
        parts = []
        for _ in range(rng.randint(1, 4)):
            name = rng.choice(names)
            a = rng.randrange(len(name))
            parts += [
                name if rng.random() < 0.5 else name[a:],
                rng.choice(["", "的", "街道", "区"]),
            ]
        texts.append("".join(parts))
    found = [[n for _end, n in g.automaton.iter_long(t)] for t in texts]
    assert found == [[m.group(0) for m in regex.finditer(t)] for t in texts]
    assert sum(map(len, found)) > 3000


def test_its_keyword_automaton_finds_what_the_regexes_find():
    import re

    from gonghui.triage import data

    split = rules.top_level_alternatives(r"a|(b|c)d|[|x]e|\||f")
    assert split == ["a", "(b|c)d", "[|x]e", r"\|", "f"]
    keywords = [(c, re.compile(p)) for c, p in rules.CATEGORY_KEYWORDS]
    problems = [(c, re.compile(p)) for c, p in rules.PROBLEM_RULES]
    texts = [r.text for r in data.real_rows()[:400] + data.synthetic_rows()]
    texts += [t[i : i + 12] for t in texts[:200] for i in range(0, 60, 7)]
    for text in texts:
        assert rules.KEYWORDS.found(text) == {c for c, p in keywords if p.search(text)}, text
        expected = next((c for c, p in problems if p.search(text)), None)
        assert rules.main_problem(text) == expected, text


@pytest.mark.django_db
def test_it_matches_the_employer_named_in_the_text():
    wangjing = Org.objects.get(admin_code="110105026")
    firm = create_enterprise(
        name="北京望京顺达物流有限公司", uscc="91110000600037341L", street=wangjing
    )
    found = employers.find("我在顺达物流有限公司开车，三个月没发工资")
    assert found.enterprise_id == firm.pk
    assert employers.find("我在一家没登记过的星河建材公司上班").enterprise_id is None
    assert employers.find("我在一家没登记过的星河建材公司上班").name == "星河建材公司"
    assert employers.find("美团骑手被罚款").name == "美团"
    assert employers.find("今天天气很好") is None
    # A company named only by its trade is a description, not an employer to match.
    assert employers.find("劳务派遣公司拖欠我三个月工资") is None
    assert employers.find("我系人力资源公司派遣过去的") is None
    assert employers.find("这家物流公司不给交社保") is None


@pytest.mark.parametrize(
    "text,names",
    [
        ("我在家乐福公司上班，加班没有加班费", ["家乐福公司"]),  # 家 is in the name
        ("我在北京在线科技有限公司上班", ["北京在线科技有限公司"]),
        ("和平里物业公司欠薪", ["和平里物业公司"]),
        ("老板说下个月给钱的顺达公司", ["顺达公司"]),
        ("进入新东方建筑公司以后", ["新东方建筑公司"]),
        ("在这个厂干了三年", []),
    ],
)
def test_it_cuts_the_words_before_a_company_name_at_word_boundaries(text, names):
    assert employers.mentions(text) == names


def test_its_employer_index_finds_what_a_full_scan_finds():
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(11)
    pool = "华泰通安达顺丰盛鑫源宏伟恒瑞祥和兴旺东方北海天地金银龙凤嘉禾博远智联创新信诚"
    trades = ["科技", "物流", "商贸", "建筑工程", "餐饮管理", "劳务派遣", "文化传媒"]
    names = {
        ("北京" if rng.random() < 0.3 else "")
        + "".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        + rng.choice(trades)
        + rng.choice(["", "发展", "服务"])
        + rng.choice(["有限公司", "集团", "公司", ""])
        for _ in range(3000)
    }
    names = sorted(names) + ["顺", "达物", "顺达物流", "北京望京顺达物流有限公司", "顺达物流"]
    registry = employers._Registry.build(list(enumerate(names, start=1)))

    def scan(query):
        core = employers._core(query)
        scorer, cutoff = (fuzz.WRatio, 86) if len(core) >= 3 else (fuzz.ratio, 100)
        hit = process.extractOne(core, registry.cores, scorer=scorer, score_cutoff=cutoff)
        return registry.ids[hit[2]] if hit else None

    def mutate(text):
        chars = list(text)
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and at < len(chars):
                del chars[at]
            else:
                chars.insert(at, rng.choice(pool))
        return "".join(chars)

    queries = ["顺达物流", "望京顺达物流", "达物流", "顺达 物流"]
    for _ in range(600):
        name = rng.choice(names)
        start = rng.randrange(len(name))
        queries += [mutate(name), name[start : start + rng.randint(2, 9)], "新" + name]
    found = [registry.match(q) for q in queries]
    assert found == [scan(q) for q in queries]
    assert sum(f is not None for f in found) > 500  # the queries do match, often
    assert len(registry.candidates("华泰通安物流")) < len(names) / 4  # and it filters


@pytest.mark.parametrize(
    "text,urgency",
    [
        ("工地上三十多个农民工的工资都没发，快过年了", "urgent"),
        ("包工头跑了，我们的工钱没人给", "urgent"),
        ("工友从脚手架上摔下来了，现在正在抢救", "urgent"),
        ("公司拖欠我一个月工资", "normal"),
        ("请问年假怎么算", "normal"),
    ],
)
def test_it_flags_collective_or_dangerous_situations_as_urgent(text, urgency):
    assert rules.urgency(text) == urgency


@pytest.mark.parametrize(
    "text,kind",
    [
        ("请问试用期最长多久？", "enquiry"),
        ("我要投诉公司不给加班费", "complaint"),
        ("建议工会驿站延长开放时间", "suggestion"),
        ("请帮忙协调一下，老板不接电话", "help"),
    ],
)
def test_it_tells_the_kind(text, kind):
    assert rules.kind(text) == kind


@pytest.mark.django_db
def test_it_classifies_union_specific_categories():
    assert services.analyse("我想加入工会，怎么办理会员卡？").category == "membership"
    assert services.analyse("孩子得了重病，家里实在困难，工会能救助吗").category == "hardship"
    assert services.analyse("外卖平台把我账号封了，还罚款").category == "gig"


@pytest.mark.django_db
def test_it_resolves_a_place_with_its_district_in_front_whatever_the_spelling():
    from gonghui.triage.places import resolve

    for typed in ("海淀区八里庄街道", "海淀八里庄街道", "海淀区八里庄", "海淀 八里庄"):
        [origin] = resolve(typed)
        assert (origin.district, origin.name, origin.kind) == ("海淀区", "八里庄街道", "street")
    assert len(resolve("八里庄")) == 2
    assert resolve("朝阳区")[0].kind == "district"
