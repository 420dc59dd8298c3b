from django.urls import path

from gonghui.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.build, name="build"),
    path("templates/<slug:name>.xlsx", views.template_file, name="template"),
    path("needs/", views.needs, name="needs"),
    path("needs/from-appeal/<int:appeal_id>/", views.need_from_appeal, name="need_from_appeal"),
    path("answers/<int:response_id>/to-need/", views.need_from_answer, name="need_from_answer"),
    path("<int:survey_id>/", views.detail, name="detail"),
    path("<int:survey_id>/poster/<int:dist_id>.pdf", views.poster, name="poster"),
]
