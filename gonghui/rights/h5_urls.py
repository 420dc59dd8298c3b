from django.urls import path

from gonghui.rights import h5_views
from gonghui.rights.health import h5_views as health_h5

app_name = "rights_h5"
urlpatterns = [
    path("", h5_views.my_cases, name="my_cases"),
    path("disputes/<int:pk>/", h5_views.dispute, name="dispute"),
    path("disputes/<int:pk>/<str:name>.pdf", h5_views.document, name="document"),
    path("lawyer/", h5_views.my_lawyer, name="lawyer"),
    path("health-check/<str:token>/", health_h5.health_check, name="health_check"),
]
