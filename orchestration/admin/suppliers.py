"""Suppliers (saved through services), their members, check runs and feed reviews."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import ApplicationError
from orchestration.models import (
    FeedReview,
    Supplier,
    SupplierCheckRun,
    SupplierMembership,
)
from orchestration.services.checks import (
    feed_review_resolve,
    supplier_check_request,
)
from orchestration.services.forecast import supplier_reliability_refresh
from orchestration.services.suppliers import supplier_delete, supplier_save


class MembershipInline(admin.TabularInline):
    model = SupplierMembership
    raw_id_fields = ("user",)
    extra = 0


class CheckRunInline(ReadOnlyInline):
    model = SupplierCheckRun
    fields = ("created_at", "trigger", "status", "finished_at", "counts", "error")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    # Feeds are HTTPS (docs/supplier-feeds.md): a URL typed without a scheme means https, as in Django 6.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "category",
        "feed_kind",
        "active",
        "check_interval_minutes",
        "reliability_deliveries",
        "on_time_rate",
        "late_slip_p50_days",
        "derate_days",
    )
    list_filter = ("category", "feed_kind", "active")
    search_fields = ("name", "contact_name", "contact_email")
    readonly_fields = ("reliability_deliveries", "on_time_rate", "late_slip_p50_days", "derate_days", "reliability_at")
    inlines = (MembershipInline, CheckRunInline)
    actions = ("run_check_now", "refresh_reliability")

    def save_model(self, request, obj, form, change):
        supplier_save(supplier=obj)

    def delete_model(self, request, obj):
        supplier_delete(supplier=obj)

    def delete_queryset(self, request, queryset):
        for supplier in queryset:
            supplier_delete(supplier=supplier)

    @admin.action(description="Run the status check now (queued for the worker)")
    def run_check_now(self, request, queryset):
        for supplier in queryset:
            try:
                run = supplier_check_request(supplier=supplier, actor=request.user)
                self.message_user(request, f"{supplier}: check run {run.pk} queued")
            except ApplicationError as exc:
                self.message_user(request, f"{supplier}: {exc.message}", level=messages.WARNING)

    @admin.action(description="Recompute the reliability record from closed deliveries")
    def refresh_reliability(self, request, queryset):
        count = supplier_reliability_refresh(supplier_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} supplier record(s) recomputed")


@admin.register(SupplierMembership)
class SupplierMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "supplier")
    list_select_related = ("user", "supplier")
    search_fields = ("user__username", "supplier__name")
    raw_id_fields = ("user",)


@admin.register(SupplierCheckRun)
class SupplierCheckRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "supplier", "trigger", "status", "period_start", "started_at", "finished_at", "error")
    list_filter = ("status", "trigger", "supplier")
    list_select_related = ("supplier",)


@admin.register(FeedReview)
class FeedReviewAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "supplier", "reason", "shipment_ref", "field", "value", "status", "message")
    list_filter = ("status", "reason", "supplier")
    list_select_related = ("supplier",)
    search_fields = ("shipment_ref", "message", "value")
    actions = ("mark_resolved", "dismiss")

    def _close(self, request, queryset, status):
        for review in queryset.filter(status=FeedReview.Status.OPEN):
            feed_review_resolve(review=review, status=status, actor=request.user)

    @admin.action(description="Mark resolved (fixed by hand)")
    def mark_resolved(self, request, queryset):
        self._close(request, queryset, FeedReview.Status.RESOLVED)

    @admin.action(description="Dismiss")
    def dismiss(self, request, queryset):
        self._close(request, queryset, FeedReview.Status.DISMISSED)
