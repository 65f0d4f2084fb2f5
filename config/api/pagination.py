from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from config.api.numbers import NumberRefused, parse_number


class PlainPageParamsMixin:
    """`page` and `page_size` are refused (400, naming them) unless plain whole numbers (config.api.numbers),
    before anything converts them; a page past the end is still a 404, a page size above the cap is capped."""

    def _plain(self, request, name: str) -> None:
        raw = request.query_params.get(name)
        if raw is None or raw == "" or (name == self.page_query_param and raw in self.last_page_strings):
            return
        try:
            parse_number(raw, integer=True, min_value=-(2**31), max_value=2**31 - 1)
        except NumberRefused as exc:
            raise serializers.ValidationError({name: [serializers.ErrorDetail(str(exc), code="invalid")]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        self._plain(request, self.page_query_param)
        self._plain(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)


class BoundedPageNumberPagination(PlainPageParamsMixin, PageNumberPagination):
    """Page-number pagination whose page_size the client may lower or raise up to a hard cap."""

    page_size_query_param = "page_size"
    max_page_size = 500
