"""A year of appeals that tells a true story, written through the real state machine.

Every appeal lives its life as a plan of timed steps (intake, dispatch, return, accept,
contact, extend, supervise, resolve, evaluate, reopen, callback), and one clock plays all
plans in time order through the real services (``intake.create_appeal``,
``services.act``, ``services.evaluate``, ``services.record_callback``) with ``now=`` set
to the step's moment. The worker's daily sweeps (overdue flags and supervision, callback
tasks) run on the same clock, so a late step is flagged the day after it was due, as
in production. Steps planned after the present do not happen: recent appeals are still
open, in every state. At the end the early-warning detectors run over the last weeks,
in which recurring problems (one employer's unpaid wages, a street's platform fines)
come back in several districts, 朝阳 included.

Districts and streets differ in how well they handle appeals (a quality between 0.35 and
0.97 decides how often they contact in time, resolve in time and satisfy the worker), so
the rates, rankings and trend a supervisor sees are real numbers computed by the product.

``city`` scale (about 100,000 appeals a year) is too many for the services in a demo's
first start: ``bulk_city`` writes the same states directly, counts the roll-up while it
writes, and then checks it against a from-scratch recount (``RollupMismatch`` if any row
differs).

Every text below was written by us for the demo (no real worker's words, no real names).
"""

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from gonghui.appeals import intake, metrics, services, sweeps
from gonghui.appeals.choices import Kind, Status
from gonghui.core.errors import ServiceError
from gonghui.core.models import Notice, OutboxMessage
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Enterprise, Org, StaffRole

# --- what workers say, written by us ---------------------------------------------------------

