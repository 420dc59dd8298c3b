from django.urls import path

from gonghui.appeals import h5_views

app_name = "appeals_h5"
urlpatterns = [
    path("appeal/new/", h5_views.appeal_new, name="appeal_new"),
    path("appeal/<str:ticket_no>/receipt/", h5_views.appeal_receipt, name="appeal_receipt"),
    path("track/", h5_views.track, name="track"),
    path("track/evaluate/", h5_views.track_evaluate, name="track_evaluate"),
    path("my/", h5_views.my_appeals, name="my_appeals"),
    path("my/<str:ticket_no>/", h5_views.my_appeal, name="my_appeal"),
]
