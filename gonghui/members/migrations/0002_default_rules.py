from django.db import migrations

DEFAULT_RULES = [
    (10, "employer_union", "用人单位已建会：由本单位基层工会受理"),
    (20, "area_joint", "用人单位在园区、楼宇联合工会覆盖范围内：由区域联合工会受理"),
    (30, "industry_job_type", "新就业形态劳动者：由该职业的行业联合工会受理"),
    (40, "mobile_joint", "由居住街道的流动会员联合工会受理"),
    (100, "street_federation", "兜底：由居住街道（乡镇）总工会受理"),
]


def load(apps, schema_editor):
    RoutingRule = apps.get_model("members", "RoutingRule")
    for priority, target, note in DEFAULT_RULES:
        RoutingRule.objects.get_or_create(
            target=target, defaults={"priority": priority, "note": note, "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
