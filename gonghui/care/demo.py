"""The care demo: the programmes, a minimum-living line per district, hardship files,
relief applications in every stage (some still missing papers), a 公示, mutual-aid
claims (one bill claimed twice) and this winter's 送温暖 campaign. Small and fast:
about 50 rows, all made through the services so timelines, audit rows and text
messages are real."""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from gonghui.care import services
from gonghui.care.models import Enrolment, MinimumLivingLine, Programme
from gonghui.care.programmes import DEFAULTS
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.testing import make_id_number
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Org, StaffRole
from gonghui.orgs.services import create_org

NAMES = ["赵志刚", "钱秀英", "孙建华", "李桂兰", "周海涛", "吴春梅", "郑国强", "王丽娟", "冯德胜"]
ITEMS = ["id_card", "diagnosis", "invoices", "employer_letter", "bank_card"]
# How far each demo application gets: (uploaded items, steps after submit).
PLAN = [
    (ITEMS[:2], None),  # a draft still missing three papers
    (ITEMS[:4], None),  # a draft missing only the bank card
    (ITEMS, []),  # submitted, at the grassroots union
    (ITEMS, ["approve"]),  # at the street
    (ITEMS, ["approve", "approve"]),  # at the district
    (ITEMS, ["return"]),  # returned: the invoices to redo
    (ITEMS, ["reject"]),
    (ITEMS, ["approve", "approve", "approve"]),  # reviewed, put on 公示 below
    (ITEMS, ["approve", "approve", "approve"]),
]


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (240, 240, 230)).save(out, "PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def _reviewer(username: str, org: Org):
    user, _ = get_user_model().objects.get_or_create(username=username)
    if not user.has_usable_password():
        user.set_unusable_password()
        user.save()
    StaffRole.objects.get_or_create(user=user, org=org, role=Role.HANDLER)
    return user


def clear() -> None:
    """Delete the care demo's rows (the demo tests re-seed on a cleared tree)."""
    from gonghui.care import models as m

    for model in (
        m.PaymentLine,
        m.PaymentJob,
        m.Enrolment,
        m.TransferLine,
        m.TransferBatch,
        m.Objection,
        m.Distribution,
        m.Campaign,
        m.Bill,
        m.Claim,
        m.HouseholdMember,
        m.HardshipFile,
        m.Event,
        m.Document,
        m.Application,
        m.Publicity,
        m.MinimumLivingLine,
    ):
        model.objects.all().delete()


def seed(*, rng: random.Random) -> int:
    """Load the care demo; return the number of applications made."""
    with transaction.atomic():
        for code, name, rules in DEFAULTS:  # a flushed database lost the data migration
            Programme.objects.get_or_create(code=code, defaults={"name": name, "rules": rules})
        year = services.today().year
        for d in Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary"):
            MinimumLivingLine.objects.get_or_create(
                district=d, year=year, defaults={"monthly": Decimal("1450")}
            )
        # Members of 朝阳区's grassroots unions from the members demo (made here on a bare
        # tree, in tests), so the demo's member counts stay as the members app seeds them.
        chaoyang = (
            Org.objects.filter(admin_code="110105").first()
            or Org.objects.filter(kind=OrgKind.DISTRICT).order_by("path").first()
        )
        if chaoyang is None:
            return 0
        members = list(
            Member.objects.filter(
                org__path__startswith=chaoyang.path,
                org__kind=OrgKind.GRASSROOTS,
                org__parent__kind=OrgKind.STREET,
                status=MemberStatus.ACTIVE,  # relief is for members in good standing
            ).order_by("member_number")[: len(PLAN)]
        )
        if len(members) < len(PLAN):
            first_street = (
                Org.objects.filter(kind=OrgKind.STREET, path__startswith=chaoyang.path)
                .order_by("path")
                .first()
            )
            union = create_org(
                name="示范物流公司工会", kind=OrgKind.GRASSROOTS, parent=first_street
            )
            for i in range(len(members), len(PLAN)):
                number = make_id_number(400 + i, region="110105")
                members.append(
                    Member.objects.create(
                        name=NAMES[i],
                        id_number=number,
                        gender="male",
                        birth_date=date(1978 + i, 3, 9),
                        org=union,
                        member_number=f"DEMOCARE{i:03d}",
                        joined_on=date(2015, 6, 1),
                    )
                )
        union = members[0].org
        street, district = services.review_orgs(union)
        # Three people of the district federation, one per stage (a role above a stage
        # counts for it; one person may approve only one stage of a case).
        staff = {
            "grassroots": _reviewer("demo-care-1", district),
            "street": _reviewer("demo-care-2", district),
            "district": _reviewer("demo-care-3", district),
        }
        reviewed = []
        for member, (items, steps) in zip(members, PLAN, strict=True):
            cost = rng.choice(["8600", "23000", "61000", "135000"])
            app = services.create_application(
                "critical_illness",
                {"name": member.name, "id_number": member.id_number, "phone": "13800138000"},
                {"employed": True, "hospitalised": True, "out_of_pocket": cost},
                principal=staff["grassroots"],
            )
            for item in items:
                services.upload_document(staff["grassroots"], app.pk, item, _photo())
            if steps is None:
                continue
            services.submit(staff["grassroots"], app.pk)
            stages = ["grassroots", "street", "district"]
            for n, step in enumerate(steps):
                services.decide(
                    staff[stages[n]],
                    app.pk,
                    step,
                    items=["invoices"],
                    note="发票复印件不清晰",
                    reason="上年度已享受同类救助",
                )
            if steps == ["approve"] * 3:
                reviewed.append(app.pk)
        services.publicise(staff["district"], reviewed, services.today() + timedelta(days=1))
        # Two hardship households and mutual-aid claims, one bill claimed twice.
        services.create_file(
            staff["grassroots"],
            union,
            category="illness",
            causes="户主罹患重病",
            people=[
                {
                    "name": members[0].name,
                    "id_number": members[0].id_number,
                    "relation": "head",
                    "income": "1800",
                },
                {
                    "name": "赵小雨",
                    "id_number": make_id_number(470, birth=date(2012, 4, 2)),
                    "relation": "child",
                },
            ],
        )
        bill = {
            "number": "JZ2026-118",
            "hospital": "朝阳医院",
            "date": str(services.today() - timedelta(days=20)),
            "amount": "6800",
        }
        # The mutual-aid enrolment of the union's members for the bill's year, fee received.
        year = (services.today() - timedelta(days=20)).year
        for m in members:
            Enrolment.objects.get_or_create(
                member=m,
                year=year,
                defaults={
                    "org": m.org,
                    "fee": Decimal("60"),
                    "covered_from": date(year, 1, 1),
                    "covered_to": date(year, 12, 31),
                    "paid": True,
                },
            )
        services.create_claim(staff["street"], members[2], [bill])
        services.create_claim(staff["street"], members[2], [bill])
        # This winter's 送温暖, with a few visits by the street's union.
        start = services.today()
        winter = services.create_campaign(
            staff["district"],
            district,
            name=f"{start.year}年冬季送温暖",
            kind="warmth",
            groups=["hardship", "outdoor", "front_line"],
            starts_on=start,
            ends_on=start + timedelta(days=90),
        )
        for i, member in enumerate(members[:4]):
            services.record_distribution(
                staff["street"],
                winter,
                union,
                name=member.name,
                id_number=member.id_number,
                group=["hardship", "outdoor"][i % 2],
                what="米面油、慰问金",
                amount="500",
                given_on=start,
                place=street.name,
            )
        return len(PLAN)
