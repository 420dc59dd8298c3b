from django.urls import path

from gonghui.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("coverage/", views.coverage, name="coverage"),
    path("map.json", views.district_map, name="map"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/children/", views.children, name="children"),
]