TEXTS = {
    "wages": [
        "单位已经两个月没发工资了，问了几次都说再等等。",
        "工地上的工钱拖了一个季度，包工头说要等项目结款。",
        "离职时公司说最后一个月工资下个月再结，到现在还没给。",
        "公司把绩效工资扣了一半，也没有说明理由。",
        "餐馆老板说生意不好，这个月只发一半工资。",
    ],
    "hours": [
        "公司天天加班到晚上十点，加班费一分也没有。",
        "一个月只休息两天，年假申请了也不批。",
        "仓库实行大小周，周末加班不算加班费。",
        "春节值班三天，公司只按平时工资算。",
    ],
    "social_insurance": [
        "入职半年了，公司一直没有给交社保。",
        "单位按最低基数交社保，和实际工资差很多。",
        "公司说试用期不交社保，转正后也没补交。",
        "住房公积金停缴了三个月，单位没有通知。",
    ],
    "injury": [
        "在车间搬货时扭伤了腰，公司不给申报工伤。",
        "上班路上被车撞了，单位说不算工伤。",
        "工伤认定下来了，公司拖着不给停工留薪期的工资。",
    ],
    "dismissal": [
        "公司突然通知我明天不用来了，也不给补偿。",
        "干了五年被裁员，只给一个月工资的补偿。",
        "怀孕后公司找理由让我主动辞职。",
        "公司以调岗为名把我调到外地，不去就算自动离职。",
    ],
    "contract": [
        "上班八个月了，公司一直不和我签劳动合同。",
        "合同到期公司不续签，也不说原因。",
        "公司让签的合同里工资写得比实际低。",
    ],
    "gig": [
        "送外卖超时被平台罚款，申诉没有人理。",
        "平台突然封了我的骑手账号，保证金也不退。",
        "跑网约车被乘客投诉，平台不核实就扣了分。",
        "配送站要求每天必须跑满单量，否则扣钱。",
    ],
    "safety": [
        "车间粉尘很大，公司不发口罩也不装除尘设备。",
        "高温天还要在露天干活，没有防暑降温措施。",
    ],
    "women": [
        "哺乳期公司不给哺乳时间，还说要扣全勤奖。",
        "单位不给女职工安排体检，问了说没有这个规定。",
    ],
    "union_building": [
        "我们公司一百多人，想成立工会，不知道怎么办。",
        "单位工会好几年没开会员大会了。",
    ],
    "hardship": [
        "家里老人住院花了很多钱，想问工会能不能帮扶。",
        "孩子上大学学费困难，听说工会有助学金。",
    ],
}
ENQUIRIES = {
    "membership": [
        "想加入工会，请问在手机上怎么申请入会？",
        "会员卡丢了，请问去哪里补办？",
        "换了工作，工会会员关系怎么转过去？",
    ],
    "services": [
        "附近的户外劳动者驿站几点开门？",
        "工会的周末亲子活动怎么报名？",
        "职工疗休养今年什么时候报名？",
    ],
}
CATEGORY_WEIGHTS = {
    "wages": 24,
    "hours": 12,
    "social_insurance": 14,
    "injury": 6,
    "dismissal": 12,
    "contract": 7,
    "gig": 12,
    "safety": 3,
    "women": 3,
    "union_building": 3,
    "hardship": 4,
}
CONTACT_NOTES = [
    "已电话联系职工，了解了具体情况。",
    "已与职工约定到街道工会当面了解情况。",
    "已联系职工并核实用人单位信息。",
]
REPLIES = {
    "good": [
        "经街道工会协调，用人单位已补发拖欠款项，职工确认收到。",
        "经调解，双方达成一致，单位已按约定履行。",
        "已协调单位补缴，并向职工说明了查询办法。",
        "已联系用人单位说明法律规定，单位已整改。",
    ],
    "weak": [
        "已告知职工可申请劳动争议仲裁，并提供了法律援助联系方式。",
        "已转劳动保障监察部门处理，请职工留意通知。",
    ],
}
ANSWERS = {
    "membership": "可在“北京工会”H5的“入会申请”中填写，由街道（乡镇）总工会审核。",
    "services": "开放时间和活动报名请见“找驿站”和“活动”页面，也可咨询所在街道总工会。",
}
RETURN_REASONS = ["诉求发生地不在本街道辖区", "用人单位注册地和经营地均不在本街道"]
EXTEND_REASONS = ["需等待仲裁委开庭结果", "用人单位负责人出差，需另约时间协调"]
SUPERVISE_NOTES = ["请加快办理，按时答复职工", "同类诉求较多，请专题研究"]
COMMENTS = {
    "satisfied": ["街道工会很负责，谢谢", "问题解决了", ""],
    "basically": ["解决了一部分", "处理得有点慢", ""],
    "unsatisfied": ["问题还是没有解决", "一直没人管", ""],
}
# The recurring problems that come back in the last days (the detectors raise them).
CLUSTER_TEXTS = [
    "这个月工资又没发，车间里几十个人都在等。",
    "老板说资金困难，工资要拖到下个月。",
    "拖欠工资已经两个月了，工友们准备一起去讨薪。",
    "我们班组十几个人的工资都没发。",
    "又到发薪日了，工资还是没有到账。",
]
SURGE_TEXTS = [
    "平台突然调整规则，超时一分钟就罚款。",
    "站点给我们每个人都罚了款，说是差评太多。",
    "下雨送单超时，平台罚款不让申诉。",
    "平台把我们这一片的配送费降了，还要罚款。",
    "好几个骑手账号被封，站长说是平台定的。",
    "超时罚款越来越重，一单就扣了二十元。",
]

PHONE_PREFIXES = ["139", "138", "137", "136", "135", "186", "185", "158", "159", "188"]
# Districts whose handling is known to the story (others draw a quality at random).
DISTRICT_QUALITY = {
    "110102": 0.88,  # 西城
    "110108": 0.85,  # 海淀
    "110101": 0.80,  # 东城
    "110105": 0.74,  # 朝阳
    "110106": 0.60,  # 丰台
    "110115": 0.57,  # 大兴
}
# (district code, share of the city's appeals, streets that receive appeals)
DISTRICT_VOLUME = {
    "110105": (0.30, 20),
    "110108": (0.17, 14),
    "110106": (0.10, 10),
    "110102": (0.07, 8),
    "110101": (0.06, 8),
    "110114": (0.07, 8),
    "110115": (0.06, 8),
    "110112": (0.06, 8),
}
OTHER_SHARE = 0.21  # the remaining districts, evenly
OTHER_STREETS = 4
# Where the recurring problems come back (employer clusters; one street's surge).
CLUSTER_DISTRICTS = ["110105", "110108", "110106", "110115"]
SURGE_DISTRICTS = ["110105", "110114"]


