"""Candidate sites: coordinates and parcels validated (WGS84, bounded size), facts, status moves."""

from __future__ import annotations

import copy
import json
import math

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, WKBWriter
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from sitesel.data_age import measures_attributions, stale_measures
from sitesel.models import Site, SiteFacts, SiteStatusEvent

WGS84 = 4326


class FieldsOnceMixin:
    """Build a serializer class's fields once, and give each instance shallow copies.

    ModelSerializer introspects the model and builds every field whenever a serializer is made, that is on
    every request, a visible part of a site detail's CPU (docs/reliability.md §6).
    A deep copy would not help: DRF deep-copies a field by constructing it again from its arguments. A shallow
    copy is enough because binding a field to its serializer only sets attributes on the copy, and nothing
    changes a field after it is built. Only for serializers whose fields do not depend on the instance, the
    context or the request.
    """

    def get_fields(self):
        cls = type(self)
        fields = cls.__dict__.get("_fields_once")
        if fields is None:  # two threads may both build them: same result
            fields = super().get_fields()
            cls._fields_once = fields
        return {name: copy.copy(field) for name, field in fields.items()}


class SiteFactsSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    """Infrastructure facts around a site, computed from the layer versions listed in layer_versions.

    `measure_sources` names the layer that answered each measure, `measure_vintages` the date of that data
    (prices: the price's own year), `stale_measures` those older than LAYER_STALE_AFTER_YEARS, and
    `attributions` the credit lines their licences require.
    """

    layer_versions = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    measure_sources = serializers.DictField(child=serializers.CharField(), read_only=True)
    measure_vintages = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)
    price_escalation = serializers.DictField(
        read_only=True, help_text="Per price measure: layer, source_year, source_value, basis_year, factor."
    )
    stale_measures = serializers.SerializerMethodField()
    attributions = serializers.SerializerMethodField()

    class Meta:
        model = SiteFacts
        fields = (
            "distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km",
            "substation_voltage_kv", "generation_capacity_50km_mw", "plant_grid_voltage_kv_max_50km",
            "balancing_authority", "distance_datacenter_km", "datacenters_within_50km", "distance_network_pop_km",
            "county_labor_force", "county_unemployment_rate_pct", "county_population",
            "county_median_household_income_usd", "state_industrial_price_cents_kwh", "state_price_year",
            "distance_gas_pipeline_km", "gas_pipeline_diameter_in", "gas_pipeline_status",
            "state_industrial_gas_price_usd_per_mcf", "state_gas_price_year", "fema_risk_score", "water_use_mgal_d",
            "county_transfer_capacity_mw", "layer_versions", "measure_sources", "measure_vintages", "oldest_vintage",
            "stale_measures", "price_escalation", "attributions", "computed_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_stale_measures(self, facts: SiteFacts) -> list[str]:
        return stale_measures(facts.measure_vintages)

    def get_attributions(self, facts: SiteFacts) -> list[str]:
        return measures_attributions(facts.measure_sources)


class _CoordinateField(serializers.FloatField):
    """One coordinate of the site's point, read from and written next to the other (source="*")."""

    axis = "x"
    low, high = -180.0, 180.0

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, site):
        point = getattr(site, "point", None)
        return None if point is None else getattr(point, self.axis)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise serializers.ValidationError(
                f"Must be between {self.low:g} and {self.high:g} (WGS84 degrees).", code="out_of_range"
            )
        return {self.field_name: value}


@extend_schema_field({"type": "number", "format": "double", "minimum": -180, "maximum": 180})
class LongitudeField(_CoordinateField):
    axis = "x"
    low, high = -180.0, 180.0


@extend_schema_field({"type": "number", "format": "double", "minimum": -90, "maximum": 90})
class LatitudeField(_CoordinateField):
    axis = "y"
    low, high = -90.0, 90.0


