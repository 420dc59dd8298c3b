from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api import api
from gonghui.core import views as core_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="h5:home", permanent=False)),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("gonghui.appeals.open311_urls")),
    path("console/", include("gonghui.core.urls")),
    path("console/", include("gonghui.accounts.urls")),
    path("console/orgs/", include("gonghui.orgs.urls")),
    path("console/appeals/", include("gonghui.appeals.urls")),
    path("console/stations/", include("gonghui.stations.urls")),
    path("h5/stations/", include("gonghui.stations.h5_urls")),
    path("console/members/", include("gonghui.members.urls")),
    path("h5/members/", include("gonghui.members.h5_urls")),
    path("console/knowledge/", include("gonghui.knowledge.urls")),
    path("console/warnings/", include("gonghui.warnings.urls")),
    path("console/care/", include("gonghui.care.urls")),
    path("h5/care/", include("gonghui.care.h5_urls")),
    path("console/surveys/", include("gonghui.surveys.urls")),
    path("h5/surveys/", include("gonghui.surveys.h5_urls")),
    path("h5/", include("gonghui.appeals.h5_urls")),
    path("console/rights/", include("gonghui.rights.urls")),
    path("h5/rights/", include("gonghui.rights.h5_urls")),
    path("h5/", include("gonghui.h5.urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "gonghui.core.views.bad_request"
handler403 = "gonghui.core.views.permission_denied"
handler404 = "gonghui.core.views.not_found"
handler500 = "gonghui.core.views.server_error"