@dataclass(frozen=True)
class HistoryScale:
    appeals: int
    districts: tuple[str, ...] | None  # None: every district
    streets_cap: int | None = None  # streets per district that receive appeals
    recent_share: float = 0.45  # share of intakes in the last 90 days
    skew: float = 0.15  # how much busier a district's first streets are than its last


HISTORY_SCALES = {
    # tests: 朝阳 and two neighbours; enough for 朝阳's rankings over 90 days
    "test": HistoryScale(
        appeals=800,
        districts=("110105", "110108", "110106"),
        streets_cap=12,
        recent_share=0.5,
        skew=0.03,
    ),
    # make run: every district, the busiest streets of each
    "small": HistoryScale(appeals=2000, districts=None, recent_share=0.5),
    # Beijing's volume, bulk-written (bulk_city)
    "city": HistoryScale(appeals=100_000, districts=None, recent_share=0.27),
}


class RollupMismatch(RuntimeError):
    """The roll-up written with the bulk history differs from a recount of the appeals."""


# --- actors ------------------------------------------------------------------------------------


@dataclass
class Actors:
    operator: object  # 12351: dispatches, answers enquiries, records callbacks
    handler: dict = field(default_factory=dict)  # district pk -> handler user (streets below)
    supervisor: dict = field(default_factory=dict)  # district pk -> supervisor user
    paths: dict = field(default_factory=dict)  # district path -> district pk
    own: dict = field(default_factory=dict)  # handling org pk -> its own handler

    def of(self, org: Org | None, handler, supervisor):
        """The handler of ``org`` itself and the supervisor of its district (else the
        given): handler steps count only for the handling org's own staff."""
        for path, pk in self.paths.items():
            if org is not None and org.path.startswith(path) and org.path != path:
                return self.handler_at(org), self.supervisor[pk]
        return handler, supervisor

    def handler_at(self, org: Org):
        if org.pk not in self.own:
            code = org.admin_code or f"o{org.pk}"
            name = org.short_name or org.name
            self.own[org.pk] = _user(f"demo-{code}-handler", f"{name}承办人", org, Role.HANDLER)
        return self.own[org.pk]


def _user(username: str, full_name: str, org: Org, role: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name}
    )
    if created:
        user.set_unusable_password()  # history actors only: nobody signs in as them
        user.save(update_fields=["password"])
    StaffRole.objects.get_or_create(user=user, org=org, role=role)
    return user


def _actors(districts: list[Org]) -> Actors:
    User = get_user_model()
    city = Org.objects.defer("boundary").get(kind=OrgKind.CITY)
    operator = User.objects.filter(username="demo-operator").first() or _user(
        "demo-operator", "12351话务员", city, Role.OPERATOR
    )
    for role in (Role.OPERATOR, Role.DISPATCHER):
        StaffRole.objects.get_or_create(user=operator, org=city, role=role)
    actors = Actors(operator=operator)
    for d in districts:
        actors.paths[d.path] = d.pk
        name = d.short_name or d.name
        code = d.admin_code or f"d{d.pk}"  # the development zone has no admin code
        actors.handler[d.pk] = _user(f"demo-{code}-handler", f"{name}承办人", d, Role.HANDLER)
        supervisor = User.objects.filter(
            staff_roles__org=d, staff_roles__role=Role.SUPERVISOR, username__startswith="demo-"
        ).first()
        actors.supervisor[d.pk] = supervisor or _user(
            f"demo-{code}-supervisor", f"{name}督办", d, Role.SUPERVISOR
        )
    return actors


# --- plans -----------------------------------------------------------------------------------


@dataclass
class Spec:
    at: datetime
    district: Org
    street: Org
    quality: float
    category: str
    text: str
    enquiry: bool = False
    district_only: bool = False  # the caller named only the district: a person dispatches
    employer_uscc: str = ""


def _hours(h: float) -> timedelta:
    return timedelta(hours=h)