def _to_wgs84(geometry: GEOSGeometry, raw: object) -> GEOSGeometry:
    if geometry.srid is None:
        # GeoJSON without "crs" parses as WGS84; no SRID here means a declared CRS that GDAL does not know.
        if isinstance(raw, dict) and "crs" in raw:
            raise serializers.ValidationError(f"Unknown CRS {raw['crs']}; give WGS84 coordinates.", code="unknown_crs")
        geometry.srid = WGS84
    elif geometry.srid != WGS84:
        geometry.transform(WGS84)
    if geometry.hasz:  # GeoJSON allows an elevation; our columns are 2D, and PostGIS would refuse it (a 500)
        writer = WKBWriter()
        writer.outdim = 2
        geometry = GEOSGeometry(writer.write(geometry), srid=WGS84)
    return geometry


# A parcel is a plot of land: real ones have tens to hundreds of vertices. Bigger geometries cost every later read
# of the site (measured in docs/reliability.md, hostile-user finding 7), so they are refused before GEOS parses them.
MAX_GEOMETRY_VERTICES = 10_000

MAX_GEOMETRY_BYTES = 1024 * 1024


class BoundedGeometryField(GeometryField):
    """drf-gis' GeometryField with a cap on the input's size (checked first, on the JSON text) and vertices."""

    def to_internal_value(self, value):
        size = len(value if isinstance(value, str | bytes) else json.dumps(value, separators=(",", ":")))
        if size > MAX_GEOMETRY_BYTES:
            raise serializers.ValidationError(
                f"At most {MAX_GEOMETRY_BYTES:,} bytes of GeoJSON ({size:,} given); simplify it first.",
                code="too_large",
            )
        geometry = super().to_internal_value(value)
        if geometry is not None and geometry.num_coords > MAX_GEOMETRY_VERTICES:
            raise serializers.ValidationError(
                f"At most {MAX_GEOMETRY_VERTICES:,} vertices ({geometry.num_coords:,} given); simplify it first.",
                code="too_many_vertices",
            )
        return geometry


class SiteSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    """A candidate site. Give the location as longitude + latitude or as a GeoJSON Point (WGS84)."""

    longitude = LongitudeField(help_text="WGS84 degrees; give with latitude, or give `point` instead.")
    latitude = LatitudeField(help_text="WGS84 degrees; give with longitude, or give `point` instead.")
    point = BoundedGeometryField(required=False, help_text="GeoJSON Point (WGS84); alternative to longitude/latitude.")
    parcel = BoundedGeometryField(
        required=False,
        allow_null=True,
        help_text=f"GeoJSON Polygon or MultiPolygon (WGS84), at most {MAX_GEOMETRY_VERTICES:,} vertices and "
        f"{MAX_GEOMETRY_BYTES:,} bytes; null clears it. Lists leave it out (read a site's detail for it).",
    )
    land_price_usd_per_acre = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    facts = SiteFactsSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Site
        fields = (
            "id", "name", "source_ref", "longitude", "latitude", "point", "parcel", "parcel_acres", "state",
            "county_fips", "county_name", "status", "land_price_usd_per_acre", "notes", "tags", "facts",
            "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = (
            "id", "source_ref", "parcel_acres", "state", "county_fips", "county_name", "status", "facts",
            "created_at", "updated_at",
        )  # fmt: skip

    def validate_point(self, value: GEOSGeometry | None) -> Point | None:
        if value is None:
            return None
        if value.geom_type != "Point" or value.empty:
            raise serializers.ValidationError("Must be a GeoJSON Point.", code="invalid_geometry")
        value = _to_wgs84(value, self.initial_data.get("point"))
        if not (-180 <= value.x <= 180 and -90 <= value.y <= 90):
            raise serializers.ValidationError("Coordinates must be WGS84 degrees.", code="out_of_range")
        return value

    def validate_parcel(self, value: GEOSGeometry | None) -> MultiPolygon | None:
        if value is None:
            return None
        if value.geom_type == "Polygon":
            value = MultiPolygon(value, srid=value.srid)
        if value.geom_type != "MultiPolygon" or value.empty:
            raise serializers.ValidationError("Must be a GeoJSON Polygon or MultiPolygon.", code="invalid_geometry")
        value = _to_wgs84(value, self.initial_data.get("parcel"))
        if not value.valid:
            raise serializers.ValidationError(f"Invalid geometry: {value.valid_reason}.", code="invalid_geometry")
        return value

    def validate(self, attrs: dict) -> dict:
        longitude = attrs.pop("longitude", None)
        latitude = attrs.pop("latitude", None)
        if longitude is None and latitude is None:
            if self.instance is None and attrs.get("point") is None:
                raise serializers.ValidationError(
                    {"longitude": serializers.ErrorDetail("Give longitude and latitude, or point.", code="required")}
                )
            return attrs
        if "point" in attrs:
            raise serializers.ValidationError(
                {"point": serializers.ErrorDetail("Give either point or longitude/latitude.", code="ambiguous")}
            )
        if self.instance is not None:  # a partial update may move the site along one axis
            longitude = self.instance.point.x if longitude is None else longitude
            latitude = self.instance.point.y if latitude is None else latitude
        for name, value in (("longitude", longitude), ("latitude", latitude)):
            if value is None:
                raise serializers.ValidationError(
                    {
                        name: serializers.ErrorDetail(
                            "This field is required with the other coordinate.", code="required"
                        )
                    }
                )
        attrs["point"] = Point(longitude, latitude, srid=WGS84)
        return attrs


