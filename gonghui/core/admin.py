from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from gonghui.core.models import AuditLog


def login_through_console(request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
    """Send the admin's sign-in to the console login, which is throttled and audited.

    The admin's own login form calls ``authenticate`` directly: it bypassed the login
    throttle and wrote no audit row. A POST to it signs nobody in.
    """
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.login = login_through_console


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: nobody edits the audit log."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
