from django.urls import path

from gonghui.rights import h5_views

app_name = "rights_h5"
urlpatterns = [
    path("", h5_views.my_cases, name="my_cases"),
    path("disputes/<int:pk>/", h5_views.dispute, name="dispute"),
    path("disputes/<int:pk>/<str:name>.pdf", h5_views.document, name="document"),
    path("lawyer/", h5_views.my_lawyer, name="lawyer"),
]
