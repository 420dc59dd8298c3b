"""Load N generated appeals straight into PostgreSQL with COPY, for benchmarks and demos.

Not through the API: each appeal's life is simulated (dispatch, accept, first contact,
resolve, the worker's evaluation, a reopen when "not solved") and cut at the present
moment, so status, deadlines, timestamps, overdue flags and evaluation fields agree
with each other as the state machine would have left them. Appeals fall on the last
12 months (ending yesterday, fewer on weekends and holidays), handled by all 339
street and 17 district federations. Ticket numbers continue each day's counter and the
counters are raised to match. Phones come from a fixed set of valid mobiles, encrypted
once. No timeline events, notices or audit rows are written.

Finally ``DailyStat`` is recounted from scratch with one grouped INSERT ... SELECT,
the same counts as ``metrics.rebuild()`` (the ``appeals_metrics`` benchmark checks
that they agree). Rows go in by batches (``--batch``), each one transaction with its
days' ticket counters, COPYed on a second connection while the next batch is
generated; an interrupted load leaves whole batches and matching counters behind
(run ``rebuild_appeal_stats`` then).
"""

import math
import queue
import random
import threading
import time
from datetime import date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from gonghui.appeals.choices import Category, Channel, Kind, Satisfaction, Status, Urgency
from gonghui.appeals.models import Appeal
from gonghui.core import pii
from gonghui.core.workdays import add_working_days, is_workday
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

HOUR = 3600
DAY = 86400

COLUMNS = [
    "id",
    "ticket_no",
    "channel",
    "kind",
    "category",
    "urgency",
    "status",
    "text",
    "worker_id",
    "phone",
    "phone_hash",
    "name",
    "anonymous",
    "address",
    "lat",
    "lng",
    "district_id",
    "street_id",
    "employer_name",
    "employer_uscc",
    "enterprise_id",
    "grassroots_union_id",
    "dispatcher_org_id",
    "assigned_org_id",
    "route_reason",
    "accept_by",
    "contact_by",
    "resolve_by",
    "dispatched_at",
    "accepted_at",
    "contacted_at",
    "resolved_at",
    "closed_at",
    "return_count",
    "reopen_count",
    "extension_count",
    "supervised",
    "overdue_accept",
    "overdue_contact",
    "overdue_resolve",
    "reply",
    "eval_resolved",
    "eval_satisfaction",
    "eval_comment",
    "evaluated_at",
    "merged_into_id",
    "idempotency_key",
    "created_at",
    "updated_at",
]

