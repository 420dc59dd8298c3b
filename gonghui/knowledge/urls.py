from django.urls import path

from gonghui.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("answers/new/", views.answer_edit, name="answer_new"),
    path("answers/<int:answer_id>/", views.answer_edit, name="answer_edit"),
]
