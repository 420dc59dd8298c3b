"""Intake routing (who handles an appeal) and the provisional category rule.

The routing table is ``RoutingRule`` (admins edit it); the defaults are loaded by a
data migration and each has a test. Targets resolve to an org or to nothing, and the
first rule whose target resolves wins.
"""

import re
from dataclasses import dataclass

from gonghui.appeals.choices import Category, Kind, RouteTarget, Urgency
from gonghui.appeals.models import RoutingRule
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise, Org

DEFAULT_RULES = [
    # (priority, category, target, auto_dispatch, note)
    (
        10,
        Category.MEMBERSHIP,
        RouteTarget.STREET_FEDERATION,
        True,
        "入会事项由街道（乡镇）总工会办理",
    ),
    (
        20,
        Category.HARDSHIP,
        RouteTarget.DISTRICT_SERVICE_CENTRE,
        True,
        "困难帮扶由区职工服务中心办理",
    ),
    (50, "", RouteTarget.EMPLOYER_UNION_STREET, True, "用人单位已建会：派基层工会所在街道"),
    (60, "", RouteTarget.LOCATION_STREET, True, "按诉求发生地派街道（乡镇）"),
    (70, "", RouteTarget.LOCATION_DISTRICT, False, "只知道所在区：由区总工会派单"),
    (100, "", RouteTarget.CITY, False, "兜底：市总工会派单中心"),
]


@dataclass(frozen=True)
class Route:
    dispatcher_org: Org
    assigned_org: Org | None  # set when the rule dispatches automatically
    grassroots_union: Org | None
    note: str


def _street_of(org: Org | None) -> Org | None:
    """Return the street federation an org lies under (or is)."""
    while org is not None and org.kind not in (OrgKind.STREET, OrgKind.DISTRICT, OrgKind.CITY):
        org = org.parent
    return org if org is not None and org.kind == OrgKind.STREET else None


def _district_of(org: Org | None) -> Org | None:
    while org is not None and org.kind != OrgKind.DISTRICT:
        org = org.parent
    return org


def _target(
    target: str, *, enterprise: Enterprise | None, street: Org | None, district: Org | None
) -> tuple[Org | None, Org | None]:
    """Return (org, grassroots union noted) for a rule target, or (None, None)."""
    union = enterprise.union if enterprise is not None else None
    if target == RouteTarget.EMPLOYER_UNION_STREET:
        return (_street_of(union), union) if _street_of(union) else (None, None)
    if target == RouteTarget.LOCATION_STREET:
        return street, None
    if target == RouteTarget.LOCATION_DISTRICT:
        return district, None
    if target == RouteTarget.STREET_FEDERATION:
        org = _street_of(union) or (enterprise.street if enterprise else None) or street
        return org, union
    if target == RouteTarget.DISTRICT_SERVICE_CENTRE:
        return district or _district_of(enterprise.street if enterprise else None), None
    if target == RouteTarget.CITY:
        return Org.objects.defer("boundary").get(kind=OrgKind.CITY), None
    raise ValueError(f"unknown routing target {target!r}")


def route(
    *, category: str, enterprise: Enterprise | None, street: Org | None, district: Org | None
) -> Route:
    city = Org.objects.defer("boundary").get(kind=OrgKind.CITY)
    rules = RoutingRule.objects.filter(active=True, category__in=[category, ""])
    for rule in rules.order_by("priority", "id"):
        org, union = _target(rule.target, enterprise=enterprise, street=street, district=district)
        if org is None:
            continue
        note = rule.note or rule.get_target_display()
        if rule.auto_dispatch and org.kind != OrgKind.CITY:
            return Route(city, org, union, note)
        return Route(org, None, union, note)
    return Route(city, None, None, "兜底：市总工会派单中心")


# --- provisional classification (until the triage issue replaces it) -------------------

CATEGORY_KEYWORDS: list[tuple[str, str]] = [
    (Category.MEMBERSHIP, r"入会|会员|会籍|转会|会员卡"),
    (Category.HARDSHIP, r"困难帮扶|救助|大病|困难职工|帮扶|助学"),
    (Category.GIG, r"骑手|外卖|快递员|网约车|跑腿|平台.*(罚款|封号|派单)|封号|算法"),
    (Category.INJURY, r"工伤|受伤|摔伤|职业病|伤残|鉴定"),
    (Category.WAGES, r"工资|欠薪|拖欠|讨薪|工钱|薪水|包工头|提成|绩效"),
    (Category.HOURS, r"加班|工时|休假|年假|调休|病假|休息日|双休"),
    (Category.SOCIAL_INSURANCE, r"社保|社会保险|公积金|医保|养老保险|失业保险|生育保险"),
    (Category.DISMISSAL, r"辞退|开除|解除|裁员|经济补偿|赔偿金|离职"),
    (Category.CONTRACT, r"合同|试用期|派遣|竞业|押金|扣押.*证"),
    (Category.SAFETY, r"安全|隐患|防护|高温|中暑|劳保|危险"),
    (Category.WOMEN, r"怀孕|孕期|产假|哺乳|女职工|性别歧视|残疾"),
    (Category.PROCEDURE, r"仲裁|起诉|法律援助|律师|调解|诉讼"),
    (Category.UNION_BUILDING, r"建会|成立工会|集体合同|集体协商|职代会|厂务公开"),
    (Category.SERVICES, r"驿站|服务站|职工之家|活动|兴趣班|心理咨询|互助保障"),
    (Category.EMPLOYMENT, r"招聘|找工作|求职|培训|创业|贷款"),
    (Category.FEEDBACK, r"建议|意见|工会工作人员|服务态度"),
]
KIND_KEYWORDS: list[tuple[str, str]] = [
    (Kind.COMPLAINT, r"投诉|举报"),
    (Kind.SUGGESTION, r"建议"),
    (Kind.ENQUIRY, r"请问|咨询|怎么办|如何|怎么|能不能|是否|吗[？?]?$"),
]
URGENT_PATTERN = re.compile(
    r"跳楼|轻生|自杀|打人|殴打|受伤了|正在流血|昏迷|被困|火灾|坍塌|"
    r"(几十|上百|[0-9]{2,}\s*(个|名|位)?)\s*(人|工人|农民工|职工).*(欠|拖|没发|讨)|集体讨薪|群体"
)


def provisional_category(text: str) -> str:
    """Return the first category whose keywords occur in the text (documented in docs)."""
    for category, pattern in CATEGORY_KEYWORDS:
        if re.search(pattern, text):
            return category
    return Category.OTHER


def provisional_kind(text: str) -> str:
    for kind, pattern in KIND_KEYWORDS:
        if re.search(pattern, text.strip()):
            return kind
    return Kind.HELP


def provisional_urgency(text: str) -> str:
    return Urgency.URGENT if URGENT_PATTERN.search(text) else Urgency.NORMAL
