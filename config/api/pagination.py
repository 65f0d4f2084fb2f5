from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose page_size the client may lower or raise up to a hard cap."""

    page_size_query_param = "page_size"
    max_page_size = 500
