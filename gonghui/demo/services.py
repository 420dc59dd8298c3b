"""Deterministic demo data: the real union tree plus generated enterprises, unions and staff.

Names come from Faker's zh_CN locale. The real worker questions in shared/data contain
real names and are never used here.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from stdnum.cn import uscc as uscc_number
from tqdm import tqdm

from gonghui.core import generations
from gonghui.orgs.choices import Industry, OrgKind, Ownership, Role, SizeBand
from gonghui.orgs.importers import import_beijing_tree
from gonghui.orgs.models import Enterprise, Org, PairedContact, StaffRole
from gonghui.orgs.services import fill_paths
from gonghui.stations.demo import seed_positions

DEMO_PASSWORD = "demo12351"


@dataclass(frozen=True)
class Scale:
    enterprises: int
    grassroots: int
    area_joint: int
    mobile_joint_per_district: int
    industry: int


SMALL_TREE = Scale(
    enterprises=600, grassroots=200, area_joint=34, mobile_joint_per_district=1, industry=4
)
SCALES = {
    # tests: the small tree with a few hundred appeals in three districts (history.py)
    "test": SMALL_TREE,
    # make run and tests: every real district and street, a few hundred of the rest
    "small": SMALL_TREE,
    # Beijing as in domain.md: ~6,600 grassroots unions, 220,000 employers, 1,125 area
    # joint unions, 355 mobile-member joint unions
    "city": Scale(
        enterprises=220_000,
        grassroots=6_600,
        area_joint=1_125,
        mobile_joint_per_district=21,
        industry=40,
    ),
}

# (username, full name, role(s), where): the fixed demo logins in the README.
DEMO_STAFF = [
    ("demo-admin", "市总管理员", [Role.ADMIN, Role.SUPERVISOR], "110000"),
    ("demo-operator", "12351话务员", [Role.OPERATOR, Role.DISPATCHER], "110000"),
    ("demo-district", "朝阳区总工会督办", [Role.SUPERVISOR], "110105"),
    ("demo-street", "望京街道承办人", [Role.HANDLER], "110105026"),
    ("demo-outsider", "中关村街道承办人", [Role.HANDLER], "110108011"),
]

SIZE_WEIGHTS = [
    (SizeBand.MICRO, 45),
    (SizeBand.SMALL, 40),
    (SizeBand.MEDIUM, 12),
    (SizeBand.LARGE, 3),
]
OWNERSHIP_WEIGHTS = [
    (Ownership.NON_PUBLIC, 78),
    (Ownership.STATE, 8),
    (Ownership.COLLECTIVE, 3),
    (Ownership.FOREIGN, 6),
    (Ownership.INSTITUTION, 5),
]
INDUSTRY_UNIONS = [
    "快递行业联合工会",
    "外卖配送行业联合工会",
    "网约车行业联合工会",
    "货运行业联合工会",
    "家政服务行业联合工会",
    "医疗卫生工会",
    "教育工会",
    "建筑业联合工会",
]
BUILDING_SUFFIXES = ["大厦", "中心", "广场", "科技园", "产业园", "商务楼宇"]
DEPARTMENTS = ["组织部", "权益保障部", "经济技术部", "办公室", "女职工部", "宣传教育部"]


@dataclass
class SeedResult:
    orgs: int = 0
    enterprises: int = 0
    users: int = 0
    members: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.orgs + self.enterprises + self.users + self.members


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _uscc(seq: int, district_code: str) -> str:
    body = "91" + district_code + f"{seq:09d}"
    return body + uscc_number.calc_check_digit(body)


def _bulk_orgs(orgs: list[Org], parents: list[Org]) -> list[Org]:
    for org, parent in zip(orgs, parents, strict=True):
        org.path = ""
        org.parent = parent
    created = Org.objects.bulk_create(orgs, batch_size=2000)
    by_parent: dict[int, list[Org]] = {}
    for org, parent in zip(created, parents, strict=True):
        by_parent.setdefault(parent.pk, []).append(org)
    parents_by_id = {p.pk: p for p in parents}
    for pid, children in by_parent.items():
        fill_paths(children, parents_by_id[pid])
    return created


def seed(
    scale_name: str = "small",
    *,
    seed_value: int = 12351,
    progress: bool = False,
    appeals: bool = False,
) -> SeedResult:
    """Load the demo data; deterministic for a given scale and seed. ``appeals`` adds
    demo appeals and the warnings they raise (``seed_demo`` does, tests mostly not)."""
    scale = SCALES[scale_name]
    # The apps' own demos know small and city; ``test`` differs only in its appeals.
    apps_scale = "small" if scale_name == "test" else scale_name
    rng = random.Random(seed_value)
    fake = Faker("zh_CN")
    fake.seed_instance(seed_value)
    result = SeedResult()

    with transaction.atomic():
        tree = import_beijing_tree(progress=progress)
        result.orgs += tree.total
        districts = list(Org.objects.filter(kind=OrgKind.DISTRICT, admin_code__isnull=False))
        bda = Org.objects.get(kind=OrgKind.DISTRICT, admin_code__isnull=True)
        streets = list(Org.objects.filter(kind=OrgKind.STREET).select_related("parent"))

        # Area joint unions (parks and office buildings) and mobile-member joint unions.
        joint: list[Org] = []
        joint_parents: list[Org] = []
        for i in range(scale.area_joint):
            street = streets[i % len(streets)] if i < len(streets) else rng.choice(streets)
            name = f"{street.short_name}{fake.last_name()}{rng.choice(BUILDING_SUFFIXES)}联合工会"
            joint.append(Org(name=name, kind=OrgKind.AREA_JOINT))
            joint_parents.append(street)
        for district in districts + [bda]:
            district_streets = [s for s in streets if s.parent_id == district.pk]
            for j in range(scale.mobile_joint_per_district):
                parent = (
                    district_streets[j % len(district_streets)] if district_streets else district
                )
                joint.append(
                    Org(name=f"{parent.short_name}流动会员联合工会", kind=OrgKind.MOBILE_JOINT)
                )
                joint_parents.append(parent)
        for k in range(scale.industry):
            district = districts[k % len(districts)]
            label = INDUSTRY_UNIONS[k % len(INDUSTRY_UNIONS)]
            joint.append(Org(name=f"{district.short_name}{label}", kind=OrgKind.INDUSTRY))
            joint_parents.append(district)
        joint = _bulk_orgs(joint, joint_parents)
        result.orgs += len(joint)
        area_by_street: dict[int, list[Org]] = {}
        for org, parent in zip(joint, joint_parents, strict=True):
            if org.kind == OrgKind.AREA_JOINT:
                area_by_street.setdefault(parent.pk, []).append(org)

        # Enterprises, a share of them with their own grassroots union.
        ents: list[Enterprise] = []
        bar = tqdm(total=scale.enterprises, disable=not progress, desc="enterprises", unit="row")
        district_code = {d.pk: d.admin_code for d in districts}
        for seq in range(scale.enterprises):
            street = streets[rng.randrange(len(streets))]
            ents.append(
                Enterprise(
                    name=fake.company(),
                    uscc=_uscc(seq + 1, district_code[street.parent_id]),
                    industry=rng.choice(Industry.values),
                    size_band=_weighted(rng, SIZE_WEIGHTS),
                    ownership=_weighted(rng, OWNERSHIP_WEIGHTS),
                    address=f"北京市{street.parent.short_name}{street.short_name}{fake.street_name()}{rng.randint(1, 300)}号",
                    street=street,
                )
            )
            if len(ents) >= 5000:
                Enterprise.objects.bulk_create(ents)
                bar.update(len(ents))
                ents = []
        if ents:
            Enterprise.objects.bulk_create(ents)
            bar.update(len(ents))
        bar.close()
        generations.bump("enterprises")  # bulk_create sends no signal: say it here
        result.enterprises = scale.enterprises

        # Grassroots unions for the larger enterprises first, as organising drives do.
        candidates = list(
            Enterprise.objects.filter(union=None)
            .order_by("-size_band", "pk")
            .values_list("pk", "name", "street_id")[: scale.grassroots * 3]
        )
        rng.shuffle(candidates)
        chosen = candidates[: scale.grassroots]
        street_by_id = {s.pk: s for s in streets}
        unions = [
            Org(name=f"{name}工会委员会", kind=OrgKind.GRASSROOTS) for _pk, name, _s in chosen
        ]
        unions = _bulk_orgs(unions, [street_by_id[s] for _pk, _n, s in chosen])
        result.orgs += len(unions)
        links = [Enterprise(pk=pk, union=u) for (pk, _n, _s), u in zip(chosen, unions, strict=True)]
        # Small employers in a street with a park or building union join that union.
        for pk, street_id in Enterprise.objects.filter(
            union=None, size_band__in=[SizeBand.MICRO, SizeBand.SMALL]
        ).values_list("pk", "street_id"):
            parks = area_by_street.get(street_id)
            if parks and rng.random() < 0.5:
                links.append(Enterprise(pk=pk, union=rng.choice(parks)))
        for i in tqdm(
            range(0, len(links), 5000), disable=not progress, desc="coverage", unit="batch"
        ):
            Enterprise.objects.bulk_update(links[i : i + 5000], ["union"])

        # Paired contact: most streets have a district department assigned.
        contacts = [
            PairedContact(district=s.parent, street=s, department=rng.choice(DEPARTMENTS))
            for s in streets
            if rng.random() < 0.86
        ]
        PairedContact.objects.bulk_create(contacts)

        result.users = _demo_staff()
        stations = seed_positions(apps_scale, rng=rng, fake=fake, progress=progress)
        # Members, applications, transfers and organising (the members app's demo).
        from gonghui.members.demo import seed_members

        result.members = seed_members(apps_scale, seed_value=seed_value, progress=progress)
        # Relief, hardship files and mutual aid (the care app's demo; about 40 rows).
        from gonghui.care.demo import seed as seed_care

        seed_care(rng=random.Random(seed_value + 15))
    history = None
    if appeals:
        # A year of appeals through the real state machine, and the warnings they raise.
        from gonghui.demo.history import seed_history

        history = seed_history(
            "small" if scale_name == "city" else scale_name,
            rng=random.Random(seed_value + 11),
            progress=progress,
        )
    # Laws and curated answers (the warnings demo adds no appeals once the history has).
    from gonghui.warnings import demo as warnings_demo

    warnings_demo.seed(rng=rng, progress=progress, appeals=appeals)
    rights = {}
    if appeals:
        # A year of mediation and legal-aid cases, made through the rights services.
        from gonghui.rights.demo import seed_rights

        rights = seed_rights(apps_scale, seed_value=seed_value, progress=progress)
        # Health checks, collective contracts and the riders' round table (issue 14).
        from gonghui.rights import demo_issue14

        rights.update(demo_issue14.seed(apps_scale, seed_value=seed_value, progress=progress))
    # Surveys with their answers and the needs lists (the surveys app's demo).
    from gonghui.surveys import demo as surveys_demo

    surveys_counts = surveys_demo.seed(rng=rng, scale_name=apps_scale)
    result.counts = {kind: Org.objects.filter(kind=kind).count() for kind in OrgKind.values} | {
        "enterprises": Enterprise.objects.count(),
        "members": _count_members(),
    }
    result.counts["stations"] = stations
    if history is not None:
        result.counts["appeals"] = history.appeals
        result.counts["warnings"] = history.warnings
    result.counts.update({f"rights_{k}": v for k, v in rights.items()})
    result.counts.update(surveys_counts)
    return result


def _count_members() -> int:
    from gonghui.members.models import Member

    return Member.objects.count()


def _demo_staff() -> int:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    for username, full_name, roles, code in DEMO_STAFF:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"first_name": full_name, "password": password, "is_active": True},
        )
        org = Org.objects.get(admin_code=code)
        for role in roles:
            StaffRole.objects.get_or_create(user=user, org=org, role=role)
    return len(DEMO_STAFF)
