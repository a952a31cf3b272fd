"""Django admin for system administrators: agencies, users, and the audit log (read-only).

Case records are deliberately absent: nobody, the administrator included, sees
them without a membership in the case.
"""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cases.audit import audit_record
from cases.models import Agency, AuditEvent, User


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}", obj=obj,
                     details={"fields": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "global_role", "is_active", "is_staff"]
    list_filter = ["agency", "global_role", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + (("Parallax", {"fields": ("agency", "title", "global_role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Parallax", {"fields": ("agency", "title", "global_role")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The administrator is no member of any case: of an event that belongs to a case he reads the
    type, id, actor, time and action only, never the label, the details or the case's title."""
    list_display = ["id", "at", "actor_label", "action", "object_type", "object_id", "case_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_id"]
    CASE_EVENT_FIELDS = ["id", "at", "actor_label", "action", "object_type", "object_id", "case_id", "ip",
                         "prev_hash", "hash", "algo"]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.case_id is not None:
            return self.CASE_EVENT_FIELDS
        return ["id", *[f.name for f in AuditEvent._meta.fields if f.name not in ("id", "case")]]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "Parallax administration"
admin.site.site_title = "Parallax"