class SiteListSerializer(SiteSerializer):
    """A site in a list: everything but the parcel polygon, which only the site's own detail carries."""

    parcel = None

    class Meta(SiteSerializer.Meta):
        fields = tuple(name for name in SiteSerializer.Meta.fields if name != "parcel")
        read_only_fields = fields


class PointGeoJsonField(GeometryField):
    """A WGS84 Point written as GeoJSON straight from its coordinates. drf-gis converts every geometry to a GDAL
    one, exports it as JSON and parses that back, twice per feature: the largest CPU cost of the map page."""

    def to_representation(self, value):
        if isinstance(value, Point) and value.srid in (None, WGS84) and not value.empty and not value.hasz:
            return {"type": "Point", "coordinates": [value.x, value.y]}
        return super().to_representation(value)


class SiteGeoSerializer(FieldsOnceMixin, GeoFeatureModelSerializer):
    """A site as a GeoJSON Feature on its point, with the facts a map colours by."""

    point = PointGeoJsonField(read_only=True)
    distance_hv_230_km = serializers.FloatField(source="facts.distance_hv_230_km", read_only=True, allow_null=True)
    distance_hv_345_km = serializers.FloatField(source="facts.distance_hv_345_km", read_only=True, allow_null=True)
    distance_substation_km = serializers.FloatField(
        source="facts.distance_substation_km", read_only=True, allow_null=True
    )
    generation_capacity_50km_mw = serializers.FloatField(
        source="facts.generation_capacity_50km_mw", read_only=True, allow_null=True
    )
    distance_datacenter_km = serializers.FloatField(
        source="facts.distance_datacenter_km", read_only=True, allow_null=True
    )
    state_industrial_price_cents_kwh = serializers.FloatField(
        source="facts.state_industrial_price_cents_kwh", read_only=True, allow_null=True
    )
    fema_risk_score = serializers.FloatField(source="facts.fema_risk_score", read_only=True, allow_null=True)
    balancing_authority = serializers.CharField(source="facts.balancing_authority", read_only=True, allow_null=True)

    class Meta:
        model = Site
        geo_field = "point"
        id_field = "id"
        fields = (
            "id", "name", "status", "state", "county_fips", "county_name", "parcel_acres", "land_price_usd_per_acre",
            "tags", "distance_hv_230_km", "distance_hv_345_km", "distance_substation_km",
            "generation_capacity_50km_mw", "distance_datacenter_km", "state_industrial_price_cents_kwh",
            "fema_risk_score", "balancing_authority",
        )  # fmt: skip
        read_only_fields = fields


class SiteStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Site.Status.choices)
    reason = serializers.CharField(max_length=2000)


class SiteStatusEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = SiteStatusEvent
        fields = ("id", "from_status", "to_status", "actor", "reason", "at")
        read_only_fields = fields
