from django.urls import path

from gonghui.care import views

app_name = "care"
urlpatterns = [
    path("", views.applications, name="applications"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
    path(
        "<int:pk>/objections/<int:objection_id>/<str:action>/",
        views.answer_objection,
        name="answer_objection",
    ),
]
