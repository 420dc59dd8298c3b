from django.contrib import admin

from gonghui.orgs.models import Enterprise, Org, PairedContact, StaffRole


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin_code", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "admin_code"]
    readonly_fields = ["path", "depth", "parent"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "industry", "street", "union"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["street", "union"]


admin.site.register(StaffRole)
admin.site.register(PairedContact)
