"""Demo data for membership and organising: members across the real streets (a share of
them gig workers by platform), applications in every state, transfers, founding cases,
meetings and a drive plan per district. Deterministic for a given seed.

ID numbers are generated with a valid check digit (``testing.make_id_number``'s rule)
and phone numbers from a counter: they belong to nobody. Names come from Faker.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import transaction
from faker import Faker
from stdnum.cn import ric
from tqdm import tqdm

from gonghui.core.workdays import SHANGHAI, add_working_days
from gonghui.members.choices import (
    ApplicationStatus,
    Employment,
    FoundingStep,
    Gender,
    GigPlatform,
    JobType,
    MeetingKind,
    MemberStatus,
    PeriodEnd,
    PeriodStart,
    TransferStatus,
)
from gonghui.members.models import (
    DrivePlan,
    DriveTask,
    FoundingCase,
    FoundingStepRecord,
    IndustryJobUnion,
    JoinApplication,
    Meeting,
    Member,
    MemberEvent,
    MembershipPeriod,
    NumberCounter,
    RoutingRule,
    Transfer,
)
from gonghui.members.routing import DEFAULT_RULES
from gonghui.members.services import today
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org


@dataclass(frozen=True)
class Scale:
    members: int
    applications: int
    transfers: int
    founding_cases: int
    meetings: int


SCALES = {
    "small": Scale(members=800, applications=80, transfers=12, founding_cases=30, meetings=60),
    "city": Scale(
        members=200_000, applications=3_000, transfers=600, founding_cases=700, meetings=4_000
    ),
}

GIG_SHARE = 0.21  # 393,000 of 1.885 million new members in Beijing's five years
# (platform, job type, weight): the platforms Beijing's gig workers mostly work for.
GIG_MIX = [
    (GigPlatform.MEITUAN, JobType.FOOD_DELIVERY, 26),
    (GigPlatform.ELEME, JobType.FOOD_DELIVERY, 14),
    (GigPlatform.SF, JobType.COURIER, 10),
    (GigPlatform.JD, JobType.COURIER, 10),
    (GigPlatform.ZTO, JobType.COURIER, 8),
    (GigPlatform.DIDI, JobType.RIDE_HAILING, 14),
    (GigPlatform.HUOLALA, JobType.TRUCK, 8),
    (GigPlatform.FIFTY_EIGHT, JobType.DOMESTIC, 6),
    (GigPlatform.OTHER, JobType.OTHER, 4),
]
JOB_OF_INDUSTRY_UNION = {
    "快递": JobType.COURIER,
    "外卖": JobType.FOOD_DELIVERY,
    "网约车": JobType.RIDE_HAILING,
    "货运": JobType.TRUCK,
    "家政": JobType.DOMESTIC,
}
BIRTH_DAYS = 14_000  # birth dates from 1965 on: (birth day, order) pairs are unique
BATCH = 5_000
# District codes that existed under the same number since before 1965.
STABLE_REGIONS = ("110101", "110102", "110105", "110106", "110107", "110108")


def demo_id_number(i: int, region: str, male: bool) -> str:
    """Return the i-th demo ID number: unique for i < 7 million, valid check digit."""
    birth = date(1965, 1, 1) + timedelta(days=i % BIRTH_DAYS)
    order = (i // BIRTH_DAYS) * 2 + (1 if male else 0)
    body = f"{_region_valid_in(region, birth.year)}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


@cache
def _region_valid_in(region: str, year: int) -> str:
    """Return ``region`` if it was a county code in ``year``, else an old urban district.

    Outer districts were counties with other codes until the 1990s-2010s, and an ID's
    region code must be one valid in the birth year (python-stdnum checks it).
    """
    for code in (region, *STABLE_REGIONS):
        body = f"{code}{year}0101001"
        if ric.is_valid(body + ric.calc_check_digit(body + "0")):
            return code
    raise ValueError(f"no valid region code for {region} in {year}")


def demo_phone(i: int) -> str:
    return f"1{[39, 58, 86, 37][i % 4]}{i:08d}"[:11]


def _district_code(district: Org) -> str:
    return (district.admin_code or "110000")[:6]


def clear() -> None:
    """Remove this app's rows (used by tests that re-seed the same database)."""
    for model in (
        Transfer,
        JoinApplication,
        MemberEvent,
        MembershipPeriod,
        Member,
        FoundingStepRecord,
        FoundingCase,
        Meeting,
        DriveTask,
        DrivePlan,
        IndustryJobUnion,
        NumberCounter,
    ):
        model.objects.all().delete()


