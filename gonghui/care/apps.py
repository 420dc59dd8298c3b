from django.apps import AppConfig


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.care"
    label = "care"
    verbose_name = "帮扶救助"
