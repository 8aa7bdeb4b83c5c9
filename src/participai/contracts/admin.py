"""The contract record in the admin site (superusers only): read only.

Every change to a contract goes through ``contracts.services``, which checks
the rules and writes the audit trail; the admin site shows, it does not edit.
"""

from django.contrib import admin

from .models import Contract, Kpi, PaymentMilestone


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KpiInline(_ReadOnly, admin.TabularInline):
    model = Kpi
    extra = 0
    fields = ("name", "unit", "direction", "target", "threshold", "frequency", "is_public")


class MilestoneInline(_ReadOnly, admin.TabularInline):
    model = PaymentMilestone
    extra = 0
    fields = ("title", "amount", "due_on", "kpi")


@admin.register(Contract)
class ContractAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("procurement", "supplier_name", "value", "currency", "status", "signed_on")
    list_filter = ("status",)
    search_fields = ("supplier_name", "procurement__title", "procurement__slug")
    list_select_related = ("procurement",)
    inlines = [KpiInline, MilestoneInline]