def seed_members(scale_name: str, *, seed_value: int = 12351, progress: bool = False) -> int:
    """Load the members demo on top of the seeded tree; return the number of rows made."""
    scale = SCALES[scale_name]
    rng = random.Random(seed_value + 6)
    fake = Faker("zh_CN")
    fake.seed_instance(seed_value + 6)
    with transaction.atomic():
        return _seed(scale, rng, fake, progress)


def _seed(scale: Scale, rng: random.Random, fake: Faker, progress: bool) -> int:
    rows = 0
    # A flushed database (browser tests) has lost the rules the data migration loaded.
    if not RoutingRule.objects.exists():
        RoutingRule.objects.bulk_create(
            [RoutingRule(priority=p, target=t, note=n) for p, t, n in DEFAULT_RULES]
        )
    districts = {o.pk: o for o in Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary")}
    streets = list(Org.objects.filter(kind=OrgKind.STREET).defer("boundary").order_by("path"))
    holders = list(
        Org.objects.filter(kind__in=[OrgKind.GRASSROOTS, OrgKind.AREA_JOINT, OrgKind.MOBILE_JOINT])
        .defer("boundary")
        .order_by("path")
    )
    mobile_by_street = {
        o.parent_id: o for o in Org.objects.filter(kind=OrgKind.MOBILE_JOINT).defer("boundary")
    }
    industry = list(Org.objects.filter(kind=OrgKind.INDUSTRY).defer("boundary").order_by("path"))
    links = []
    for org in industry:
        for word, job in JOB_OF_INDUSTRY_UNION.items():
            if word in org.name:
                links.append(IndustryJobUnion(org=org, job_type=job))
    IndustryJobUnion.objects.bulk_create(links)
    rows += len(links)
    industry_by_job: dict[tuple[int, str], Org] = {}
    for link in links:
        industry_by_job[(link.org.parent_id, link.job_type)] = link.org
    ents = list(
        Enterprise.objects.filter(union__isnull=False)
        .values_list("pk", "name", "union_id", "street_id")
        .order_by("pk")
    )
    orgs_by_id = {o.pk: o for o in holders}
    street_by_id = {s.pk: s for s in streets}

    def district_of(org: Org) -> Org:
        return districts[int(org.path.split("/")[2])]

    # --- members -----------------------------------------------------------------------------
    end = today()
    start = date(end.year - 5, 1, 1)
    span = (end - start).days
    counters: dict[str, int] = {}
    bar = tqdm(total=scale.members, disable=not progress, desc="members", unit="row")
    batch: list[Member] = []
    for i in range(scale.members):
        gig = rng.random() < GIG_SHARE
        street = streets[rng.randrange(len(streets))]
        if gig:
            platform, job, _w = rng.choices(GIG_MIX, weights=[w for *_x, w in GIG_MIX])[0]
            org = (
                industry_by_job.get((street.parent_id, job))
                or mobile_by_street.get(street.pk)
                or street
            )
            employer = ""
            enterprise_id = None
        else:
            platform = job = ""
            if ents:
                pk, employer, union_id, street_id = ents[rng.randrange(len(ents))]
                org = orgs_by_id.get(union_id) or street_by_id[street_id]
                enterprise_id = pk
            else:
                employer, enterprise_id, org = fake.company(), None, street
        male = rng.random() < 0.58
        joined = start + timedelta(days=rng.randrange(span))
        prefix = f"{_district_code(district_of(org))}{joined.year}"
        counters[prefix] = counters.get(prefix, 0) + 1
        number = f"{prefix}{counters[prefix]:07d}"
        status = rng.choices(
            [MemberStatus.ACTIVE, MemberStatus.LAPSED, MemberStatus.ENDED], weights=[94, 4, 2]
        )[0]
        batch.append(
            Member(
                name=fake.name_male() if male else fake.name_female(),
                id_number=demo_id_number(i, _district_code(district_of(street)), male),
                phone=demo_phone(i),
                gender=Gender.MALE if male else Gender.FEMALE,
                birth_date=date(1965, 1, 1) + timedelta(days=i % BIRTH_DAYS),
                org=org,
                member_number=number,
                status=status,
                joined_on=joined,
                employment=Employment.GIG if gig else Employment.EMPLOYEE,
                enterprise_id=enterprise_id,
                employer_name=employer,
                gig_platform=platform,
                job_type=job,
                street=street,
                source="demo",
            )
        )
        if len(batch) >= BATCH or i == scale.members - 1:
            created = Member.objects.bulk_create(batch)
            periods = []
            for m in created:
                if m.status == MemberStatus.ACTIVE:
                    periods.append(
                        MembershipPeriod(
                            member=m,
                            org=m.org,
                            started_on=m.joined_on,
                            start_reason=PeriodStart.JOINED,
                        )
                    )
                else:
                    stop = min(end, m.joined_on + timedelta(days=rng.randrange(30, 700)))
                    reason = (
                        PeriodEnd.LAPSED if m.status == MemberStatus.LAPSED else PeriodEnd.ENDED
                    )
                    periods.append(
                        MembershipPeriod(
                            member=m,
                            org=m.org,
                            started_on=m.joined_on,
                            start_reason=PeriodStart.JOINED,
                            ended_on=stop,
                            end_reason=reason,
                        )
                    )
            MembershipPeriod.objects.bulk_create(periods)
            rows += len(created) + len(periods)
            bar.update(len(batch))
            batch = []
    bar.close()
    NumberCounter.objects.bulk_create(
        [NumberCounter(prefix=p, last=n) for p, n in sorted(counters.items())]
    )

    # --- transfers: completed ones keep the periods contiguous --------------------------------
    movers = list(
        Member.objects.filter(status=MemberStatus.ACTIVE, source="demo")
        .order_by("pk")
        .values_list("pk", "org_id", "joined_on")[: scale.transfers * 3]
    )
    rng.shuffle(movers)
    now = datetime.combine(end, time(10), tzinfo=SHANGHAI)
    kinds = [TransferStatus.COMPLETED] * 2 + [
        TransferStatus.REQUESTED,
        TransferStatus.RELEASED,
        TransferStatus.REJECTED,
    ]
    for n, (pk, org_id, joined) in enumerate(movers[: scale.transfers]):
        target = holders[rng.randrange(len(holders))]
        if target.pk == org_id:
            continue
        status = kinds[n % len(kinds)]
        on = min(end, joined + timedelta(days=rng.randrange(60, 900)))
        Transfer.objects.create(
            member_id=pk,
            from_org_id=org_id,
            to_org=target,
            reason="换了工作",
            status=status,
            requested_by="demo",
            release_by=add_working_days(now, 5),
            released_at=now if status != TransferStatus.REQUESTED else None,
            decided_at=now
            if status in (TransferStatus.COMPLETED, TransferStatus.REJECTED)
            else None,
            decision_note="本单位查无此人" if status == TransferStatus.REJECTED else "",
        )
        rows += 1
        if status == TransferStatus.COMPLETED:
            MembershipPeriod.objects.filter(member_id=pk, ended_on=None).update(
                ended_on=on, end_reason=PeriodEnd.TRANSFERRED_OUT
            )
            MembershipPeriod.objects.create(
                member_id=pk, org=target, started_on=on, start_reason=PeriodStart.TRANSFERRED_IN
            )
            Member.objects.filter(pk=pk).update(org=target)
            rows += 1

    # --- applications in every state ------------------------------------------------------
    statuses = (
        [ApplicationStatus.PENDING] * 5
        + [ApplicationStatus.APPROVED] * 3
        + [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]
    )
    apps = []
    base = scale.members + 10
    for k in range(scale.applications):
        street = streets[rng.randrange(len(streets))]
        platform, job, _w = rng.choices(GIG_MIX, weights=[w for *_x, w in GIG_MIX])[0]
        male = rng.random() < 0.6
        org = (
            industry_by_job.get((street.parent_id, job))
            or mobile_by_street.get(street.pk)
            or street
        )
        status = statuses[k % len(statuses)]
        submitted = now - timedelta(days=rng.randrange(0, 12), hours=rng.randrange(0, 8))
        due = add_working_days(submitted, 5)
        apps.append(
            JoinApplication(
                name=fake.name_male() if male else fake.name_female(),
                id_number=demo_id_number(
                    base + k, _district_code(districts[street.parent_id]), male
                ),
                phone=demo_phone(base + k),
                gender=Gender.MALE if male else Gender.FEMALE,
                birth_date=date(1965, 1, 1) + timedelta(days=(base + k) % BIRTH_DAYS),
                org=org,
                route_note="新就业形态劳动者：由该职业的行业联合工会受理"
                if org.kind == OrgKind.INDUSTRY
                else "由居住街道的流动会员联合工会受理",
                status=status,
                due_at=due,
                overdue=status == ApplicationStatus.PENDING and due < now,
                decided_at=None
                if status == ApplicationStatus.PENDING
                else submitted + timedelta(days=1),
                reason="未在本市就业" if status == ApplicationStatus.REJECTED else "",
                employment=Employment.GIG,
                gig_platform=platform,
                job_type=job,
                street=street,
            )
        )
    JoinApplication.objects.bulk_create(apps)
    rows += len(apps)
    # Backdate creation so the queue shows ages (auto_now_add ignores the value given).
    for a in apps:
        JoinApplication.objects.filter(pk=a.pk).update(created_at=a.due_at - timedelta(days=7))

    # --- organising: founding cases, meetings, a drive plan per district ------------------
    bare = list(
        Enterprise.objects.filter(union__isnull=True)
        .select_related("street")
        .order_by("-size_band", "pk")[: scale.founding_cases * 2]
    )
    rng.shuffle(bare)
    steps = [
        FoundingStep.CONTACT,
        FoundingStep.PREPARATION,
        FoundingStep.ELECTION,
        FoundingStep.APPROVAL,
    ]
    for n, ent in enumerate(bare[: scale.founding_cases]):
        reached = steps[: 1 + n % len(steps)]
        opened = end - timedelta(days=rng.randrange(20, 200))
        case = FoundingCase.objects.create(
            enterprise=ent, org=ent.street, step=reached[-1], owner=fake.name(), opened_on=opened
        )
        FoundingStepRecord.objects.bulk_create(
            [
                FoundingStepRecord(
                    case=case, step=s, done_on=opened + timedelta(days=7 * j), owner=case.owner
                )
                for j, s in enumerate(reached)
            ]
        )
        rows += 1 + len(reached)
    meetings = []
    for _n in range(scale.meetings):
        street = streets[rng.randrange(len(streets))]
        kind = MeetingKind.WORKER if rng.random() < 0.64 else MeetingKind.ENTERPRISE
        attendance = rng.randint(15, 120)
        meetings.append(
            Meeting(
                kind=kind,
                held_on=end - timedelta(days=rng.randrange(0, 330)),
                place=f"{street.short_name}{rng.choice(['职工之家', '党群服务中心', '暖心驿站', '会议室'])}",
                org=street,
                attendance=attendance,
                members_recruited=rng.randint(0, attendance // 3),
                unions_founded=rng.randint(0, 2) if kind == MeetingKind.ENTERPRISE else 0,
                outcomes="宣讲入会政策，现场扫码入会",
            )
        )
    Meeting.objects.bulk_create(meetings)
    rows += len(meetings)
    for district in sorted(districts.values(), key=lambda d: d.path):
        plan = DrivePlan.objects.create(
            org=district,
            title=f"{district.short_name or district.name}工会加强年",
            starts_on=date(end.year, 1, 1),
            ends_on=date(end.year, 12, 31),
        )
        DriveTask.objects.bulk_create(
            [
                DriveTask(
                    plan=plan,
                    number=1,
                    title="发展新就业形态劳动者入会",
                    metric="new_gig_members",
                    target=1500,
                    owner="组织部",
                ),
                DriveTask(
                    plan=plan,
                    number=2,
                    title="建设暖心驿站",
                    metric="stations_built",
                    target=30,
                    owner="职工服务中心",
                    reported=rng.randint(0, 30),
                ),
                DriveTask(
                    plan=plan,
                    number=3,
                    title="建设母婴关爱室",
                    metric="mother_baby_rooms_built",
                    target=15,
                    owner="女职工部",
                    reported=rng.randint(0, 15),
                ),
                DriveTask(
                    plan=plan,
                    number=4,
                    title="新建非公企业工会",
                    metric="non_public_unions",
                    target=67,
                    owner="组织部",
                ),
                DriveTask(
                    plan=plan,
                    number=5,
                    title="召开职工沟通会",
                    metric="worker_meetings",
                    target=40,
                    owner="各街道",
                ),
                DriveTask(
                    plan=plan,
                    number=6,
                    title="开展送温暖、送清凉走访",
                    metric="manual",
                    target=2000,
                    owner="职工服务中心",
                    reported=rng.randint(0, 2000),
                ),
            ]
        )
        rows += 7
    return rows
