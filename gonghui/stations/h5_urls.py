from django.urls import path

from gonghui.stations import h5_views as views

app_name = "stations_h5"
urlpatterns = [
    path("", views.find, name="find"),
    path("map.json", views.district_map, name="map"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/rate/sign-in/", views.rate_form, name="rate_sign_in"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/sign.pdf", views.sign_pdf, name="sign"),
    path("photos/<int:photo_id>.jpg", views.photo, name="photo"),
]
