"""Layers, versions and features (GeoJSON, with the CRS and size checks the schema documents)."""

from __future__ import annotations

from django.contrib.gis.db import models as gis_models
from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension, build_geo_schema
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from sitesel.api.sites.serializers import WGS84
from sitesel.data_age import kind_attribution
from sitesel.models import Feature, Layer, LayerVersion


class LayerVersionSerializer(serializers.ModelSerializer):
    """One import of a layer file, with the provenance a result can cite and the age of its data."""

    age_years = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Years since the last day the vintage covers; null if unknown."
    )
    stale = serializers.BooleanField(
        read_only=True, help_text="Older than LAYER_STALE_AFTER_YEARS, or of unknown vintage (docs/layers.md)."
    )

    class Meta:
        model = LayerVersion
        fields = (
            "number", "source_file", "source", "vintage", "age_years", "stale", "publisher", "licence",
            "checksum_sha256", "row_count", "added_count", "changed_count", "removed_count", "repaired_count",
            "skipped_count", "imported_at",
        )  # fmt: skip
        read_only_fields = fields


class LayerSerializer(serializers.ModelSerializer):
    current_version = LayerVersionSerializer(read_only=True, allow_null=True)
    attribution = serializers.SerializerMethodField(
        help_text="Credit line the data's licence requires wherever it is shown (ODbL, CC BY); empty if none."
    )

    class Meta:
        model = Layer
        fields = ("kind", "family", "title", "attribution", "current_version")
        read_only_fields = fields

    def get_attribution(self, layer: Layer) -> str:
        return kind_attribution(layer.kind)


class FeatureGeoSerializer(GeoFeatureModelSerializer):
    """A layer feature as a GeoJSON Feature (geometry is null for tabular layers)."""

    class Meta:
        model = Feature
        geo_field = "geom"
        id_field = "id"
        fields = (
            "id", "source_fid", "name", "category", "fips", "state", "voltage_kv", "capacity_mw", "value",
            "properties", "valid_from", "valid_to",
        )  # fmt: skip
        read_only_fields = fields


class FeatureGeoSerializerSchema(GeoFeatureModelSerializerExtension):
    """A feature's geometry is any GeoJSON type, or null for tabular layers. drf-spectacular's schema for a generic
    geometry column lists only Point, LineString and Polygon, so real MultiPolygon counties broke the schema."""

    target_class = FeatureGeoSerializer
    match_subclasses = False
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        geometries = [
            build_geo_schema(field(srid=WGS84))
            for field in (gis_models.PointField, gis_models.LineStringField, gis_models.PolygonField,
                          gis_models.MultiPointField, gis_models.MultiLineStringField, gis_models.MultiPolygonField,
                          gis_models.GeometryCollectionField)
        ]  # fmt: skip
        schema["properties"]["geometry"] = {"oneOf": geometries, "nullable": True}
        return schema
