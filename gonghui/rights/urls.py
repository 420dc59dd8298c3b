from django.urls import include, path

from gonghui.rights import views

app_name = "rights"
urlpatterns = [
    path("", views.disputes, name="disputes"),
    path("disputes/new/", views.intake, name="intake"),
    path("disputes/<int:pk>/", views.dispute, name="dispute"),
    path("disputes/<int:pk>/claims/", views.edit_claims, name="claims"),
    path("disputes/<int:pk>/<str:document>.pdf", views.dispute_document, name="document"),
    path("disputes/<int:pk>/<str:action>/", views.dispute_step, name="dispute_step"),
    path("legal-aid/", views.aid_cases, name="aid_cases"),
    path("legal-aid/<int:pk>/", views.aid_case, name="aid_case"),
    path("legal-aid/<int:pk>/<str:action>/", views.aid_step, name="aid_step"),
    path("stats/", views.figures, name="stats"),
    path("health-checks/", include("gonghui.rights.health.urls")),
]