CHANNELS = [
    (Channel.HOTLINE, 70),
    (Channel.H5, 12),
    (Channel.MINIPROGRAM, 8),
    (Channel.TRANSFER_12345, 4),
    (Channel.WEB, 3),
    (Channel.WALK_IN, 2),
    (Channel.LETTER, 1),
]
KINDS = [(Kind.HELP, 45), (Kind.ENQUIRY, 35), (Kind.COMPLAINT, 17), (Kind.SUGGESTION, 3)]
URGENCIES = [(Urgency.NORMAL, 87), (Urgency.COMPLEX, 8), (Urgency.URGENT, 5)]
# (contact hours, resolve working days), as the default DeadlinePolicy rows
DEADLINES = {Urgency.NORMAL: (24, 7), Urgency.URGENT: (2, 1), Urgency.COMPLEX: (24, 15)}
CATEGORIES = [
    (Category.WAGES, 28, "拖欠工资", "公司已经拖欠我们{n}个月工资了，老板一直说资金周转不开"),
    (Category.SOCIAL_INSURANCE, 12, "社保", "入职{n}个月了单位一直没有缴纳社会保险和公积金"),
    (Category.DISMISSAL, 10, "辞退", "公司突然口头通知辞退我，工作了{n}年没有任何经济补偿"),
    (Category.CONTRACT, 8, "合同", "工作{n}个月了公司一直不签劳动合同，还扣着我的证件"),
    (Category.HOURS, 8, "加班", "每天加班到晚上十点，连续{n}周没有休息日，也没有加班费"),
    (Category.GIG, 7, "骑手", "我是外卖骑手，平台这个月扣了我{n}百元罚款，申诉没人处理"),
    (Category.INJURY, 6, "工伤", "在工地受伤{n}周了，单位不给申请工伤认定，医药费自己垫付"),
    (Category.MEMBERSHIP, 5, "入会", "想加入工会成为会员，单位有{n}百多人还没有建会"),
    (Category.PROCEDURE, 4, "仲裁", "准备申请劳动仲裁，涉及{n}万元，想申请工会法律援助"),
    (Category.SAFETY, 3, "安全", "车间{n}台机器没有防护装置，工人们担心出安全事故"),
    (Category.WOMEN, 2, "孕期", "怀孕{n}个月被公司调岗降薪，还让我主动辞职"),
    (Category.HARDSHIP, 2, "帮扶", "家里老人重病住院{n}个月，医疗费负担很重，申请困难帮扶"),
    (Category.EMPLOYMENT, 1, "求职", "失业{n}个月了，想参加工会组织的技能培训和招聘会"),
    (Category.SERVICES, 1, "驿站", "附近的户外劳动者服务站已经关闭{n}天了，希望尽快恢复"),
    (Category.UNION_BUILDING, 1, "建会", "我们单位有{n}十名职工，想成立工会，需要什么手续"),
    (Category.FEEDBACK, 1, "意见", "对工会工作人员的服务态度有意见，打了{n}次电话没人接"),
    (Category.OTHER, 1, "其他", "想了解工会的{n}项普惠服务都有哪些，怎么申请"),
]
PLACES = ["朝阳区", "海淀区", "丰台区", "通州区", "大兴区", "昌平区", "顺义区", "西城区"]
TAILS = ["，请工会帮忙协调。", "，希望尽快处理。", "，不知道该怎么办。", "，请问怎么维权？"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
EMPLOYERS = [
    "建筑劳务有限公司",
    "餐饮管理有限公司",
    "物流有限公司",
    "科技有限公司",
    "物业管理有限公司",
]
MOBILE_PREFIXES = ["139", "138", "137", "136", "135", "150", "151", "158", "159", "186", "188"]
REPLY = "已联系职工并与用人单位沟通，问题已按有关规定处理，请职工关注后续进展。"
ROUTE_NOTE_STREET = "所在地街道（乡镇）总工会"
ROUTE_NOTE_DISTRICT = "所在地区级总工会"


def weighted(rng: random.Random, pairs: list) -> list:
    """A list of 1,000 draws to pick from with rng.choice: fast weighted choice."""
    values = [p[0] if len(p) == 2 else p for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(values, weights=weights, k=1000)


class Clock:
    """Epoch seconds (UTC) to COPY text, with each day's prefix computed once."""

    def __init__(self):
        self.days: dict[int, str] = {}

    def __call__(self, t: float | None) -> str:
        if t is None:
            return "\\N"
        s = int(t)
        d, rest = divmod(s, DAY)
        prefix = self.days.get(d)
        if prefix is None:
            prefix = self.days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        h, rest = divmod(rest, HOUR)
        m, sec = divmod(rest, 60)
        return f"{prefix} {h:02d}:{m:02d}:{sec:02d}+00"


@cache
def resolve_deadline(local_day: date, days: int) -> float:
    """Epoch seconds of add_working_days() for a start on this local day."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(local_day, datetime.min.time(), tzinfo=tz) + timedelta(hours=12)
    return add_working_days(start, days).timestamp()


def day_counts(count: int, days: list[date]) -> list[int]:
    """Split count over days (working days weigh 1, others 0.45), summing exactly."""
    weights = [1.0 if is_workday(d) else 0.45 for d in days]
    total = sum(weights)
    raw = [count * w / total for w in weights]
    counts = [math.floor(x) for x in raw]
    order = sorted(range(len(days)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: count - sum(counts)]:
        counts[i] += 1
    return counts


class Generator:
    """Simulates appeals of one day; ``rows`` returns COPY lines."""

    def __init__(self, rng: random.Random, now: float, tz_offset: int):
        self.rng = rng
        self.now = now
        self.tz_offset = tz_offset
        self.clock = Clock()
        self.channels = weighted(rng, CHANNELS)
        self.kinds = weighted(rng, KINDS)
        self.urgencies = weighted(rng, URGENCIES)
        self.categories = weighted(rng, [(c, w) for c, w, _l, _t in CATEGORIES])
        self.texts = {
            c: [
                f"{rng.choice(PLACES)}{template.format(n=rng.randint(2, 9))}{rng.choice(TAILS)}"
                for _ in range(40)
            ]
            for c, _w, _l, template in CATEGORIES
        }
        self.names = ["", "", ""] + [f"{s}先生" for s in SURNAMES] + [f"{s}女士" for s in SURNAMES]
        self.employers = [""] * 4 + [f"北京{s}{e}" for s in "华兴恒达鑫盛" for e in EMPLOYERS]
        self.phones = self._phones()
        self.sat_solved = weighted(
            rng,
            [
                (Satisfaction.SATISFIED, 78),
                (Satisfaction.BASICALLY, 18),
                (Satisfaction.UNSATISFIED, 4),
            ],
        )
        self.sat_unsolved = weighted(
            rng,
            [
                (Satisfaction.UNSATISFIED, 60),
                (Satisfaction.BASICALLY, 35),
                (Satisfaction.SATISFIED, 5),
            ],
        )

    def _phones(self) -> list[tuple[str, str]]:
        phones = []
        seen = set()
        while len(phones) < 1000:
            raw = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if raw in seen:
                continue
            seen.add(raw)
            phone = pii.normalize_phone(raw)  # raises if the fixed set held an invalid one
            phones.append((pii.encrypt(phone), pii.digest(pii.PHONE, phone)))
        return phones

    def setup_orgs(self, city: Org, streets: list[Org], districts: list[Org]) -> None:
        rng = self.rng
        self.city = city
        # Busy and quiet orgs, and better and worse ones, so that rankings spread.
        self.orgs = []
        for org in streets + districts:
            share = 0.85 / len(streets) if org.kind == OrgKind.STREET else 0.15 / len(districts)
            self.orgs.append(
                {
                    "id": org.pk,
                    "district": org.parent_id if org.kind == OrgKind.STREET else org.pk,
                    "street": org.pk if org.kind == OrgKind.STREET else None,
                    "weight": share * rng.lognormvariate(0, 0.6),
                    "on_time": rng.uniform(0.80, 0.99),
                    "resolve_on_time": rng.uniform(0.85, 0.98),
                    "solve": rng.uniform(0.80, 0.97),
                    "evaluated": rng.uniform(0.93, 0.99),
                }
            )
        self.org_draws = rng.choices(self.orgs, weights=[o["weight"] for o in self.orgs], k=20000)
        self.streets = [o for o in self.orgs if o["street"]]

    def rows(self, day: date, ids: list[int], first_seq: int) -> list[str]:
        rng, now, ts = self.rng, self.now, self.clock
        day_start = (day - date(1970, 1, 1)).days * DAY - self.tz_offset
        stamp = day.strftime("%Y%m%d")
        created = sorted(day_start + rng.triangular(7, 23, 10) * HOUR for _ in ids)
        lines = []
        last_open_id = None
        for i, (appeal_id, c) in enumerate(zip(ids, created, strict=True)):
            category = rng.choice(self.categories)
            kind = rng.choice(self.kinds)
            urgency = rng.choice(self.urgencies)
            phone, phone_hash = rng.choice(self.phones)
            org = rng.choice(self.org_draws)
            r = {
                "status": Status.RECEIVED,
                "district": org["district"],
                "street": org["street"],
                "dispatcher": self.city.pk,
                "assigned": None,
                "note": "",
                "accept_by": None,
                "contact_by": None,
                "resolve_by": None,
                "dispatched": None,
                "accepted": None,
                "contacted": None,
                "resolved": None,
                "closed": None,
                "evaluated": None,
                "eval_resolved": None,
                "satisfaction": "",
                "reopens": 0,
                "extensions": 0,
                "overdue": (False, False, False),
                "merged_into": None,
            }
            roll = rng.random()
            if roll < 0.02 and last_open_id is not None:
                # A duplicate merged by the dispatcher before dispatch.
                r["status"] = Status.MERGED
                r["merged_into"] = last_open_id
            elif roll < 0.12 and kind == Kind.ENQUIRY or roll < 0.04:
                self._answered_directly(r, c, kind)
                kind = Kind.ENQUIRY
            else:
                self._handled(r, c, urgency, org)
                last_open_id = appeal_id
            times = [
                t
                for t in (c, r["dispatched"], r["accepted"], r["contacted"])
                + (r["resolved"], r["evaluated"])
                if t is not None
            ]
            ov_accept, ov_contact, ov_resolve = r["overdue"]
            resolved_or_closed = r["status"] in (Status.RESOLVED, Status.CLOSED)
            lines.append(
                "\t".join(
                    (
                        str(appeal_id),
                        f"12351-{stamp}-{first_seq + i:06d}",
                        rng.choice(self.channels),
                        kind,
                        category,
                        urgency,
                        r["status"],
                        rng.choice(self.texts[category]),
                        "\\N",
                        phone,
                        phone_hash,
                        rng.choice(self.names),
                        "f",
                        "",
                        "\\N",
                        "\\N",
                        str(r["district"]),
                        str(r["street"]) if r["street"] else "\\N",
                        rng.choice(self.employers),
                        "",
                        "\\N",
                        "\\N",
                        str(r["dispatcher"]),
                        str(r["assigned"]) if r["assigned"] else "\\N",
                        r["note"],
                        ts(r["accept_by"]),
                        ts(r["contact_by"]),
                        ts(r["resolve_by"]),
                        ts(r["dispatched"]),
                        ts(r["accepted"]),
                        ts(r["contacted"]),
                        ts(r["resolved"]),
                        ts(r["closed"]),
                        "0",
                        str(r["reopens"]),
                        str(r["extensions"]),
                        "t" if ov_accept or ov_contact or ov_resolve else "f",
                        "t" if ov_accept else "f",
                        "t" if ov_contact else "f",
                        "t" if ov_resolve else "f",
                        REPLY if r["resolved"] is not None and resolved_or_closed else "",
                        "\\N"
                        if r["eval_resolved"] is None
                        else ("t" if r["eval_resolved"] else "f"),
                        r["satisfaction"],
                        "",
                        ts(r["evaluated"]),
                        str(r["merged_into"]) if r["merged_into"] else "\\N",
                        "\\N",
                        ts(c),
                        ts(min(max(times), now)),
                    )
                )
                + "\n"
            )
        return lines

    def _answered_directly(self, r: dict, c: float, kind: str) -> None:
        """An enquiry the city centre answered at once (answer_directly): never assigned."""
        rng = self.rng
        r["resolved"] = c + rng.uniform(60, 1800)
        r["status"] = Status.RESOLVED
        if rng.random() < 0.7:
            ev = r["resolved"] + rng.uniform(0.1, 72) * HOUR
            if ev <= self.now:
                solved = rng.random() < 0.9
                r["evaluated"] = r["closed"] = ev
                r["eval_resolved"] = solved
                r["satisfaction"] = rng.choice(self.sat_solved if solved else self.sat_unsolved)
                r["status"] = Status.CLOSED

    def _handled(self, r: dict, c: float, urgency: str, org: dict) -> None:
        """Dispatch, accept, contact, resolve, evaluate (reopen if not solved), cut at now."""
        rng, now = self.rng, self.now
        contact_h, resolve_days = DEADLINES[urgency]
        if rng.random() < 0.08:
            # Waited in the district's dispatcher queue first.
            r["dispatcher"] = org["district"]
            r["note"] = ROUTE_NOTE_DISTRICT
            d = c + rng.uniform(0.5, 20) * HOUR
        else:
            r["note"] = ROUTE_NOTE_STREET if org["street"] else ROUTE_NOTE_DISTRICT
            d = c + rng.uniform(5, 300)
        if d > now:
            return  # still received, waiting for dispatch
        r["status"] = Status.DISPATCHED
        r["assigned"] = org["id"]
        r["dispatched"] = d
        r["accept_by"] = d + 24 * HOUR
        if rng.random() < 0.96:
            accepted = d + rng.uniform(0.02, 1) * min(24, contact_h + 2) * HOUR * 0.8
        else:
            accepted = r["accept_by"] + rng.uniform(1, 20) * HOUR
        ov_accept = (accepted if accepted <= now else now) > r["accept_by"]
        start = d
        contact_by = d + contact_h * HOUR
        resolve_by = self._resolve_by(d, resolve_days)
        if rng.random() < 0.04:
            r["extensions"] = 1
            resolve_by = self._resolve_by(resolve_by - 12 * HOUR, 5)
        r["contact_by"], r["resolve_by"] = contact_by, resolve_by
        if accepted > now:
            r["overdue"] = (ov_accept, contact_by < now, resolve_by < now)
            return
        r["status"], r["accepted"] = Status.ACCEPTED, accepted
        for round_no in range(3):
            begin = max(start, accepted)
            if rng.random() < org["on_time"] and begin < contact_by:
                contacted = begin + rng.uniform(0.05, 0.95) * (contact_by - begin)
            else:
                contacted = contact_by + rng.uniform(0.5, 72) * HOUR
            if contacted > now:
                r["overdue"] = (ov_accept, contact_by < now, resolve_by < now)
                return
            r["status"], r["contacted"] = Status.IN_PROGRESS, contacted
            if rng.random() < org["resolve_on_time"] and contacted + HOUR < resolve_by:
                resolved = contacted + rng.uniform(0.05, 1) * (resolve_by - contacted - HOUR) + HOUR
            else:
                resolved = max(resolve_by, contacted) + rng.uniform(0.5, 6) * DAY
            ov_contact = contacted > contact_by
            if resolved > now:
                r["overdue"] = (ov_accept, ov_contact, resolve_by < now)
                return
            r["status"], r["resolved"] = Status.RESOLVED, resolved
            r["overdue"] = (ov_accept, ov_contact, resolved > resolve_by)
            if rng.random() >= org["evaluated"]:
                return  # the worker never rated it
            ev = resolved + rng.uniform(1, 96) * HOUR
            if ev > now:
                return
            solved = round_no == 2 or rng.random() < org["solve"]
            r["evaluated"], r["eval_resolved"] = ev, solved
            r["satisfaction"] = rng.choice(self.sat_solved if solved else self.sat_unsolved)
            if solved:
                r["status"], r["closed"] = Status.CLOSED, ev
                return
            # Reopened to the same org: new contact and resolve deadlines, flags cleared.
            r["status"], r["reopens"] = Status.ACCEPTED, r["reopens"] + 1
            r["contacted"] = r["resolved"] = None
            start = ev
            contact_by = ev + contact_h * HOUR
            resolve_by = self._resolve_by(ev, resolve_days)
            r["contact_by"], r["resolve_by"] = contact_by, resolve_by
            r["overdue"] = (ov_accept, contact_by < now, resolve_by < now)

    def _resolve_by(self, t: float, days: int) -> float:
        local_day = (date(1970, 1, 1)) + timedelta(days=int(t + self.tz_offset) // DAY)
        return resolve_deadline(local_day, days)


def recount_daily_stats() -> int:
    """Recount every DailyStat row with one grouped INSERT ... SELECT; return the row count.

    The same counts as metrics.rebuild(): contact deadlines on their local day, and
    evaluations on theirs, per assigned org.
    """
    tz = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM appeals_dailystat")
        cursor.execute(
            """
            INSERT INTO appeals_dailystat (org_id, org_path, day, contact_due, contact_on_time,
                evaluations, solved, satisfied, basically, unsatisfied)
            SELECT k.org_id, o.path, k.day, sum(k.due), sum(k.on_time), sum(k.ev),
                   sum(k.solved), sum(k.satisfied), sum(k.basically), sum(k.unsatisfied)
            FROM (
                SELECT assigned_org_id AS org_id, (contact_by AT TIME ZONE %(tz)s)::date AS day,
                       1 AS due,
                       (contacted_at IS NOT NULL AND contacted_at <= contact_by)::int AS on_time,
                       0 AS ev, 0 AS solved, 0 AS satisfied, 0 AS basically, 0 AS unsatisfied
                FROM appeals_appeal
                WHERE assigned_org_id IS NOT NULL AND contact_by IS NOT NULL
                UNION ALL
                SELECT assigned_org_id, (evaluated_at AT TIME ZONE %(tz)s)::date, 0, 0, 1,
                       coalesce(eval_resolved, false)::int,
                       (eval_satisfaction = %(satisfied)s)::int,
                       (eval_satisfaction = %(basically)s)::int,
                       (eval_satisfaction = %(unsatisfied)s)::int
                FROM appeals_appeal
                WHERE assigned_org_id IS NOT NULL AND evaluated_at IS NOT NULL
            ) k
            JOIN orgs_org o ON o.id = k.org_id
            GROUP BY k.org_id, o.path, k.day
            """,
            {
                "tz": tz,
                "satisfied": Satisfaction.SATISFIED,
                "basically": Satisfaction.BASICALLY,
                "unsatisfied": Satisfaction.UNSATISFIED,
            },
        )
        return cursor.rowcount


class Command(BaseCommand):
    help = (
        "Generate N appeals over the last 12 months directly with PostgreSQL COPY "
        "(benchmarks and demos), then recount DailyStat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="appeals to create")
        parser.add_argument("--seed", type=int, default=12351, help="random seed")
        parser.add_argument("--batch", type=int, default=50_000, help="rows per COPY write")

    def handle(self, *args, **options):
        count, batch = options["count"], options["batch"]
        if count < 1:
            raise CommandError("--count must be at least 1")
        if connection.vendor != "postgresql":
            raise CommandError("load_bulk_appeals needs PostgreSQL (COPY)")
        city = Org.objects.defer("boundary").filter(kind=OrgKind.CITY).first()
        streets = list(Org.objects.defer("boundary").filter(kind=OrgKind.STREET).order_by("pk"))
        districts = list(Org.objects.defer("boundary").filter(kind=OrgKind.DISTRICT).order_by("pk"))
        if city is None or not streets or not districts:
            raise CommandError("no union tree: run seed_demo or import_org_tree first")
        model_columns = {f.column for f in Appeal._meta.concrete_fields}
        if model_columns != set(COLUMNS):
            raise CommandError(
                "Appeal's columns changed; update COLUMNS in load_bulk_appeals: "
                f"missing {sorted(model_columns - set(COLUMNS))}, "
                f"extra {sorted(set(COLUMNS) - model_columns)}"
            )

        started = time.perf_counter()
        rng = random.Random(options["seed"])
        tz = timezone.get_current_timezone()
        now_dt = timezone.now()
        today = timezone.localdate(now_dt)
        days = [today - timedelta(days=n) for n in range(365, 0, -1)]
        per_day = day_counts(count, days)
        tz_offset = int(tz.utcoffset(datetime.combine(today, datetime.min.time())).total_seconds())
        gen = Generator(rng, now_dt.timestamp(), tz_offset)
        gen.setup_orgs(city, streets, districts)
        verbose = options["verbosity"] > 0

        with connection.cursor() as cursor:
            # Each day's ticket numbers continue its counter (only today's is live).
            cursor.execute(
                "INSERT INTO appeals_ticketcounter (day, last) "
                "SELECT d::date, 0 FROM unnest(%s::date[]) AS d ON CONFLICT (day) DO NOTHING",
                [days],
            )
            cursor.execute(
                "SELECT day, last FROM appeals_ticketcounter WHERE day = ANY(%s)", [days]
            )
            last = dict(cursor.fetchall())

        bar = tqdm(total=count, disable=not verbose, desc="appeals", unit="row", unit_scale=True)
        writer = Writer(bar)
        try:
            pending: list[str] = []
            counters: dict[date, int] = {}
            for day, n in zip(days, per_day, strict=True):
                if n == 0:
                    continue
                if last[day] + n > 999_999:
                    raise CommandError(f"{day}: more than 999,999 ticket numbers in one day")
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence('appeals_appeal', 'id')) "
                        "FROM generate_series(1, %s) ORDER BY 1",
                        [n],
                    )
                    ids = [r[0] for r in cursor.fetchall()]
                pending += gen.rows(day, ids, last[day] + 1)
                last[day] += n
                counters[day] = last[day]
                if len(pending) >= batch:
                    writer.submit(pending, counters)
                    pending, counters = [], {}
            if pending:
                writer.submit(pending, counters)
        finally:
            writer.close()
            bar.close()
        loaded = time.perf_counter()
        if verbose:
            self.stderr.write("recounting DailyStat ...")
        with transaction.atomic():
            stats = recount_daily_stats()
        recounted = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE appeals_appeal")
            cursor.execute("ANALYZE appeals_dailystat")
        total = time.perf_counter() - started
        load_s = loaded - started
        self.stdout.write(
            f"loaded {count} appeals in {total:.1f}s ({count / load_s:.0f} rows/s over "
            f"{load_s:.1f}s of generating and COPY, {writer.busy:.1f}s of them in COPY and "
            f"commit; DailyStat {stats} rows in {recounted - loaded:.1f}s; "
            f"ANALYZE {total - (recounted - started):.1f}s)"
        )


class Writer:
    """COPYs batches on its own connection in a thread while the next batch is generated.

    Each batch is one transaction: its rows and its days' ticket counters.
    """

    def __init__(self, bar):
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params)
        self.bar = bar
        self.busy = 0.0
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def submit(self, lines: list[str], counters: dict) -> None:
        if self.error is not None:
            raise CommandError(f"COPY failed: {self.error}") from self.error
        self.queue.put((lines, counters))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise CommandError(f"COPY failed: {self.error}") from self.error

    def _run(self) -> None:
        copy_sql = f"COPY appeals_appeal ({', '.join(COLUMNS)}) FROM STDIN"
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the main thread raises on its next submit
            lines, counters = item
            t0 = time.perf_counter()
            try:
                with self.conn.transaction(), self.conn.cursor() as cursor:
                    with cursor.copy(copy_sql) as copy:
                        copy.write("".join(lines))
                    cursor.execute(
                        "UPDATE appeals_ticketcounter t SET last = greatest(t.last, v.last) "
                        "FROM (SELECT unnest(%s::date[]) AS day, unnest(%s::int[]) AS last) v "
                        "WHERE t.day = v.day",
                        [list(counters), list(counters.values())],
                    )
            except BaseException as exc:  # reported to the main thread
                self.error = exc
                continue
            self.busy += time.perf_counter() - t0
            self.bar.update(len(lines))
