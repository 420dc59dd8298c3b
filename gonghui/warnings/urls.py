from django.urls import path

from gonghui.warnings import views

app_name = "warnings"
urlpatterns = [
    path("", views.index, name="index"),
    path("hot-topics/", views.hot, name="hot"),
    path("hot-topics.pdf", views.hot_pdf, name="hot_pdf"),
    path("<int:warning_id>/", views.detail, name="detail"),
    path("<int:warning_id>/<str:action>/", views.step, name="step"),
]
