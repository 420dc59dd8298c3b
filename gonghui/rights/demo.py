"""Demo data for rights protection: a year of mediation and legal-aid cases in every
district with past timestamps, every case with the rows real use would leave (its
timeline, clocks, claims and figures). The mediation cases are built in memory and
bulk-inserted with the legal-aid cases (a round trip per step made seeding take a
minute at small scale); the lawyers, a few dozen, go through the services. Some are collective (and
raise the district's early warning), some agreements are not kept, some cases go on
to arbitration or a court. Deterministic for a given seed.

Scale: Beijing's unions took about 115,000 disputes and 13,000 legal-aid cases in five
years, so ``city`` makes a year of that (23,000 and 2,600); ``small`` a few per district.
Phone numbers come from a counter in the 147 block and belong to nobody.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker
from tqdm import tqdm

from gonghui.core.generations import bump
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights import clocks, conflicts, legal_aid, rollups, services
from gonghui.rights.choices import (
    AidOutcome,
    AidStatus,
    Channel,
    ClaimKind,
    DisputeOutcome,
    DisputeStatus,
)
from gonghui.rights.models import (
    AidCase,
    AidEvent,
    Applicant,
    Claim,
    Dispute,
    DisputeEvent,
    Party,
    Session,
)
from gonghui.rights.workflow import AID, DISPUTE


@dataclass(frozen=True)
class Scale:
    disputes: int
    aid_cases: int


SCALES = {
    "small": Scale(disputes=204, aid_cases=51),
    "city": Scale(disputes=23_000, aid_cases=2_600),
}
CLAIM_WEIGHTS = [
    (ClaimKind.WAGES, 40),
    (ClaimKind.OVERTIME, 15),
    (ClaimKind.SEVERANCE, 20),
    (ClaimKind.DOUBLE_PAY, 8),
    (ClaimKind.INJURY, 6),
    (ClaimKind.SOCIAL_INSURANCE, 8),
    (ClaimKind.OTHER, 3),
]
FACTS = {
    ClaimKind.WAGES: "单位拖欠工资，多次催要未果。",
    ClaimKind.OVERTIME: "长期加班未支付加班费。",
    ClaimKind.SEVERANCE: "单位解除劳动合同未支付经济补偿。",
    ClaimKind.DOUBLE_PAY: "入职后单位一直未签书面劳动合同。",
    ClaimKind.INJURY: "工作中受伤，单位不支付工伤待遇。",
    ClaimKind.SOCIAL_INSURANCE: "单位未依法缴纳社会保险。",
    ClaimKind.OTHER: "其他劳动权益争议。",
}


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=SHANGHAI)


def seed_rights(
    scale_name: str = "small", *, seed_value: int = 12351, progress: bool = False, actor=None
) -> dict:
    """Make a year of cases; return how many of each kind were made."""
    scale = SCALES[scale_name]
    rng = random.Random(seed_value + 13)
    fake = Faker("zh_CN")
    fake.seed_instance(seed_value + 13)
    actor = actor or get_user_model().objects.get(username="demo-admin")
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary").order_by("path"))
    streets: dict[int, list[Org]] = {}
    for street in Org.objects.filter(kind=OrgKind.STREET).defer("boundary").order_by("path"):
        streets.setdefault(street.parent_id, []).append(street)
    employers = list(Enterprise.objects.order_by("pk").values_list("name", "uscc", "pk")[:5000])
    today = timezone.localdate()
    phone_seq = iter(range(10_000_000))

    def phone() -> str:
        return f"147{next(phone_seq):08d}"

    def employer3() -> tuple[str, str, int | None]:
        if employers and rng.random() < 0.7:
            return employers[rng.randrange(len(employers))]
        return fake.company(), "", None

    def employer() -> tuple[str, str]:
        return employer3()[:2]

    counts = {
        "disputes": 0,
        "collective": 0,
        "agreed": 0,
        "defaulted": 0,
        "referred": 0,
        "lawyers": 0,
        "aid_cases": 0,
    }
    with transaction.atomic():
        lawyers: dict[int, list] = {}
        for district in districts:
            own = streets.get(district.pk, [])[:6]
            for j in range(2):
                name, uscc = employer()
                lawyers.setdefault(district.pk, []).append(
                    legal_aid.create_lawyer(
                        owner=district,
                        name=fake.name(),
                        firm=f"北京市{fake.last_name()}{rng.choice(['律师事务所', '（朝阳）律师事务所'])}",
                        phone=phone(),
                        orgs=own[j::2],
                        engagements=[{"party_name": name, "party_uscc": uscc}],
                        actor=actor,
                    )
                )
                counts["lawyers"] += 1
        per_district = max(1, scale.disputes // len(districts))
        bar = tqdm(
            total=per_district * len(districts),
            disable=not progress,
            desc="rights disputes",
            unit="case",
        )
        built = _Disputes(actor)
        for district in districts:
            bodies = streets.get(district.pk) or [district]
            for _i in range(per_district):
                built.add(rng, fake, district, bodies, employer3, phone, today, counts)
                bar.update(1)
        bar.close()
        built.write()
        per_district = max(1, scale.aid_cases // len(districts))
        aid = _AidCases(actor)
        for district in districts:
            bodies = streets.get(district.pk) or [district]
            for _i in range(per_district):
                aid.add(
                    rng, fake, bodies, employer3, phone, today, lawyers.get(district.pk, []), counts
                )
        aid.write()
    return counts


class _Disputes:
    """The demo's mediation cases, built in memory and written with a few bulk inserts:
    each case the rows the services would have left (the case, its applicants, claims,
    sessions and timeline, the figures' roll-up), without a round trip per step."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.label = actor.get_username()
        self.cases: list[tuple[Dispute, list, list, list, list]] = []

    def add(self, rng, fake, district, bodies, employer, phone, today, counts) -> None:
        received = today - timedelta(days=rng.randint(1, 365))
        body = district if rng.random() < 0.2 else bodies[rng.randrange(len(bodies))]
        collective = rng.random() < 0.03
        kinds = list(dict.fromkeys(_pick(rng, CLAIM_WEIGHTS) for _ in range(rng.randint(1, 3))))
        amounts = {k: Decimal(rng.randint(20, 600) * 100) for k in kinds}
        (name, uscc, enterprise_id) = employer()
        people = [(fake.name(), phone()) for _ in range(3 if collective else 1)]
        at = _at(received, rng)
        oral = rng.random() < 0.3
        known = received - timedelta(days=rng.randint(5, 200))
        ended = received - timedelta(days=rng.randint(1, 60)) if rng.random() < 0.6 else None
        d = Dispute(
            channel=Channel.ORAL if oral else Channel.WRITTEN,
            status=DisputeStatus.RECEIVED,
            org=body,
            org_path=body.path,
            district=district,
            employer_name=name,
            employer_uscc=uscc,
            enterprise_id=enterprise_id,
            facts=FACTS[kinds[0]],
            workers_count=rng.randint(10, 60) if collective else 1,
            collective=collective,
            urgent=collective,
            oral_taken_by=self.actor if oral else None,
            received_at=at,
            received_on=received,
            arbitration_right_from=clocks.arbitration_right_from(received),
            known_since=known,
            employment_ended_on=ended,
            limitation_until=clocks.limitation_until(
                kinds=set(kinds), known_since=known, employment_ended_on=ended
            ),
            claimed_total=sum(amounts.values(), Decimal("0")),
        )
        applicants = [
            Applicant(dispute=d, name=n, phone=ph, representative=collective and i == 0)
            for i, (n, ph) in enumerate(people)
        ]
        claims = {k: Claim(dispute=d, kind=k, amount=v) for k, v in amounts.items()}
        sessions: list[Session] = []
        events: list[DisputeEvent] = []
        self.cases.append((d, applicants, list(claims.values()), sessions, events))
        note = _("口头申请，由%(who)s当场记录。") % {"who": self.label} if oral else _("书面申请。")
        self._event(d, events, "receive", at, note)
        counts["disputes"] += 1
        counts["collective"] += collective
        age = (today - received).days

        def step(action: str, days: int, note: str = "", **data) -> bool:
            if days > age:
                return False
            when = at + timedelta(days=days)
            target = DISPUTE[action].target
            if action == "accept":
                d.accepted_at = when
            elif action == "session":
                sessions.append(
                    Session(dispute=d, at=when, place=data["place"], attendees=data["attendees"])
                )
            elif action == "agree":
                for k, v in data["items"].items():
                    claims[k].agreed = v
                d.agreed_at, d.perform_by = when, data["perform_by"]
                d.agreed_total = sum(data["items"].values(), Decimal("0"))
                d.signed_worker, d.signed_employer = people[0][0], name
                d.signed_mediator = self.label
            elif action == "refer":
                d.referred_to, d.external_no = data["to"], data.get("external_no", "")
            elif action == "close":
                for k, v in data.get("recovered", {}).items():
                    claims[k].recovered = v
                d.outcome = data["outcome"]
                d.recovered_total = sum(data.get("recovered", {}).values(), Decimal("0"))
                d.closed_at = when
            self._event(d, events, action, when, note, target=target)
            return True

        if rng.random() < 0.05:
            step("refuse", 1, "不属于劳动争议调解范围")
            return
        if not step("accept", rng.randint(0, 2)):
            return
        session_day = rng.randint(2, 8)
        step(
            "session",
            session_day,
            place=f"{body.display_name}职工服务中心",
            attendees="申请人、用人单位代表、调解员",
        )
        fate = rng.random()
        if fate < 0.62:
            agree_day = session_day + rng.randint(0, 6)
            share = rng.choice([Decimal("0.6"), Decimal("0.75"), Decimal("0.9"), Decimal("1")])
            items = {k: (v * share).quantize(Decimal("0.01")) for k, v in amounts.items()}
            perform_day = agree_day + rng.randint(7, 30)
            perform_by = received + timedelta(days=perform_day)
            if not step("agree", agree_day, items=items, perform_by=perform_by):
                return
            counts["agreed"] += 1
            if rng.random() < 0.85:
                if step("performed", perform_day):
                    step(
                        "close", perform_day + 1, outcome=DisputeOutcome.PERFORMED, recovered=items
                    )
            elif step("default", perform_day + 1):
                counts["defaulted"] += 1
                if rng.random() < 0.5 and step("refer", perform_day + 5, to="arbitration"):
                    counts["referred"] += 1
        elif fate < 0.85:
            to = "arbitration" if rng.random() < 0.8 else "court"
            number = f"京劳人仲字[{received.year}]第{rng.randint(100, 9999)}号"
            if step("refer", 16 + rng.randint(0, 10), to=to, external_no=number):
                counts["referred"] += 1
                outcome = (
                    DisputeOutcome.ARBITRATION if to == "arbitration" else DisputeOutcome.COURT
                )
                step("close", 30, outcome=outcome)
        elif fate < 0.95 and step("withdraw", session_day + 1, "双方自行和解"):
            step("close", session_day + 2, outcome=DisputeOutcome.WITHDRAWN)

    def _event(self, d: Dispute, events: list, action: str, at, note: str, *, target=None):
        from_status = d.status
        if target:
            d.status = target
        events.append(
            DisputeEvent(
                dispute=d,
                at=at,
                actor=self.actor,
                actor_label=self.label[:100],
                action=action,
                from_status=from_status if action != "receive" else "",
                to_status=d.status,
                note=note,
                public=True,
            )
        )

    def write(self) -> None:
        """Insert every case and its rows; raise the collective cases' warnings."""
        by_year: dict[int, list[Dispute]] = {}
        for d, *_rows in self.cases:
            by_year.setdefault(d.received_on.year, []).append(d)
        for year, cases in by_year.items():
            for d, no in zip(
                cases, services.reserve_case_numbers("TJ", year, len(cases)), strict=True
            ):
                d.case_no = no
        disputes = Dispute.objects.bulk_create([c[0] for c in self.cases], batch_size=2000)
        for i, model in enumerate((Applicant, Claim, Session, DisputeEvent), start=1):
            model.objects.bulk_create([r for c in self.cases for r in c[i]], batch_size=5000)
        through = Dispute.mediators.through
        through.objects.bulk_create(
            [through(dispute_id=d.pk, user_id=self.actor.pk) for d in disputes if d.accepted_at],
            batch_size=5000,
        )
        rollups.add_all(disputes)
        for d in disputes:
            if d.collective:
                services._raise_collective_warning(d, d.district, at=d.received_at)


class _AidCases:
    """The demo's legal-aid cases, built in memory and bulk-inserted like the disputes;
    the screen and the conflict check are the services' own (read-only) functions."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.label = actor.get_username()
        self.cases: list[tuple[AidCase, list[AidEvent]]] = []
        self.parties: list[Party] = []

    def add(self, rng, fake, bodies, employer, phone, today, lawyers, counts) -> None:
        received = today - timedelta(days=rng.randint(1, 365))
        at = _at(received, rng)
        name, uscc, enterprise_id = employer()
        groups = [rng.choice(["migrant", "gig", "injury"])] if rng.random() < 0.5 else []
        matter = rng.choice(list(FACTS.values()))
        income = Decimal(rng.randint(18, 90) * 100)
        criteria = legal_aid.screen(
            local=True, matter=matter, employer_name=name, income=income, groups=groups
        )
        case = AidCase(
            org=bodies[rng.randrange(len(bodies))],
            status=AidStatus.SCREENING,
            applicant_name=fake.name(),
            applicant_phone=phone(),
            employer_name=name,
            employer_uscc=uscc,
            enterprise_id=enterprise_id,
            matter=matter,
            monthly_income=income,
            groups=groups,
            eligibility=criteria,
            eligible=legal_aid._eligible(criteria),
            received_at=at,
        )
        case.org_path = case.org.path
        events: list[AidEvent] = []
        self.cases.append((case, events))
        self._event(case, events, "intake", at, "；".join(c["reason"] for c in criteria))
        counts["aid_cases"] += 1
        age = (today - received).days
        if not case.eligible:
            if age > 2:
                case.reject_reason, case.referral = "收入不符合经济困难标准", "区法律援助中心"
                self._event(case, events, "reject", at + timedelta(days=2), case.reject_reason)
            return
        if age < 2 or not lawyers:
            return
        for lawyer in rng.sample(lawyers, len(lawyers)):
            if not conflicts.check(name=name, uscc=uscc, lawyer_id=lawyer.pk):
                break
        else:
            return
        case.lawyer = lawyer
        note = _("指派律师：%(name)s（%(firm)s）") % {"name": lawyer.name, "firm": lawyer.firm}
        self._event(case, events, "assign", at + timedelta(days=2), note)
        if age > 10:
            self._event(case, events, "serve", at + timedelta(days=10), "代写仲裁申请书并出庭")
        if age > 60:
            case.outcome = rng.choice(AidOutcome.values[:4])
            case.recovered_total = Decimal(rng.randint(20, 400) * 100)
            case.closed_at = at + timedelta(days=60)
            self._event(case, events, "close", case.closed_at, "")
            norm = conflicts.normalise(case.applicant_name)
            self.parties.append(
                Party(
                    source=Party.Source.CASE,
                    lawyer=lawyer,
                    name=case.applicant_name,
                    norm=norm,
                    pinyin=conflicts.pinyin_of(norm),
                    case_ref=case,  # replaced by the case number on writing
                )
            )

    def _event(self, case: AidCase, events: list, action: str, at, note: str) -> None:
        from_status = case.status
        target = AID[action].target if action in AID else None
        if target:
            case.status = target
        events.append(
            AidEvent(
                case=case,
                at=at,
                actor=self.actor,
                actor_label=self.label[:100],
                action=action,
                from_status=from_status if action != "intake" else "",
                to_status=case.status,
                note=note,
                public=True,
            )
        )

    def write(self) -> None:
        by_year: dict[int, list[AidCase]] = {}
        for case, _events in self.cases:
            by_year.setdefault(services.local_date(case.received_at).year, []).append(case)
        for year, cases in by_year.items():
            for case, no in zip(
                cases, services.reserve_case_numbers("YZ", year, len(cases)), strict=True
            ):
                case.case_no = no
        created = AidCase.objects.bulk_create([c for c, _e in self.cases], batch_size=2000)
        AidEvent.objects.bulk_create([e for _c, ev in self.cases for e in ev], batch_size=5000)
        for party in self.parties:
            party.case_ref = party.case_ref.case_no
        if self.parties:
            Party.objects.bulk_create(self.parties, batch_size=5000)
            bump(conflicts.GENERATION)
        rollups.add_all(created)