def _working_hour(at: datetime, rng: random.Random) -> datetime:
    """Move ``at`` into office hours (08:30-18:00 Beijing time) of its day or the next."""
    local = at.astimezone(SHANGHAI)
    if local.time() < time(8, 30):
        local = local.replace(hour=8, minute=30) + timedelta(minutes=rng.randint(0, 90))
    elif local.time() > time(18, 0):
        local = (local + timedelta(days=1)).replace(hour=8, minute=30) + timedelta(
            minutes=rng.randint(0, 120)
        )
    return local


def life(spec: Spec, actors: Actors, rng: random.Random, siblings: list[Org]):
    """One appeal's plan: yields (moment, step) and receives each step's result."""
    q = spec.quality
    handler = actors.handler[spec.district.pk]
    supervisor = actors.supervisor[spec.district.pk]
    operator = actors.operator
    appeal, _created = yield (
        spec.at,
        partial(
            intake.create_appeal,
            intake.Intake(
                text=spec.text,
                phone=f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}",
                category=spec.category if not spec.enquiry else None,
                kind=Kind.ENQUIRY if spec.enquiry else Kind.COMPLAINT,
                address=spec.district.short_name
                if spec.district_only
                else f"{spec.district.short_name}{spec.street.short_name}",
                employer_uscc=spec.employer_uscc,
            ),
            actor_label="hotline",
        ),
    )
    t = spec.at
    if spec.enquiry and appeal.status == Status.RECEIVED:
        t = _working_hour(t + _hours(rng.uniform(0.2, 6)), rng)
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "answer_directly",
                actor=operator,
                answer=ANSWERS.get(spec.category, ANSWERS["services"]),
            ),
        )
        if rng.random() < 0.6:
            t += _hours(rng.uniform(2, 48))
            yield (
                t,
                partial(
                    services.evaluate,
                    appeal,
                    resolved=True,
                    satisfaction=_satisfaction(rng, q + 0.1),
                ),
            )
        return
    street = spec.street
    if appeal.status == Status.RECEIVED:  # not routed to a street: a person dispatches
        t = _working_hour(t + _hours(rng.uniform(0.5, 20)), rng)
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "dispatch",
                actor=operator,
                org_id=street.pk,
                note="按诉求发生地派单",
            ),
        )
    if appeal.status != Status.DISPATCHED:
        return
    if rng.random() < 0.06 and len(siblings) > 1:  # the street returns it: not its area
        t = _working_hour(t + _hours(rng.uniform(1, 20)), rng)
        returner = actors.of(appeal.assigned_org, handler, supervisor)[0]
        appeal = yield (
            t,
            partial(
                services.act, appeal, "return", actor=returner, reason=rng.choice(RETURN_REASONS)
            ),
        )
        street = rng.choice([s for s in siblings if s.pk != street.pk])
        t = _working_hour(t + _hours(rng.uniform(1, 10)), rng)
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "dispatch",
                actor=operator,
                org_id=street.pk,
                note="退回后改派",
            ),
        )
    # The staff of the district that actually handles it (routing may place it elsewhere).
    handler, supervisor = actors.of(appeal.assigned_org, handler, supervisor)
    dispatched = appeal.dispatched_at
    # Accept and first contact: a good street does both well within 24 hours.
    late_accept = rng.random() > 0.55 + 0.45 * q
    t = dispatched + _hours(rng.uniform(26, 60) if late_accept else rng.uniform(0.3, 10))
    appeal = yield t, partial(services.act, appeal, "accept", actor=handler)
    on_time = not late_accept and rng.random() < 0.35 + 0.6 * q
    if on_time:
        t = max(t, dispatched + _hours(rng.uniform(1, 23))) + _hours(0.1)
    else:
        t = max(t, dispatched + _hours(rng.uniform(25, 90))) + _hours(0.1)
    appeal = yield (
        t,
        partial(services.act, appeal, "contact", actor=handler, note=rng.choice(CONTACT_NOTES)),
    )
    above = appeal.assigned_org is not None and appeal.assigned_org.kind == OrgKind.STREET
    if above and rng.random() < 0.05 + 0.1 * (1 - q):  # the district supervises it
        t += _hours(rng.uniform(2, 48))
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "supervise",
                actor=supervisor,
                note=rng.choice(SUPERVISE_NOTES),
            ),
        )
    if rng.random() < 0.09:  # needs more time: asks for an extension
        t += _hours(rng.uniform(20, 80))
        days = rng.choice([5, 7, 10])
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "extend",
                actor=handler,
                days=days,
                reason=rng.choice(EXTEND_REASONS),
            ),
        )
        t += _hours(rng.uniform(2, 20))
        if rng.random() < 0.85:
            appeal = yield (
                t,
                partial(services.act, appeal, "extension/approve", actor=supervisor),
            )
        else:
            appeal = yield (
                t,
                partial(
                    services.act, appeal, "extension/reject", actor=supervisor, reason="理由不充分"
                ),
            )
    for round_ in range(3):
        due = appeal.resolve_by
        late = rng.random() > 0.3 + 0.68 * q
        if late:
            t = max(t, due) + _hours(rng.uniform(20, 200))
        else:
            t = max(t + _hours(4), min(due - _hours(1), t + timedelta(days=rng.uniform(1, 6))))
        good = rng.random() < 0.45 + 0.5 * q
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "resolve",
                actor=handler,
                reply=rng.choice(REPLIES["good" if good else "weak"]),
            ),
        )
        solved = rng.random() < (0.55 + 0.42 * q if good else 0.3) + 0.15 * round_
        satisfaction = _satisfaction(rng, q if solved else q - 0.5)
        how = rng.random()
        if how < 0.72:  # the worker rates it in the H5
            t += _hours(rng.uniform(1, 60))
            appeal = yield (
                t,
                partial(
                    services.evaluate,
                    appeal,
                    resolved=solved,
                    satisfaction=satisfaction,
                    comment=rng.choice(COMMENTS[satisfaction]),
                ),
            )
        elif how < 0.96:  # the operator calls back after the callback task is made
            t = _working_hour(t + timedelta(days=rng.uniform(3.2, 5)), rng)
            appeal = yield (
                t,
                partial(
                    services.record_callback,
                    appeal,
                    actor=operator,
                    resolved=solved,
                    satisfaction=satisfaction,
                    comment=rng.choice(COMMENTS[satisfaction]),
                ),
            )
        else:
            return  # never rated: stays 已办结
        if appeal.status != Status.ACCEPTED or round_ == 2:  # closed, or still not solved
            return
        t += _hours(rng.uniform(1, 20))  # reopened: contact again
        appeal = yield (
            t,
            partial(
                services.act,
                appeal,
                "contact",
                actor=handler,
                note="职工反映问题未解决，已再次联系。",
            ),
        )


