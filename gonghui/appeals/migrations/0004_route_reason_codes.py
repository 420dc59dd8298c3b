"""Store why an appeal went where it went as a code (``route_reason``), not as Chinese
text (``route_note``), and word it on display in the reader's language.

Old rows get the code of their note's wording (the default rules' and the routing
module's fixed texts); an appeal a person dispatched is ``manual``. A note no code
matches (a rule note an admin wrote) is left without a reason. One UPDATE per code.
"""

from django.db import migrations, models

# The fixed notes stored before this migration -> their code.
NOTES = {
    "用人单位已建会：派基层工会所在街道": "employer_union_street",
    "按诉求发生地派街道（乡镇）": "location_street",
    "只知道所在区：由区总工会派单": "location_district",
    "入会事项由街道（乡镇）总工会办理": "street_federation",
    "困难帮扶由区职工服务中心办理": "district_service_centre",
    "兜底：市总工会派单中心": "city",
    "由渠道指定的承办单位（如服务阵地的管理单位）": "channel",
}


def backfill(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    AppealEvent = apps.get_model("appeals", "AppealEvent")
    for note, code in NOTES.items():
        Appeal.objects.filter(route_note=note).update(route_reason=code)
    # A dispatch a person made (the intake's automatic one has no actor).
    manual = AppealEvent.objects.filter(action="dispatch", actor__isnull=False).values("appeal_id")
    Appeal.objects.filter(pk__in=manual).update(route_reason="manual")


def restore(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    for note, code in NOTES.items():
        Appeal.objects.filter(route_reason=code).update(route_note=note)
    Appeal.objects.filter(route_reason="manual").update(route_note="人工派单")


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_appeal_needs_review_appeal_suggested_org_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="route_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("employer_union_street", "用人单位已建会：派基层工会所在街道"),
                    ("location_street", "按诉求发生地派街道（乡镇）"),
                    ("location_district", "只知道所在区：由区总工会派单"),
                    ("street_federation", "入会事项由街道（乡镇）总工会办理"),
                    ("district_service_centre", "困难帮扶由区职工服务中心办理"),
                    ("city", "兜底：市总工会派单中心"),
                    ("channel", "由渠道指定的承办单位（如服务阵地的管理单位）"),
                    ("manual", "人工派单"),
                ],
                max_length=30,
                verbose_name="派单依据",
            ),
        ),
        migrations.RunPython(backfill, restore, elidable=False),
        migrations.RemoveField(model_name="appeal", name="route_note"),
    ]
