"""The default routing rules and deadline policies, loaded into empty tables after every
``migrate`` (and every test flush, which sends the same signal).

Migration 0002 loaded them once; a database flushed by a test (or a fresh one whose
tables an admin emptied) would otherwise route every appeal to the city's fallback
queue and use no deadline policy. Tables that hold any row are left alone: admins edit
the rules.
"""

RULES = [
    (10, "membership", "street_federation", True, "入会事项由街道（乡镇）总工会办理"),
    (20, "hardship", "district_service_centre", True, "困难帮扶由区职工服务中心办理"),
    (50, "", "employer_union_street", True, "用人单位已建会：派基层工会所在街道"),
    (60, "", "location_street", True, "按诉求发生地派街道（乡镇）"),
    (70, "", "location_district", False, "只知道所在区：由区总工会派单"),
    (100, "", "city", False, "兜底：市总工会派单中心"),
]
POLICIES = [("normal", 24, 24, 7), ("urgent", 24, 2, 1), ("complex", 24, 24, 15)]


def load_if_empty(sender=None, **kwargs) -> None:
    """Load the defaults into whichever of the two tables is empty (post_migrate)."""
    from gonghui.appeals.models import DeadlinePolicy, RoutingRule

    using = kwargs.get("using", "default")
    if not RoutingRule.objects.using(using).exists():
        RoutingRule.objects.using(using).bulk_create(
            RoutingRule(
                priority=priority, category=category, target=target, auto_dispatch=auto, note=note
            )
            for priority, category, target, auto, note in RULES
        )
    if not DeadlinePolicy.objects.using(using).exists():
        DeadlinePolicy.objects.using(using).bulk_create(
            DeadlinePolicy(
                urgency=urgency,
                category="",
                accept_hours=accept,
                contact_hours=contact,
                resolve_working_days=resolve,
            )
            for urgency, accept, contact, resolve in POLICIES
        )