def _satisfaction(rng: random.Random, q: float) -> str:
    q = min(max(q, 0.0), 1.0)
    r = rng.random()
    if r < 0.2 + 0.7 * q:
        return "satisfied"
    if r < 0.45 + 0.5 * q:
        return "basically"
    return "unsatisfied"


# --- the story ---------------------------------------------------------------------------------


def _streets_by_district(scale: HistoryScale, rng: random.Random) -> dict[Org, tuple[float, list]]:
    """Return {district: (share of appeals, [(street, weight, quality)])}."""
    districts = list(
        Org.objects.filter(kind=OrgKind.DISTRICT, admin_code__isnull=False)
        .defer("boundary")
        .order_by("admin_code")
    )
    if scale.districts is not None:
        districts = [d for d in districts if d.admin_code in scale.districts]
    named = {code for code in DISTRICT_VOLUME}
    others = [d for d in districts if d.admin_code not in named]
    result = {}
    for d in districts:
        share, cap = DISTRICT_VOLUME.get(d.admin_code, (OTHER_SHARE / max(len(others), 1), 0))
        cap = cap or OTHER_STREETS
        if scale.streets_cap:
            cap = scale.streets_cap
        quality = DISTRICT_QUALITY.get(d.admin_code, rng.uniform(0.62, 0.84))
        streets = list(
            Org.objects.filter(kind=OrgKind.STREET, parent=d).defer("boundary").order_by("path")
        )
        if not streets:
            continue
        # The story's streets first (望京 in 朝阳), then the rest in a fixed shuffle.
        rng.shuffle(streets)
        streets.sort(key=lambda s: s.admin_code != "110105026")
        chosen = streets[:cap]
        rows = []
        for i, s in enumerate(chosen):
            weight = 1 / (1 + scale.skew * i)  # a few busy streets, a tail of quiet ones
            q = min(max(rng.gauss(quality, 0.12), 0.35), 0.97)
            rows.append((s, weight, q))
        result[d] = (share, rows)
    total = sum(share for share, _rows in result.values())
    return {d: (share / total, rows) for d, (share, rows) in result.items()}


