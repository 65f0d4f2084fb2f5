"""Candidate sites, their status history and the infrastructure facts derived for each."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex

from changelog.tracking import audited
from core.validators import validate_plain_name
from sitesel.domain.site_status import SiteStatus
from sitesel.models.layers import ALBERS_SRID


@audited("site", fields=["name", "source_ref", "point", "parcel", "status", "land_price_usd_per_acre", "notes", "tags"])
class Site(models.Model):
    """A place a planner is considering for datacenter capacity."""

    class Status(models.TextChoices):
        # Values mirror domain.site_status.SiteStatus, where the allowed moves live.
        CANDIDATE = SiteStatus.CANDIDATE.value, "Candidate"
        SHORTLISTED = SiteStatus.SHORTLISTED.value, "Shortlisted"
        SELECTED = SiteStatus.SELECTED.value, "Selected"
        REJECTED = SiteStatus.REJECTED.value, "Rejected"

    name = models.CharField(max_length=200, validators=[validate_plain_name])
    source_ref = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="Id in the file the site was imported from."
    )
    point = models.PointField(srid=4326)
    point_albers = models.GeneratedField(
        expression=Transform("point", ALBERS_SRID),
        output_field=models.PointField(srid=ALBERS_SRID, spatial_index=False),
        db_persist=True,
    )
    parcel = models.MultiPolygonField(srid=4326, null=True, blank=True)
    parcel_acres = models.FloatField(null=True, blank=True, editable=False, help_text="Computed in EPSG:5070.")
    state = models.CharField(max_length=2, blank=True, editable=False, help_text="From the counties layer.")
    county_fips = models.CharField(max_length=5, blank=True, editable=False, db_index=True)
    county_name = models.CharField(max_length=100, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    land_price_usd_per_acre = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [GistIndex(fields=["point_albers"], name="sitesel_site_albers_gist")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(land_price_usd_per_acre__isnull=True) | models.Q(land_price_usd_per_acre__gte=0),
                name="sitesel_site_land_price_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in SiteStatus]), name="sitesel_site_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteStatusEvent(models.Model):
    """Who moved a site from one status to another, when and why."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.site} {self.from_status} → {self.to_status}"


class SiteFacts(models.Model):
    """Infrastructure facts around a site, measured in metres in EPSG:5070 (see docs/layers.md)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="facts", primary_key=True)
    distance_hv_230_km = models.FloatField(
        null=True, help_text="Nearest line ≥230 kV; in the West, the nearest ≥345 kV line (docs/layers.md)."
    )
    distance_hv_345_km = models.FloatField(null=True)
    distance_hv_500_km = models.FloatField(null=True)
    distance_substation_km = models.FloatField(null=True, help_text="Nearest HV substation, best source covering it.")
    substation_voltage_kv = models.FloatField(null=True, help_text="Highest voltage of that substation, if known.")
    generation_capacity_50km_mw = models.FloatField(null=True)
    plant_grid_voltage_kv_max_50km = models.FloatField(null=True)
    balancing_authority = models.CharField(max_length=20, blank=True)
    distance_datacenter_km = models.FloatField(null=True)
    datacenters_within_50km = models.PositiveIntegerField(null=True)
    distance_network_pop_km = models.FloatField(null=True)
    county_labor_force = models.PositiveIntegerField(null=True)
    county_unemployment_rate_pct = models.FloatField(null=True)
    county_population = models.PositiveIntegerField(null=True)
    county_median_household_income_usd = models.PositiveIntegerField(null=True)
    state_industrial_price_cents_kwh = models.FloatField(
        null=True, help_text="Escalated to the common price year (price_escalation); see docs/layers.md."
    )
    state_price_year = models.PositiveIntegerField(null=True, help_text="Year of the source price (its vintage).")
    distance_gas_pipeline_km = models.FloatField(null=True, help_text="Nearest operating/construction/unknown route.")
    gas_pipeline_diameter_in = models.FloatField(null=True, help_text="Largest diameter GEM gives for that route.")
    gas_pipeline_status = models.CharField(max_length=20, blank=True, help_text="GEM status of that route.")
    state_industrial_gas_price_usd_per_mcf = models.FloatField(null=True, help_text="Escalated like the power price.")
    state_gas_price_year = models.PositiveIntegerField(null=True, help_text="Year of the source gas price.")
    fema_risk_score = models.FloatField(null=True)
    water_use_mgal_d = models.FloatField(null=True)
    county_transfer_capacity_mw = models.FloatField(null=True)
    county_queue_active_mw = models.FloatField(
        null=True, help_text="Active generator-queue MW in the county (ISO queues); null outside the ISOs."
    )
    layer_versions = models.JSONField(default=dict, help_text="Layer kind → version the facts were computed from.")
    measure_sources = models.JSONField(default=dict, help_text="Measure → layer kind that answered it.")
    measure_vintages = models.JSONField(default=dict, help_text="Measure → vintage of the data that answered it.")
    oldest_vintage = models.CharField(max_length=10, blank=True, help_text="Oldest of measure_vintages; blank unknown.")
    price_escalation = models.JSONField(
        default=dict, help_text="Price measure → source year and value, common year and escalation factor."
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "site facts"

    def __str__(self) -> str:
        return f"facts for {self.site}"
