"""GIS layers, their imported versions and their features.

Every import of a layer file makes a LayerVersion with full provenance. Features are kept as
slowly-changing rows: a row is valid from the version that introduced it until the version that
changed or removed it (valid_to, exclusive). A score that cites layer versions can therefore be
recomputed from exactly the features it saw.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Q
from django.utils import timezone

from changelog.tracking import audited
from sitesel.layer_kinds import FAMILY_CHOICES
from sitesel.vintage import VINTAGE_PATTERN, is_stale, vintage_age_years

# EPSG:5070 (CONUS Albers equal-area) keeps distances and areas in metres for the lower 48.
ALBERS_SRID = 5070


@audited("layer", fields=["kind", "family", "title", "current_version"])
class Layer(models.Model):
    """One kind of GIS data (e.g. hv_lines), with a pointer to its newest version."""

    kind = models.SlugField(max_length=64, unique=True)
    family = models.CharField(max_length=16, choices=FAMILY_CHOICES)
    title = models.CharField(max_length=200)
    current_version = models.ForeignKey(
        "LayerVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family", "kind"]

    def __str__(self) -> str:
        return self.kind


@audited(
    "layer-import",
    fields=["layer", "number", "source_file", "source", "vintage", "publisher", "licence", "checksum_sha256",
            "row_count", "added_count", "changed_count", "removed_count", "repaired_count", "skipped_count"],
)
class LayerVersion(models.Model):
    """One import of a source file into a layer, with the provenance a result can cite."""

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source_file = models.CharField(max_length=500, help_text="File name as imported.")
    source = models.CharField(max_length=500, blank=True, help_text="Where the file came from.")
    vintage = models.CharField(
        max_length=10,
        blank=True,
        help_text="Date the data describes (YYYY, YYYY-MM or YYYY-MM-DD), not the import date; blank = unknown.",
    )
    publisher = models.CharField(max_length=300)
    licence = models.CharField(max_length=200)
    checksum_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    added_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    removed_count = models.PositiveIntegerField(default=0)
    repaired_count = models.PositiveIntegerField(default=0, help_text="Polygons repaired with make_valid.")
    skipped_count = models.PositiveIntegerField(default=0, help_text="Rows skipped for bad geometry (opt-in).")
    options = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["layer__kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "number"], name="sitesel_layerversion_unique_number"),
            models.CheckConstraint(
                condition=Q(vintage="") | Q(vintage__regex=VINTAGE_PATTERN), name="sitesel_layerversion_vintage_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layer.kind} v{self.number}"

    @property
    def age_years(self) -> float | None:
        """Years since the last day the vintage covers; None when the vintage is unknown."""
        age = vintage_age_years(self.vintage, timezone.now().date())
        return None if age is None else round(age, 1)

    @property
    def stale(self) -> bool:
        """Older than settings.LAYER_STALE_AFTER_YEARS, or of unknown age."""
        return is_stale(self.vintage, timezone.now().date(), float(settings.LAYER_STALE_AFTER_YEARS))


class Feature(models.Model):
    """A feature of a layer, valid for versions [valid_from, valid_to).

    The typed columns hold what queries filter or compute on; everything else from the source
    row stays in `properties`. Tabular layers (county statistics) have no geometry and join on
    `fips` or `state`.
    """

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="features")
    source_fid = models.CharField(max_length=200)
    valid_from = models.PositiveIntegerField()
    valid_to = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=40)
    name = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=100, blank=True)
    fips = models.CharField(max_length=5, blank=True, db_index=True)
    state = models.CharField(max_length=2, blank=True, db_index=True)
    voltage_kv = models.FloatField(null=True, blank=True)
    capacity_mw = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True, help_text="The layer's headline number (see kind).")
    properties = models.JSONField(default=dict, blank=True)
    geom = models.GeometryField(srid=4326, null=True, blank=True)
    geom_albers = models.GeneratedField(
        expression=Transform("geom", ALBERS_SRID),
        output_field=models.GeometryField(srid=ALBERS_SRID, null=True, spatial_index=False),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "source_fid"],
                condition=Q(valid_to__isnull=True),
                name="sitesel_feature_unique_current_fid",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="sitesel_feature_valid_range",
            ),
        ]
        indexes = [
            models.Index(fields=["layer", "valid_from", "valid_to"], name="sitesel_feature_version_idx"),
            GistIndex(fields=["geom_albers"], name="sitesel_feature_albers_gist"),
        ]

    def __str__(self) -> str:
        return f"{self.layer_id}:{self.source_fid}"
