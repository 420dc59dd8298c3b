"""Demo data for issue 14, made through the services (written by us, not real cases):
legal health checks at enterprises of every district, some open, some with findings
closed, some overdue; collective contracts of the three scopes in every district
(some expiring soon, one signed and overdue for filing); the riders' round table with
美团 in 朝阳 with its agreed items."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from tqdm import tqdm

from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Enterprise, Org, StaffRole
from gonghui.rights.consultations import services as consult
from gonghui.rights.contracts import services as contracts
from gonghui.rights.contracts.models import CollectiveContract
from gonghui.rights.health import checklist as cl
from gonghui.rights.health import services as health
from gonghui.rights.health.models import Finding, HealthCheck

# Health checks per district: small demo, city demo.
CHECKS_PER_DISTRICT = {"small": 4, "city": 40}
# How often each check fails in the demo (the common findings fail more often).
FAIL_RATE = {
    "contract.written.signed": 0.12,
    "wages.payment.on_time": 0.08,
    "hours.limits.overtime": 0.3,
    "insurance.enrol.registered": 0.15,
    "union.founded.funds": 0.25,
    "union.contract.signed": 0.35,
    "rules.democratic.consulted": 0.2,
}


def _actor():
    """The city's demo admin (or the first city admin): holds every role the steps need."""
    user = get_user_model().objects.filter(username="demo-admin").first()
    if user is None:
        role = StaffRole.objects.filter(role=Role.ADMIN, org__kind=OrgKind.CITY).first()
        user = role.user if role else None
    return user


def seed(scale_name: str = "small", *, seed_value: int = 14, progress: bool = False) -> dict:
    actor = _actor()
    if actor is None or HealthCheck.objects.exists() or CollectiveContract.objects.exists():
        return {}
    rng = random.Random(seed_value)
    districts = list(
        Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary").order_by("admin_code")
    )
    counts = {"health_checks": 0, "findings": 0, "contracts": 0, "consultation_items": 0}
    tree = cl.read_file()
    per = CHECKS_PER_DISTRICT.get(scale_name, 4)
    bar = tqdm(total=per * len(districts), disable=not progress, desc="health checks", unit="check")
    for district in districts:
        ents = list(
            Enterprise.objects.filter(street__path__startswith=district.path)
            .select_related("street__parent")
            .order_by("pk")[: per * 5]
        )
        rng.shuffle(ents)
        for i, ent in enumerate(ents[:per]):
            _health_check(ent, actor, tree, rng, stage=i % 4)
            bar.update(1)
        counts["contracts"] += _contracts(district, ents[per:], actor, rng)
    bar.close()
    counts["health_checks"] = HealthCheck.objects.count()
    counts["findings"] = Finding.objects.count()
    counts["consultation_items"] = _round_table(actor)
    return counts


def _health_check(ent, actor, tree, rng, *, stage: int) -> None:
    hc = health.create(
        ent, actor=actor, chair_name=rng.choice(["王芳", "李娜", "张伟", "刘洋", "陈静"])
    )
    if stage == 0:  # still with the enterprise
        return
    answers = [
        {
            "check_id": c["id"],
            "result": "fail" if rng.random() < FAIL_RATE.get(c["id"], 0.05) else "pass",
            "note": "现场查阅台账",
        }
        for c in cl.checks(tree)
    ]
    health.save_answers(hc, answers, actor=actor)
    health.act(hc, "submit", actor=actor)
    health.act(hc, "review", actor=actor)
    if stage == 1:
        return
    hc = health.act(hc, "verify", actor=actor)
    findings = list(hc.findings.all())
    if stage == 3:  # followed up: most findings closed
        for f in findings[:-1] or findings:
            health.follow_up(f, actor=actor, note="回访确认已整改", closed=True)
    elif findings:  # one deadline already passed: overdue in the demo
        Finding.objects.filter(pk=findings[0].pk).update(
            due=timezone.localdate() - timedelta(days=3)
        )


