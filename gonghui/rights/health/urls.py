"""Console pages of the health checks, included by ``rights/urls.py`` under
/console/rights/health-checks/ (names in the ``rights`` namespace)."""

from django.urls import path

from gonghui.rights.health import views

urlpatterns = [
    path("", views.health_checks, name="health_checks"),
    path("coverage/", views.coverage, name="health_coverage"),
    path("<int:pk>/", views.health_check, name="health_check"),
    path("<int:pk>/answers/", views.answers, name="health_answers"),
    path("<int:pk>/report.pdf", views.report, name="health_report"),
    path("<int:pk>/findings/<int:finding_id>/follow-up/", views.follow_up, name="health_follow_up"),
    path("<int:pk>/step/<str:action>/", views.step, name="health_step"),
]
