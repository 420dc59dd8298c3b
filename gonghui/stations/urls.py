from django.urls import path

from gonghui.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("import/", views.import_view, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("round/", views.assessment_round, name="round"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage.json", views.coverage_data, name="coverage_data"),
    path("<int:pk>/", views.detail, name="detail"),
]