def _contracts(district, ents, actor, rng) -> int:
    today = timezone.localdate()
    made = 0
    street = (
        Org.objects.filter(parent=district, kind=OrgKind.STREET)
        .defer("boundary")
        .order_by("pk")
        .first()
    )
    plans = []
    if ents:
        plans.append(
            (
                "enterprise",
                {"enterprise": ents[0]},
                f"{ents[0].name}集体合同",
                today - timedelta(days=400),
                3000,
            )
        )
    if street is not None:
        plans.append(
            (
                "regional",
                {"org": street},
                f"{street.name}区域性集体合同",
                today - timedelta(days=1000),
                2800,
            )
        )
    plans.append(
        (
            "industry",
            {"org": district, "industry": "logistics"},
            f"{district.name}快递物流业集体合同",
            today - timedelta(days=300),
            3100,
        )
    )
    for scope, where, title, start, floor in plans:
        c = contracts.create(
            contracts.ContractIn(
                scope=scope,
                title=title[:200],
                starts_on=start,
                ends_on=start.replace(year=start.year + 3) - timedelta(days=1),
                wage_floor=floor,
                covered_workers=rng.randint(50, 3000),
                **where,
            ),
            actor=actor,
        )
        _through(c, start, actor)
        made += 1
    if len(ents) > 1:  # signed three weeks ago and not filed: overdue
        c = contracts.create(
            contracts.ContractIn(
                scope="enterprise",
                enterprise=ents[1],
                title=f"{ents[1].name}工资专项集体合同"[:200],
                starts_on=today - timedelta(days=21),
                ends_on=today + timedelta(days=344),
                wage_floor=2600,
            ),
            actor=actor,
        )
        contracts.act(
            c,
            "ratify",
            actor=actor,
            total=40,
            attending=32,
            approving=30,
            ratified_on=today - timedelta(days=25),
        )
        contracts.act(c, "sign", actor=actor, signed_on=today - timedelta(days=21))
        made += 1
    contracts.run_clocks()
    return made


def _through(c, start: date, actor) -> None:
    contracts.act(
        c,
        "ratify",
        actor=actor,
        total=60,
        attending=48,
        approving=41,
        ratified_on=start - timedelta(days=20),
    )
    contracts.act(c, "sign", actor=actor, signed_on=start - timedelta(days=15))
    contracts.act(c, "file", actor=actor, filed_on=start - timedelta(days=10))


def _round_table(actor) -> int:
    chaoyang = Org.objects.filter(admin_code="110105").first()
    if chaoyang is None:
        return 0
    mech = consult.create_mechanism(
        platform="美团", name="朝阳区美团骑手恳谈会", org=chaoyang, actor=actor
    )
    today = timezone.localdate()
    meeting = consult.record_meeting(
        mech,
        held_on=today - timedelta(days=40),
        place="朝阳区职工服务中心",
        attendees=[
            {"side": "workers", "name": "骑手代表 李强"},
            {"side": "workers", "name": "骑手代表 赵敏"},
            {"side": "platform", "name": "美团北京区域负责人"},
            {"side": "union", "name": "朝阳区总工会权益保障部"},
        ],
        summary="骑手反映恶劣天气超时罚款、休息点不足、意外险理赔慢。",
        items=[
            {"text": "恶劣天气配送超时不罚款", "owner": "美团", "due": today - timedelta(days=10)},
            {
                "text": "在望京、三里屯新增骑手休息点",
                "owner": "朝阳区总工会",
                "due": today + timedelta(days=30),
            },
            {
                "text": "意外险理赔15个工作日内答复",
                "owner": "美团",
                "due": today - timedelta(days=2),
            },
        ],
        actor=actor,
    )
    first = meeting.items.order_by("pk").first()
    consult.complete_item(first, note="平台已发布恶劣天气免罚规则", actor=actor)
    consult.report_back(first, note="已在骑手群和驿站公告", actor=actor)
    return meeting.items.count()


def clear() -> None:
    """Remove this demo's rows (they protect the enterprises and unions they point at)."""
    from gonghui.rights.consultations.models import Mechanism

    HealthCheck.objects.all().delete()
    CollectiveContract.objects.all().delete()
    Mechanism.objects.all().delete()
