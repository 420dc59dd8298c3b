from django.urls import path

from gonghui.members import organising_views, views

app_name = "members"
urlpatterns = [
    path("", views.applications, name="applications"),
    path("applications/<int:app_id>/", views.application_detail, name="application"),
    path("applications/<int:app_id>/<str:action>/", views.application_act, name="application_act"),
    path("search/", views.search, name="search"),
    path("<int:member_id>/", views.member_detail, name="member"),
    path("<int:member_id>/<str:action>/", views.member_act, name="member_act"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/<str:action>/", views.transfer_act, name="transfer_act"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("export.xlsx", views.roster_export, name="export"),
    path("organising/", organising_views.organising_page, name="organising"),
    path("organising/open/", organising_views.founding_open, name="founding_open"),
    path("organising/<int:case_id>/", organising_views.founding, name="founding"),
    path("meetings/", organising_views.meetings, name="meetings"),
    path("drives/", organising_views.drive_plans, name="drives"),
    path("drives/new/", organising_views.drive_plan_new, name="drive_plan_new"),
    path("drives/<int:plan_id>/edit/", organising_views.drive_plan_edit, name="drive_plan_edit"),
    path("drives/tasks/<int:task_id>/report/", organising_views.drive_report, name="drive_report"),
    path("stats/", views.statistics, name="stats"),
]
