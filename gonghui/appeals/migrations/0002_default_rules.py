"""Load the default routing rules and deadline policies (admins may edit them)."""

from django.db import migrations

RULES = [
    (10, "membership", "street_federation", True, "入会事项由街道（乡镇）总工会办理"),
    (20, "hardship", "district_service_centre", True, "困难帮扶由区职工服务中心办理"),
    (50, "", "employer_union_street", True, "用人单位已建会：派基层工会所在街道"),
    (60, "", "location_street", True, "按诉求发生地派街道（乡镇）"),
    (70, "", "location_district", False, "只知道所在区：由区总工会派单"),
    (100, "", "city", False, "兜底：市总工会派单中心"),
]
POLICIES = [("normal", 24, 24, 7), ("urgent", 24, 2, 1), ("complex", 24, 24, 15)]


def load(apps, schema_editor):
    RoutingRule = apps.get_model("appeals", "RoutingRule")
    DeadlinePolicy = apps.get_model("appeals", "DeadlinePolicy")
    for priority, category, target, auto, note in RULES:
        RoutingRule.objects.get_or_create(
            priority=priority, category=category, target=target,
            defaults={"auto_dispatch": auto, "note": note},
        )
    for urgency, accept, contact, resolve in POLICIES:
        DeadlinePolicy.objects.get_or_create(
            urgency=urgency, category="",
            defaults={"accept_hours": accept, "contact_hours": contact,
                      "resolve_working_days": resolve},
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
