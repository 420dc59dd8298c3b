"""Admin: the routing table, industry unions' job types, drive plans and their tasks.

Members, applications and transfers change only through the services (audited), so the
admin shows them read-only.
"""

from django.contrib import admin

from gonghui.members.models import (
    DrivePlan,
    DriveTask,
    IndustryJobUnion,
    JoinApplication,
    Member,
    RoutingRule,
    Transfer,
)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "target", "active", "note"]
    list_editable = ["active"]


@admin.register(IndustryJobUnion)
class IndustryJobUnionAdmin(admin.ModelAdmin):
    list_display = ["job_type", "org"]
    raw_id_fields = ["org"]


class DriveTaskInline(admin.TabularInline):
    model = DriveTask
    extra = 1
    fields = ["number", "title", "metric", "target", "owner", "reported"]


@admin.register(DrivePlan)
class DrivePlanAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "starts_on", "ends_on"]
    raw_id_fields = ["org"]
    inlines = [DriveTaskInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(ReadOnly):
    list_display = ["member_number", "name", "org", "status", "joined_on"]
    search_fields = ["member_number"]
    exclude = ["id_number", "phone"]


@admin.register(JoinApplication)
class JoinApplicationAdmin(ReadOnly):
    list_display = ["name", "org", "status", "due_at", "overdue"]
    exclude = ["id_number", "phone"]


@admin.register(Transfer)
class TransferAdmin(ReadOnly):
    list_display = ["member", "from_org", "to_org", "status", "release_by"]
