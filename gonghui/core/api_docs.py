"""The API docs page (/api/v1/docs): Swagger UI from our own static files.

ninja's Swagger page loads Swagger UI from a CDN unless "ninja" is an installed app, and
then uses the copy bundled in ninja. Ours comes from npm's swagger-ui-dist through the
Makefile's static step like ECharts and htmx (one place that pins front-end versions),
and starts from static/js/api_docs.js, so the page keeps the Content-Security-Policy.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    """Swagger UI served from static/vendor/swagger-ui, configured through a data block."""

    template = "core/api_docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The validator badge would send our schema to a third-party host.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": settings})
