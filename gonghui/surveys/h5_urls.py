from django.urls import path

from gonghui.surveys import h5_views

app_name = "surveys_h5"
urlpatterns = [
    path("<int:survey_id>/", h5_views.answer, name="answer"),
    path("<int:survey_id>/visible", h5_views.visible, name="visible"),
    path("<int:survey_id>/submit", h5_views.submit, name="submit"),
]