def _intake_time(rng: random.Random, now: datetime, recent_share: float) -> datetime:
    days = rng.uniform(0, 90) if rng.random() < recent_share else rng.uniform(90, 364)
    at = now - timedelta(days=days)
    local = at.astimezone(SHANGHAI)
    # Calls come in office hours mostly; a few in the evening.
    hour = rng.choices(
        [8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 21], weights=[4, 9, 9, 8, 7, 8, 8, 7, 5, 3, 1]
    )[0]
    local = local.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return min(local, now - timedelta(minutes=5))


def plan(scale: HistoryScale, rng: random.Random, now: datetime) -> tuple[list[Spec], dict]:
    """The specs of the year's appeals in intake order, and the districts' streets."""
    by_district = _streets_by_district(scale, rng)
    districts = list(by_district)
    shares = [by_district[d][0] for d in districts]
    categories, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    specs = []
    for _i in range(scale.appeals):
        d = rng.choices(districts, weights=shares)[0]
        rows = by_district[d][1]
        street, _w, q = rng.choices(rows, weights=[w for _s, w, _q in rows])[0]
        at = _intake_time(rng, now, scale.recent_share)
        if rng.random() < 0.08:
            category = rng.choice(list(ENQUIRIES))
            specs.append(
                Spec(at, d, street, q, category, rng.choice(ENQUIRIES[category]), enquiry=True)
            )
            continue
        category = rng.choices(categories, weights=weights)[0]
        text = f"我在{street.short_name}附近上班，{rng.choice(TEXTS[category])}"
        specs.append(Spec(at, d, street, q, category, text, district_only=rng.random() < 0.12))
    specs += _recurring(by_district, rng, now)
    specs.sort(key=lambda s: s.at)
    return specs, by_district


def _recurring(by_district, rng: random.Random, now: datetime) -> list[Spec]:
    """One employer per cluster district with wage appeals that recur (one every month or
    two) and pile up in the last five days; a street's surge of platform fines today."""
    specs = []
    for d, (_share, rows) in by_district.items():
        street, _w, q = rows[0]
        if d.admin_code in CLUSTER_DISTRICTS:
            firm = (
                Enterprise.objects.filter(street__parent=d, union__isnull=False)
                .order_by("pk")
                .first()
                or Enterprise.objects.filter(street__parent=d).order_by("pk").first()
            )
            if firm is not None:
                # Earlier months: now and then one of its workers calls.
                for months in (2, 4, 7, 10):
                    at = _intake_time(rng, now - timedelta(days=30 * months), 1.0)
                    at = min(at, now - timedelta(days=30 * months - 20))
                    specs.append(
                        Spec(
                            at,
                            d,
                            firm.street,
                            q,
                            "wages",
                            f"我在{firm.name}上班，{CLUSTER_TEXTS[0]}",
                            employer_uscc=firm.uscc,
                        )
                    )
                for j, text in enumerate(CLUSTER_TEXTS[1:]):
                    at = now - timedelta(days=4.5 - j, hours=rng.uniform(0, 3))
                    specs.append(
                        Spec(
                            at,
                            d,
                            firm.street,
                            q,
                            "wages",
                            f"我在{firm.name}上班，{text}",
                            employer_uscc=firm.uscc,
                        )
                    )
        # The last hours: calls that named only the district wait to be dispatched.
        for j in range(2):
            category = rng.choice(["wages", "social_insurance"])
            text = f"我在{street.short_name}附近上班，{rng.choice(TEXTS[category])}"
            at = now - timedelta(hours=0.5 + 1.2 * j)
            specs.append(Spec(at, d, street, q, category, text, district_only=True))
        if d.admin_code in SURGE_DISTRICTS:
            # Today: five couriers of one street report platform fines within hours.
            for j, text in enumerate(SURGE_TEXTS[:5]):
                at = now - timedelta(hours=20 - 3.5 * j)
                specs.append(
                    Spec(at, d, street, q, "gig", f"我在{street.short_name}送外卖，{text}")
                )
    return specs


