from django.urls import path

from gonghui.members import h5_views

app_name = "members_h5"
urlpatterns = [
    path("", h5_views.me, name="home"),
    path("join/", h5_views.join, name="join"),
    path("me/", h5_views.me, name="me"),
    path("me/withdraw/", h5_views.withdraw, name="withdraw"),
    path("card/", h5_views.card, name="card"),
    path("transfer/", h5_views.transfer, name="transfer"),
    path("verify/<str:token>/", h5_views.verify, name="verify"),
    path("privacy/", h5_views.privacy, name="privacy"),
]
