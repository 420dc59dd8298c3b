from django.urls import path

from gonghui.appeals import dashboard_views, views

app_name = "appeals"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("new/", views.intake, name="intake"),
    path("new/lookup/", views.intake_lookup, name="intake_lookup"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:appeal_id>/", views.callback_record, name="callback_record"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/map.json", dashboard_views.dashboard_map, name="dashboard_map"),
    path("export.xlsx", dashboard_views.export_xlsx, name="export"),
    path("<int:appeal_id>/", views.detail, name="detail"),
    path("<int:appeal_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    # Actions keep the workflow's names, "extension/approve" included.
    path("<int:appeal_id>/act/<path:action>/", views.act, name="act"),
]
