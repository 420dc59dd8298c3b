from django.urls import path

from gonghui.care import h5_views

app_name = "care_h5"
urlpatterns = [
    path("", h5_views.index, name="index"),
    path("apply/<slug:code>/", h5_views.apply, name="apply"),
    path("<int:pk>/", h5_views.detail, name="detail"),
    path("<int:pk>/upload/", h5_views.upload, name="upload"),
    path("<int:pk>/submit/", h5_views.submit, name="submit"),
]
