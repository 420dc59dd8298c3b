"""Demo data for the knowledge base, the warnings and the monthly hot topic.

The appeal texts below were written by us for the demo (no real worker's words);
the laws come from the shared data folder, imported by ``import_laws``.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from gonghui.appeals import services as intake
from gonghui.appeals.models import Appeal
from gonghui.knowledge.importer import import_laws
from gonghui.knowledge.models import Answer, Article, Document
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org

TEXTS = {
    "wages": [
        "单位两个月没发工资了，问了好几次都说再等等。",
        "工地老板拖欠工钱，说要等项目结款才给。",
    ],
    "hours": ["公司天天加班到十点，加班费一分没有。", "一个月只休两天，年假也不让休。"],
    "social_insurance": ["入职半年了公司一直没给交社保。", "单位按最低基数交社保，和工资差很多。"],
    "dismissal": ["公司突然通知我不用来了，也不给补偿。", "干了五年被裁员，只给一个月工资的补偿。"],
    "membership": ["想加入工会，在手机上怎么申请入会？", "会员卡丢了，去哪里补办？"],
    "services": ["附近的户外劳动者驿站几点开门？", "工会的周末亲子活动怎么报名？"],
    "gig": ["送外卖超时被平台罚款，申诉没人理。", "平台突然封了我的账号，保证金也不退。"],
}
ANSWERS = [
    (
        "单位拖欠工资怎么办？",
        "可先与单位协商；协商不成可向劳动保障监察机构投诉，或申请劳动争议仲裁。工会可协助调解。",
        [("labour_contract_law", 30), ("labour_law", 50)],
    ),
    (
        "没签劳动合同能要二倍工资吗？",
        "用工超过一个月不满一年未订立书面劳动合同的，劳动者可要求每月支付二倍工资。",
        [("labour_contract_law", 82)],
    ),
    (
        "职工怎样加入工会？",
        "在中国境内以工资收入为主要生活来源的劳动者都有依法参加和组织工会的权利，可向所在单位工会或街道总工会申请。",
        [("trade_union_law", 3)],
    ),
]


def seed(*, rng: random.Random, progress: bool = False, appeals: bool = True) -> dict:
    """Import the laws, add curated answers and (``appeals``) demo appeals, and run the
    detectors over them."""
    from gonghui.warnings import services as warnings

    if not Document.objects.exists():
        import_laws()
    city = Org.objects.get(kind=OrgKind.CITY)
    for question, answer, refs in ANSWERS:
        obj, _ = Answer.objects.update_or_create(
            question=question,
            defaults={"answer": answer, "owner_org": city, "review_by": date(2027, 6, 30)},
        )
        obj.articles.set([Article.objects.get(document__stem=stem, number=n) for stem, n in refs])
    if not appeals or Appeal.objects.exists():  # seeded before, or real appeals: add none
        return {"appeals": 0}
    streets = list(Org.objects.filter(kind=OrgKind.STREET).order_by("pk")[:60])
    now = timezone.now()
    created = 0
    categories = list(TEXTS)
    for i in tqdm(range(80), disable=not progress, desc="demo appeals", unit="row"):
        category = categories[i % len(categories)]
        street = rng.choice(streets)
        text = rng.choice(TEXTS[category])
        with transaction.atomic():
            appeal, _ = intake.create_appeal(
                intake.Intake(
                    text=f"{street.short_name}：{text}",
                    phone=f"139{rng.randrange(10**8):08d}",
                    category=category,
                    address=f"{street.parent.short_name}{street.short_name}",
                ),
                actor_label="demo",
            )
            Appeal.objects.filter(pk=appeal.pk).update(
                created_at=now - timedelta(days=rng.randint(3, 110), hours=rng.randint(0, 23))
            )
        created += 1
    # A cluster at one employer in the last two days: the detectors raise a warning.
    firm = Enterprise.objects.filter(union__isnull=False).order_by("pk").first()
    if firm is not None:
        for j, text in enumerate(
            [
                "这个月工资又没发，车间里几十个人都在等。",
                "老板说资金困难，工资要拖到下个月。",
                "拖欠工资已经两个月了，工友们准备一起去讨薪。",
                "我们班组十几个人的工资都没发。",
            ]
        ):
            appeal, _ = intake.create_appeal(
                intake.Intake(
                    text=f"我在{firm.name}上班，{text}",
                    phone=f"137{rng.randrange(10**8):08d}",
                    employer_uscc=firm.uscc,
                    category="wages",
                ),
                actor_label="demo",
            )
            Appeal.objects.filter(pk=appeal.pk).update(created_at=now - timedelta(hours=6 + 9 * j))
            created += 1
    warnings.run_detectors(now=now, force=True)
    return {"appeals": created}
