from django.urls import path

from gonghui.h5 import views

app_name = "h5"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("appeal/new/", views.appeal_new, name="appeal_new"),
    path("appeal/<str:ticket_no>/receipt/", views.appeal_receipt, name="appeal_receipt"),
    path("track/", views.track, name="track"),
    path("track/evaluate/", views.track_evaluate, name="track_evaluate"),
    path("my/", views.my_appeals, name="my_appeals"),
    path("my/<str:ticket_no>/", views.my_appeal, name="my_appeal"),
]
