from django.urls import path

from gonghui.core import calendar_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
]
