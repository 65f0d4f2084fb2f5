from rest_framework_gis.pagination import GeoJsonPagination

from config.api.pagination import BoundedPageNumberPagination, PlainPageParamsMixin


class BoundedGeoJsonPagination(PlainPageParamsMixin, GeoJsonPagination):
    """A page of a GeoJSON FeatureCollection (type, count, next, previous, features); page_size up to 500."""

    page_size_query_param = "page_size"
    max_page_size = BoundedPageNumberPagination.max_page_size

    def get_paginated_response_schema(self, schema):
        # drf-spectacular passes the FeatureCollection component (type + features) built by its drf-gis
        # extension; the page adds count/next/previous next to those keys rather than nesting them.
        page = BoundedPageNumberPagination.get_paginated_response_schema(self, schema)
        page["properties"].pop("results")
        page["required"] = ["type", "count", "features"]
        return {"allOf": [schema, page]}