@dataclass
class HistoryResult:
    appeals: int = 0
    steps: int = 0
    skipped: dict = field(default_factory=dict)  # steps refused (code: count), not hidden
    warnings: int = 0
    by_status: dict = field(default_factory=dict)


def seed_history(
    scale_name: str = "small",
    *,
    rng: random.Random,
    now: datetime | None = None,
    progress: bool = False,
) -> HistoryResult:
    """Write a year of appeals up to ``now`` through the real services; run the sweeps on
    the same clock and the warning detectors at the end."""
    from gonghui.warnings import services as warnings

    scale = HISTORY_SCALES[scale_name]
    now = now or timezone.now()
    specs, by_district = plan(scale, rng, now)
    actors = _actors(
        list(Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary").order_by("path"))
    )
    siblings = {d.pk: [s for s, _w, _q in rows] for d, (_sh, rows) in by_district.items()}
    first_outbox = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_notice = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = HistoryResult()
    seq = itertools.count()
    heap: list = []
    for spec in specs:
        gen = life(
            spec, actors, random.Random(rng.random()), siblings.get(spec.district.pk, [spec.street])
        )
        at, step = next(gen)
        heapq.heappush(heap, (at, next(seq), gen, step))
    # The sweeps run every morning at 07:00 Beijing time, as the worker would.
    sweep_at = (specs[0].at.astimezone(SHANGHAI) + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    # One unit per appeal, counted when its life is over (done, or waiting past today).
    bar = tqdm(total=len(heap), disable=not progress, desc="demo appeals (a year)", unit="appeal")
    # The roll-up is recounted once at the end (metrics.deferred) instead of after every
    # step: the same rows, a third less time.
    with metrics.deferred():
        _play(heap, seq, now, sweep_at, result, bar)
    bar.close()
    result.warnings = warnings.run_detectors(now=now, force=True)
    with transaction.atomic():
        # The year's text messages were sent at their time, and its notices read: the
        # first start must not text thousands of old receipts nor fill every inbox.
        OutboxMessage.objects.filter(
            pk__gt=first_outbox, status=OutboxMessage.Status.PENDING
        ).update(status=OutboxMessage.Status.SENT, sent_at=now)
        Notice.objects.filter(pk__gt=first_notice).update(read_at=now)
    from django.db.models import Count

    from gonghui.appeals.models import Appeal

    result.appeals = len(specs)
    result.by_status = dict(Appeal.objects.values_list("status").annotate(n=Count("id")))
    return result


def _play(heap: list, seq, now: datetime, sweep_at: datetime, result, bar) -> None:
    """Run the steps in time order, and the worker's morning sweeps between them."""
    while heap:
        at, _n, gen, step = heapq.heappop(heap)
        if at >= now:  # planned for the future: the appeal stays where it is
            bar.update(1)
            gen.close()
            continue
        while sweep_at <= at:
            sweeps.mark_overdue(now=sweep_at)
            sweeps.create_callbacks(now=sweep_at)
            sweep_at += timedelta(days=1)
        try:
            value = step(now=at)
            result.steps += 1
        except (ServiceError, ValidationError) as exc:
            action = step.args[1] if len(step.args) > 1 else step.func.__name__
            key = f"{action}:{getattr(exc, 'code', '')}"
            result.skipped[key] = result.skipped.get(key, 0) + 1
            bar.update(1)
            gen.close()
            continue
        try:
            next_at, next_step = gen.send(value)
        except StopIteration:
            bar.update(1)
            continue
        heapq.heappush(heap, (max(next_at, at + timedelta(seconds=1)), next(seq), gen, next_step))
    while sweep_at <= now:
        sweeps.mark_overdue(now=sweep_at)
        sweeps.create_callbacks(now=sweep_at)
        sweep_at += timedelta(days=1)
    sweeps.mark_overdue(now=now)
