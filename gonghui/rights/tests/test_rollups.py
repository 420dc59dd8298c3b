"""The daily roll-up kept by the services equals a recount from the cases, and the
figures read from it equal the figures counted from the cases themselves."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command

from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org
from gonghui.rights import legal_aid, rollups, services, stats
from gonghui.rights.models import DailyFigures, Dispute
from gonghui.rights.workflow import DISPUTE

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _rows() -> dict:
    """The roll-up's rows that count something, keyed by their cell."""
    out = {}
    for r in DailyFigures.objects.filter(cases__gt=0):
        key = (r.path, r.day, r.kind, r.status)
        out[key] = (
            r.cases,
            r.agreements,
            r.referred,
            r.collective,
            r.claimed,
            r.recovered,
            r.agreement_us,
        )
    return out


def _step_data(action: str, day: date, rng: random.Random) -> dict:
    amount = str(rng.choice([800, 1500, 3200.5]))
    return {
        "refuse": {"reason": "不属于劳动争议"},
        "session": {"place": "调解室", "attendees": "双方", "at": _at(day).isoformat()},
        "agree": {
            "items": [{"kind": "wages", "amount": amount}],
            "perform_by": (day + timedelta(days=7)).isoformat(),
        },
        "refer": {"to": rng.choice(["arbitration", "court"]), "external_no": "京朝劳仲123"},
        "close": {"outcome": "performed", "recovered": [{"kind": "wages", "amount": amount}]},
    }.get(action, {})


def _random_cases(personas, seed: int) -> None:
    rng = random.Random(seed)
    bodies = [personas["street_handler"], personas["outsider"]]
    for i in range(24):
        who = rng.choice(bodies)
        day = START + timedelta(days=rng.randrange(60))
        workers = rng.choice([1, 1, 12])
        applicants = [{"name": "吴磊", "phone": f"1365555{i:04d}"}]
        d = services.create_dispute(
            services.DisputeIntake(
                channel="written",
                applicants=applicants,
                employer_name="北京某公司",
                claims=[{"kind": "wages", "amount": "3000"}, {"kind": "overtime", "amount": "200"}],
                facts="拖欠工资。",
                workers_count=workers,
            ),
            org=who.org,
            actor=who.user,
            now=_at(day),
        )
        later = day
        for _ in range(rng.randrange(6)):
            steps = [t.action for t in DISPUTE.allowed(Dispute.objects.get(pk=d.pk), who.user)]
            if not steps:
                break
            action = rng.choice(steps)
            later += timedelta(days=rng.randrange(1, 9), hours=rng.randrange(5))
            services.act(
                d,
                action,
                actor=who.user,
                now=_at(later, 9 + rng.randrange(8)),
                **_step_data(action, later, rng),
            )
    lawyer = legal_aid.create_lawyer(
        owner=bodies[0].org,
        name="陈律师",
        firm="某所",
        phone="13511112222",
        positions=[],
        orgs=[],
        engagements=[],
        actor=bodies[0].user,
    )
    for i in range(6):
        # Late in the evening Beijing time: the local day is not the UTC day.
        day = START + timedelta(days=rng.randrange(60))
        case = legal_aid.create_aid_case(
            org=bodies[0].org,
            applicant={"name": "赵敏", "phone": f"1382222{i:04d}"},
            employer={"name": "北京某保洁服务有限公司"},
            matter="公司拖欠工资。",
            monthly_income="3000",
            actor=bodies[0].user,
            now=_at(day, 23),
        )
        if i % 3 == 0:
            legal_aid.act(case, "reject", actor=bodies[0].user, reason="不符", referral="司法局")
        elif i % 3 == 1:
            legal_aid.assign(case, lawyer_id=lawyer.pk, actor=bodies[0].user)
            legal_aid.act(
                case, "close", actor=bodies[0].user, outcome="mediated", recovered="900.5"
            )


@pytest.mark.parametrize("seed", [1, 2])
def test_it_keeps_the_roll_up_equal_to_a_recount(personas, seed):
    _random_cases(personas, seed)
    kept = _rows()
    assert kept, "the services wrote no roll-up rows"
    rows = rollups.rebuild()
    assert _rows() == kept
    assert rows >= len(kept)


def test_it_reads_the_same_figures_as_a_count_of_the_cases(personas):
    _random_cases(personas, 3)
    orgs = [
        Org.objects.get(parent__isnull=True),
        personas["district_supervisor"].org,
        personas["street_handler"].org,
        personas["outsider"].org,
    ]
    periods = [
        (START, START + timedelta(days=90)),
        (START + timedelta(days=20), START + timedelta(days=40)),
    ]
    for org in orgs:
        for start, end in periods:
            assert stats.figures(org, start, end) == stats.figures_from_cases(org, start, end), (
                org.name,
                start,
            )
    city = stats.figures(orgs[0], *periods[0])
    assert city["disputes"] == 24 and city["legal_aid"] == 6


def test_it_rebuilds_from_the_command_with_a_progress_bar(personas, capsys):
    _random_cases(personas, 4)
    kept = _rows()
    DailyFigures.objects.all().delete()
    call_command("rebuild_rights_figures")
    out, err = capsys.readouterr()
    assert "rebuilt" in out and "rights figures" in err
    assert _rows() == kept
