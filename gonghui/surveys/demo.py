"""Demo surveys and needs: a needs survey across 朝阳's members with a few thousand
answers (bulk-created, every one checked by the same evaluator as a submit), an
anonymous satisfaction survey of the stations, a station survey made in the console
builder (rating and matrix questions), a screening form in draft, and needs
lists in a few enterprises' unions with items open, overdue and closed."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.surveys import forms, services, tallies, templates_xlsx
from gonghui.surveys.choices import NeedStatus
from gonghui.surveys.models import AnonymousResponse, Need, NeedNote, Response

RESPONSES = {"small": 2_000, "city": 5_000}


def _random_answers(definition: dict, rng: random.Random) -> dict:
    out: dict = {}
    for q in definition["questions"]:
        kind = q["type"]
        choices = [c["name"] for c in definition["choices"].get(q.get("list", ""), [])]
        if kind == "select_one":
            out[q["name"]] = rng.choice(choices)
        elif kind == "select_multiple":
            out[q["name"]] = rng.sample(choices, rng.randint(1, min(2, len(choices))))
        elif kind == "rank":
            out[q["name"]] = rng.sample(choices, len(choices))
        elif kind == "integer":
            out[q["name"]] = rng.randint(18, 60)
        elif kind == "decimal":
            out[q["name"]] = round(rng.uniform(6, 12), 1)
        elif kind == "date":
            out[q["name"]] = (
                timezone.localdate() - timedelta(days=rng.randint(30, 3000))
            ).isoformat()
        elif kind == "rating":
            # Skewed towards the top, as satisfaction answers are.
            top = int(q.get("max", 5))
            out[q["name"]] = min(top, max(1, round(rng.triangular(1, top, top - 1))))
        elif kind == "matrix":
            out[q["name"]] = {r["name"]: rng.choice(choices) for r in q.get("rows", [])}
        elif kind == "text" and rng.random() < 0.3:
            out[q["name"]] = rng.choice(["希望增加托育服务", "食堂价格偏高", "13812345678"])
    out["district"], out["street"] = "cy", "wj"
    return out


def _answers(definition: dict, rng: random.Random, n: int) -> list[dict]:
    rows = []
    while len(rows) < n:
        try:
            rows.append(forms.clean_answers(definition, _random_answers(definition, rng)))
        except ValidationError:
            continue
    return rows


def seed(*, rng: random.Random, scale_name: str = "small") -> dict:
    admin = get_user_model().objects.filter(username="demo-district").first()
    chaoyang = Org.objects.get(admin_code="110105")
    streets = list(Org.objects.filter(parent=chaoyang).defer("boundary")[:40])
    n = RESPONSES.get(scale_name, 2_000)
    with transaction.atomic():
        needs_survey, _v = services.import_xlsform(
            admin, chaoyang, templates_xlsx.build("needs"), "needs.xlsx", anonymous=False
        )
        if admin:
            services.set_survey_status(admin, needs_survey.pk, "open")
        needs_survey.refresh_from_db()
        version = needs_survey.current
        Response.objects.bulk_create(
            [
                Response(
                    survey=needs_survey,
                    version=version,
                    org=(street := rng.choice(streets)),
                    org_path=street.path,
                    answers=answers,
                    seconds=rng.uniform(40, 400),
                    possible_machine=rng.random() < 0.01,
                )
                for answers in _answers(version.definition, rng, n)
            ],
            batch_size=2000,
        )
        sat, _v = services.import_xlsform(
            admin,
            chaoyang,
            templates_xlsx.build("satisfaction"),
            "satisfaction.xlsx",
            anonymous=True,
            audience="public",
        )
        if admin:
            services.set_survey_status(admin, sat.pk, "open")
            services.create_distribution(admin, sat, "驿站海报")
        sat.refresh_from_db()
        today = timezone.localdate()
        AnonymousResponse.objects.bulk_create(
            [
                AnonymousResponse(
                    survey=sat,
                    version=sat.current,
                    org_path="/".join(rng.choice(streets).path.split("/")[:4]) + "/",
                    answers=answers,
                    submitted_on=today - timedelta(days=rng.randint(0, 30)),
                )
                for answers in _answers(sat.current.definition, rng, n // 4)
            ],
            batch_size=2000,
        )
        station = _seed_built_survey(rng, admin, chaoyang, streets, n // 4)
        # Bulk-created answers are counted once, in SQL.
        tallies.rebuild(needs_survey)
        tallies.rebuild(sat)
        tallies.rebuild(station)
        services.import_xlsform(
            admin, chaoyang, templates_xlsx.build("screening"), "screening.xlsx", anonymous=False
        )
        needs = _seed_needs(rng, admin, streets[:4])
    return {"survey_responses": n + 2 * (n // 4), "needs": needs}


# A survey made in the console builder, so a new user sees rating and matrix charts.
STATION_ROWS = [
    {"type": "section", "name": "use", "label": "使用情况"},
    {
        "type": "select_one",
        "name": "used",
        "label": "近一个月是否去过职工驿站",
        "required": True,
        "choices": "yes=去过\nno=没去过",
    },
    {"type": "section", "name": "rate", "label": "驿站评价", "relevant": "${used} = 'yes'"},
    {"type": "rating", "name": "stars", "label": "总体评分", "required": True, "scale": "5"},
    {
        "type": "matrix",
        "name": "grid",
        "label": "各项服务评价",
        "required": True,
        "choices": "good=满意\nok=一般\nbad=不满意",
        "rows": "water=饮水\nrest=休息座位\ncharge=手机充电\nwarm=冬季取暖",
    },
    {
        "type": "select_multiple",
        "name": "wants",
        "label": "希望增加的服务",
        "choices": "wifi=无线网络\nmicrowave=微波炉\nmedicine=常用药品\nlocker=储物柜",
    },
    {"type": "text", "name": "say", "label": "其他建议"},
]


def _seed_built_survey(rng: random.Random, admin, chaoyang: Org, streets: list[Org], n: int):
    survey, _v = services.create_from_builder(
        admin, chaoyang, "职工驿站服务体验评价", STATION_ROWS, anonymous=False
    )
    if admin:
        services.set_survey_status(admin, survey.pk, "open")
    survey.refresh_from_db()
    Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                version=survey.current,
                org=(street := rng.choice(streets)),
                org_path=street.path,
                answers=answers,
                seconds=rng.uniform(30, 300),
            )
            for answers in _answers(survey.current.definition, rng, n)
        ],
        batch_size=2000,
    )
    return survey


NEEDS = [
    "增设快递员休息点",
    "职工食堂延长供餐",
    "开设子女暑期托管班",
    "更换更衣室储物柜",
    "组织职业技能培训",
    "夏季防暑降温用品",
    "夜班通勤班车",
    "法律咨询进企业",
]


def _seed_needs(rng: random.Random, actor, orgs: list[Org]) -> int:
    today = timezone.localdate()
    made = 0
    for org in orgs:
        for i, title in enumerate(rng.sample(NEEDS, 5)):
            status = [
                NeedStatus.OPEN,
                NeedStatus.IN_PROGRESS,
                NeedStatus.REPLIED,
                NeedStatus.CLOSED,
                NeedStatus.CLOSED,
            ][i]
            due = today + timedelta(days=rng.randint(-10, 20))
            need = Need.objects.create(
                org=org,
                org_path=org.path,
                title=title,
                due=due,
                status=status,
                source=rng.choice(["visit", "meeting", "survey"]),
                created_by=actor,
                assignee="" if status == NeedStatus.OPEN else "行政部",
                reply="已协调解决" if status in (NeedStatus.REPLIED, NeedStatus.CLOSED) else "",
                worker_word="solved" if status == NeedStatus.CLOSED else "",
                closed_at=timezone.now() if status == NeedStatus.CLOSED else None,
            )
            NeedNote.objects.create(need=need, action="create", actor=actor)
            made += 1
    return made
