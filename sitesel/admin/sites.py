"""Candidate sites: edited on a map, saved through the site services; facts and status history read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import F, Func
from leaflet.admin import LeafletGeoAdmin

from core.admin import ReadOnlyAdminMixin
from core.errors import ApplicationError
from sitesel import selectors
from sitesel.admin.maps import MAP_CHANGE_FORM, MAP_MEDIA, number_text
from sitesel.models import Site, SiteFacts, SiteStatusEvent
from sitesel.services.site_edit import EDITABLE_FIELDS, site_create, site_delete, site_update
from sitesel.services.sites import site_derived_refresh, site_status_change


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
        return number_text(site.parcel_acres, 0)

    @admin.display(description="HV ≥230 kV km", ordering="facts__distance_hv_230_km")
    def hv_230_km(self, site):
        return number_text(self._fact(site, "distance_hv_230_km"))

    @admin.display(description="substation km", ordering="facts__distance_substation_km")
    def substation_km(self, site):
        return number_text(self._fact(site, "distance_substation_km"))

    @admin.display(description="generation 50 km MW", ordering="facts__generation_capacity_50km_mw")
    def generation_50km_mw(self, site):
        return number_text(self._fact(site, "generation_capacity_50km_mw"), 0)

    @admin.display(description="power ¢/kWh", ordering="facts__state_industrial_price_cents_kwh")
    def power_price_cents_kwh(self, site):
        return number_text(self._fact(site, "state_industrial_price_cents_kwh"), 2)

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
