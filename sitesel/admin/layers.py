"""Layers, versions and features: read-only rows written by imports."""

from __future__ import annotations

from django.contrib import admin
from leaflet.admin import LeafletAdminWidget

from core.admin import ReadOnlyAdminMixin
from sitesel.admin.maps import MAP_CHANGE_FORM, MAP_MEDIA, ReadOnlyMapWidget
from sitesel.models import Feature, Layer, LayerVersion


class LayerVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LayerVersion
    fields = ("number", "source_file", "vintage", "publisher", "licence", "row_count", "added_count",
              "changed_count", "removed_count", "imported_at")  # fmt: skip
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ("kind", "family", "title", "current_version_number", "current_row_count", "current_imported_at")
    list_filter = ("family",)
    search_fields = ("kind", "title")
    list_select_related = ("current_version",)
    fields = ("kind", "family", "title", "current_version")
    readonly_fields = ("kind", "family", "current_version")
    inlines = (LayerVersionInline,)

    def has_add_permission(self, request):
        return False  # layers come from `manage.py import_layer`

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would drop the features that site facts cite

    @admin.display(description="version", ordering="current_version__number")
    def current_version_number(self, layer):
        return layer.current_version.number if layer.current_version else None

    @admin.display(description="rows", ordering="current_version__row_count")
    def current_row_count(self, layer):
        return layer.current_version.row_count if layer.current_version else None

    @admin.display(description="imported", ordering="current_version__imported_at")
    def current_imported_at(self, layer):
        return layer.current_version.imported_at if layer.current_version else None


@admin.register(LayerVersion)
class LayerVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("layer", "number", "source_file", "vintage", "publisher", "licence", "row_count", "added_count",
                    "changed_count", "removed_count", "repaired_count", "skipped_count", "imported_at")  # fmt: skip
    list_filter = ("layer__family", "layer")
    search_fields = ("layer__kind", "source_file", "publisher")
    list_select_related = ("layer",)
    fields = ("layer", "number", "source_file", "source", "vintage", "publisher", "licence", "checksum_sha256",
              "row_count",
              "added_count", "changed_count", "removed_count", "repaired_count", "skipped_count", "options",
              "imported_at")  # fmt: skip
    readonly_fields = fields


class CurrentFeatureFilter(admin.SimpleListFilter):
    title = "current"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return (("yes", "Current (valid_to empty)"), ("no", "Superseded"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(Feature)
class FeatureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("layer", "source_fid", "name", "category", "voltage_kv", "capacity_mw", "value", "valid_from",
                    "valid_to")  # fmt: skip
    list_filter = ("layer", CurrentFeatureFilter)
    search_fields = ("source_fid", "name")
    list_select_related = ("layer",)
    raw_id_fields = ("layer",)
    show_full_result_count = False  # no second count(*) over every feature
    change_form_template = MAP_CHANGE_FORM
    fields = ("layer", "source_fid", "name", "category", "fips", "state", "voltage_kv", "capacity_mw", "value",
              "valid_from", "valid_to", "content_hash", "properties", "map")  # fmt: skip
    readonly_fields = fields

    @property
    def media(self):
        # The map is a read-only display, not a form field, so add Leaflet's media ourselves.
        return super().media + LeafletAdminWidget().media + MAP_MEDIA

    @admin.display(description="geometry")
    def map(self, feature):
        if feature.geom is None:
            return "– (tabular layer: no geometry)"
        return ReadOnlyMapWidget().render("geom", feature.geom, attrs={"id": "id_geom"})
