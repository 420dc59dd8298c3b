"""Write conflict_pairs.csv: the frozen test set of the conflict check's name rule.

Run once (``python gonghui/rights/tests/data/make_conflict_pairs.py``) and committed;
the test reads the CSV, never this script, so the set cannot drift with Faker. The
matching rule (normalisation, pinyin, ratio >= 88 from 4 characters) was fixed before
the set was made: the pairs are held out from its tuning.

Each line: ``a,b,same,kind,split``; ``split`` alternates ``tune`` and ``held_out``
(shuffled once): the rule's cutoff and normalisation may be chosen on the ``tune``
rows only, and the figures reported are those of the ``held_out`` rows. ``same`` = 1 when both names are one party:
- ``suffix``: one core with other place prefixes, legal-form suffixes, （北京）, spaces
  or full-width letters and digits;
- ``typo``: one character of a core of 6 or more characters mistyped (录入错误);
- ``person_same``: a person's name written with a space or full-width forms.
``same`` = 0 for different parties:
- ``sibling``: two companies of the same trade whose cores differ in one word;
- ``person``: two people's names differing in one character;
- ``homophone``: two people's names that sound alike (张伟 / 张炜);
- ``branch_other``: two different companies that share a long trade phrase.
"""

import csv
import random
from pathlib import Path

from faker import Faker

OUT = Path(__file__).with_name("conflict_pairs.csv")
PREFIXES = ["北京", "北京市", "", "中国"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "公司", ""]
TRADES = ["科技", "物流", "餐饮管理", "建筑劳务", "商贸", "家政服务", "信息技术", "快递服务"]
HOMOPHONES = {"伟": "炜", "静": "婧", "丽": "莉", "敏": "珉", "军": "君", "杰": "捷", "华": "桦"}
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _company(fake: Faker, rng: random.Random) -> str:
    return fake.company_prefix() + rng.choice(TRADES)


def main() -> None:
    rng = random.Random(20261202)
    fake = Faker("zh_CN")
    fake.seed_instance(20261202)
    rows = []
    for _ in range(120):
        core = _company(fake, rng)
        if rng.random() < 0.2:
            core = f"{core}{rng.choice('ABCDEFGH')}{rng.randrange(10)}"
        a = rng.choice(PREFIXES) + core + rng.choice(SUFFIXES)
        b_core = core if rng.random() < 0.7 else _fullwidth(core)
        b = rng.choice(PREFIXES) + b_core + rng.choice(["（北京）", "", " "]) + rng.choice(SUFFIXES)
        rows.append((a, b, 1, "suffix"))
    made = 0
    while made < 60:
        core = _company(fake, rng)
        if len(core) < 6:
            continue
        i = rng.randrange(len(core))
        typo = core[:i] + rng.choice(COMMON.replace(core[i], "")) + core[i + 1 :]
        rows.append(("北京" + core + "有限公司", typo + "有限公司", 1, "typo"))
        made += 1
    for _ in range(30):
        name = fake.name()
        rows.append((name, name[0] + " " + name[1:], 1, "person_same"))
    made = 0
    while made < 90:
        p1, p2 = fake.company_prefix(), fake.company_prefix()
        if p1 == p2:
            continue
        trade = rng.choice(TRADES)
        rows.append((p1 + trade + "有限公司", "北京" + p2 + trade + "有限公司", 0, "sibling"))
        made += 1
    made = 0
    while made < 60:
        name = fake.name()
        other = name[:-1] + rng.choice(COMMON.replace(name[-1], ""))
        rows.append((name, other, 0, "person"))
        made += 1
    made = 0
    while made < 30:
        name = fake.name()
        last = name[-1]
        if last not in HOMOPHONES:
            continue
        rows.append((name, name[:-1] + HOMOPHONES[last], 0, "homophone"))
        made += 1
    for _ in range(40):
        trade = rng.choice(TRADES)
        phrase = trade + rng.choice(["咨询", "发展", "工程", "服务"])
        rows.append(
            (
                fake.company_prefix() + phrase + "有限公司",
                fake.company_prefix() + phrase + "有限公司",
                0,
                "branch_other",
            )
        )
    rng.shuffle(rows)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["a", "b", "same", "kind", "split"])
        for i, r in enumerate(rows):
            writer.writerow([*r, "tune" if i % 2 == 0 else "held_out"])
    print(f"{len(rows)} pairs -> {OUT}")


if __name__ == "__main__":
    main()
