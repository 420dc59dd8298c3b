"""Open311 GeoReport v2 under /open311/v2/; the extension (.json or .xml) picks the format."""

from django.urls import re_path

from gonghui.appeals import open311

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", open311.discovery, name="discovery"),
    re_path(rf"^services{FMT}", open311.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FMT}", open311.service_definition, name="service"),
    re_path(rf"^requests{FMT}", open311.service_requests, name="requests"),
    re_path(rf"^requests/(?P<ticket_no>[^/]+){FMT}", open311.service_request, name="request"),
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
