"""Admin for layers, features and sites.

Layers, versions and features are written only by imports, so they are read-only here (a layer's
title is the one exception). Sites are edited on a map (django-leaflet, no tile server: our own
state boundaries are the base layer, see static/sitesel/admin/boundaries.js); saving goes through
the site services, which locate the site and recompute its facts. Status is read-only in the form
and moves only through actions that call `site_status_change`, so every move is recorded.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import F, Func
from leaflet.admin import LeafletAdminWidget, LeafletGeoAdmin
from leaflet.forms.widgets import LeafletWidget

from core.admin import ReadOnlyAdminMixin
from core.errors import ApplicationError
from sitesel import selectors
from sitesel.models import Feature, Layer, LayerVersion, Site, SiteFacts, SiteStatusEvent
from sitesel.services.site_edit import EDITABLE_FIELDS, site_create, site_delete, site_update
from sitesel.services.sites import site_derived_refresh, site_status_change

MAP_CHANGE_FORM = "admin/sitesel/map_change_form.html"


# Our base layer for every admin map (LEAFLET_CONFIG has TILES = [], so nothing is fetched from the internet).
# The geography base (places, highways, rivers, lakes, urban areas) is the planner map's (sitesel/web/context.js).
MAP_MEDIA = forms.Media(
    js=["sitesel/web/context.js", "sitesel/admin/boundaries.js"],
    css={"all": ["sitesel/admin/map.css", "sitesel/web/context.css"]},
)


class ReadOnlyMapWidget(LeafletWidget):
    """A Leaflet map that shows a geometry without draw controls."""

    modifiable = False


def _number(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


# --- layers -----------------------------------------------------------------------------------


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


# --- sites ------------------------------------------------------------------------------------


class SiteFactsInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = SiteFacts
    can_delete = False
    fields = (
        ("distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km"),
        ("generation_capacity_50km_mw", "plant_grid_voltage_kv_max_50km", "balancing_authority"),
        ("distance_datacenter_km", "datacenters_within_50km", "distance_network_pop_km"),
        ("county_labor_force", "county_unemployment_rate_pct", "county_population",
         "county_median_household_income_usd"),
        ("state_industrial_price_cents_kwh", "state_price_year", "fema_risk_score", "water_use_mgal_d",
         "county_transfer_capacity_mw"),
        ("layer_versions", "computed_at"),
    )  # fmt: skip
    readonly_fields = [name for row in fields for name in row]


class SiteStatusEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SiteStatusEvent
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class TagListFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = (
            Site.objects.annotate(tag=Func(F("tags"), function="unnest"))
            .values_list("tag", flat=True)
            .distinct()
            .order_by("tag")
        )
        return [(tag, tag) for tag in tags]

    def queryset(self, request, queryset):
        return queryset.filter(tags__contains=[self.value()]) if self.value() else queryset


@admin.register(Site)
class SiteAdmin(LeafletGeoAdmin):
    list_display = ("name", "status", "state", "county_name", "parcel_acres_display", "hv_230_km", "substation_km",
                    "generation_50km_mw", "power_price_cents_kwh", "tag_list")  # fmt: skip
    list_filter = ("status", "state", TagListFilter)
    search_fields = ("name", "source_ref", "county_name")
    list_select_related = ("facts",)
    fieldsets = (
        (None, {"fields": ("name", "status", "source_ref")}),
        ("Location", {"fields": ("point", "parcel", ("state", "county_fips", "county_name"), "parcel_acres")}),
        ("Land", {"fields": ("land_price_usd_per_acre", "notes", "tags")}),
        ("Record", {"fields": (("created_at", "updated_at"),)}),
    )
    readonly_fields = ("status", "source_ref", "state", "county_fips", "county_name", "parcel_acres", "created_at",
                       "updated_at")  # fmt: skip
    inlines = (SiteFactsInline, SiteStatusEventInline)
    actions = ("status_shortlisted", "status_selected", "status_rejected", "status_candidate", "recompute_facts")
    change_form_template = MAP_CHANGE_FORM

    @property
    def media(self):
        return super().media + MAP_MEDIA

    # --- list columns (facts are joined by list_select_related: no query per row)

    @staticmethod
    def _fact(site, name):
        facts = getattr(site, "facts", None)
        return None if facts is None else getattr(facts, name)

    @admin.display(description="acres", ordering="parcel_acres")
    def parcel_acres_display(self, site):
        return _number(site.parcel_acres, 0)

    @admin.display(description="HV ≥230 kV km", ordering="facts__distance_hv_230_km")
    def hv_230_km(self, site):
        return _number(self._fact(site, "distance_hv_230_km"))

    @admin.display(description="substation km", ordering="facts__distance_substation_km")
    def substation_km(self, site):
        return _number(self._fact(site, "distance_substation_km"))

    @admin.display(description="generation 50 km MW", ordering="facts__generation_capacity_50km_mw")
    def generation_50km_mw(self, site):
        return _number(self._fact(site, "generation_capacity_50km_mw"), 0)

    @admin.display(description="power ¢/kWh", ordering="facts__state_industrial_price_cents_kwh")
    def power_price_cents_kwh(self, site):
        return _number(self._fact(site, "state_industrial_price_cents_kwh"), 2)

    @admin.display(description="tags")
    def tag_list(self, site):
        return ", ".join(site.tags)

    # --- saving goes through the services

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            site_update(site=obj, **{name: value for name, value in values.items() if name in form.changed_data})
        else:
            saved = site_create(**values)
            obj.pk = saved.pk
            obj._state.adding = False
            obj._state.db = saved._state.db

    def delete_model(self, request, obj):
        site_delete(site=obj)

    # --- actions: status moves (recorded by site_status_change) and facts

    def _move(self, request, queryset, to_status: str) -> None:
        moved, refused = 0, []
        reason = f"via admin by {request.user.get_username()}"
        for site in queryset:
            try:
                site_status_change(site=site, to_status=to_status, actor=request.user, reason=reason)
                moved += 1
            except ApplicationError as exc:
                refused.append(f"{site.name}: {exc.message}")
        if moved:
            self.message_user(request, f"{moved} site(s) now {to_status}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Shortlist selected sites", permissions=["change"])
    def status_shortlisted(self, request, queryset):
        self._move(request, queryset, Site.Status.SHORTLISTED)

    @admin.action(description="Select selected sites (from shortlisted)", permissions=["change"])
    def status_selected(self, request, queryset):
        self._move(request, queryset, Site.Status.SELECTED)

    @admin.action(description="Reject selected sites", permissions=["change"])
    def status_rejected(self, request, queryset):
        self._move(request, queryset, Site.Status.REJECTED)

    @admin.action(description="Reopen selected sites as candidates", permissions=["change"])
    def status_candidate(self, request, queryset):
        self._move(request, queryset, Site.Status.CANDIDATE)

    @admin.action(description="Recompute location and facts from the current layers", permissions=["change"])
    def recompute_facts(self, request, queryset):
        written = site_derived_refresh(site_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Recomputed facts for {written} site(s).", messages.SUCCESS)


@admin.register(SiteStatusEvent)
class SiteStatusEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "site", "from_status", "to_status", "actor", "reason")
    list_filter = ("to_status", "from_status")
    search_fields = ("site__name", "reason")
    list_select_related = ("site", "actor")
    fields = ("site", "from_status", "to_status", "actor", "reason", "at")
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.site_status_event_list()


@admin.register(SiteFacts)
class SiteFactsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("site", "distance_hv_230_km", "distance_substation_km", "generation_capacity_50km_mw",
                    "state_industrial_price_cents_kwh", "fema_risk_score", "computed_at")  # fmt: skip
    search_fields = ("site__name",)
    list_select_related = ("site",)
    fields = ("site", *SiteFactsInline.readonly_fields)
    readonly_fields = fields
