"""Suppliers, their scheduled status checks and the feed rows held for review."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERROR_400, ERROR_401, ERROR_403
from orchestration import selectors
from orchestration.api.scoped_views import ERROR_404, WRITE, ScopedViewMixin, crud_schema, read_schema
from orchestration.api.suppliers.filters import CheckRunFilter, FeedReviewFilter, SupplierFilter
from orchestration.api.suppliers.serializers import (
    FeedReviewResolveSerializer,
    FeedReviewSerializer,
    SupplierCheckRunSerializer,
    SupplierSerializer,
)
from orchestration.services.checks import feed_review_resolve, supplier_check_request
from orchestration.services.suppliers import supplier_create, supplier_delete, supplier_update


@crud_schema(SupplierSerializer, "suppliers")
class SupplierViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Suppliers with feed settings and their reliability record. Saving one ensures its check schedule."""

    selector = selectors.supplier_list
    supplier_reads = True
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilter

    def perform_create(self, serializer):
        serializer.instance = supplier_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = supplier_update(supplier=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        supplier_delete(supplier=instance)

    @extend_schema(request=None, responses={202: SupplierCheckRunSerializer, 401: ERROR_401, 403: ERROR_403,
                                            404: ERROR_404, 400: ERROR_400},
                   summary="Run the supplier's status check now (queued for the worker)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def check(self, request, pk=None):
        run = supplier_check_request(supplier=self.get_object(), actor=request.user)
        return Response(SupplierCheckRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@read_schema(FeedReviewSerializer, "suppliers")
class FeedReviewViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Feed rows held for review (unknown values or references, invalid or conflicting rows): never applied."""

    selector = selectors.feed_review_list
    supplier_reads = True
    serializer_class = FeedReviewSerializer
    filterset_class = FeedReviewFilter

    @extend_schema(request=FeedReviewResolveSerializer, responses={200: FeedReviewSerializer, **WRITE,
                                                                     404: ERROR_404},
                   summary="Close a review (resolved after fixing the data by hand, or dismissed)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def resolve(self, request, pk=None):
        data = FeedReviewResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = feed_review_resolve(review=self.get_object(), status=data.validated_data["status"], actor=request.user)
        return Response(FeedReviewSerializer(review).data)


@read_schema(SupplierCheckRunSerializer, "suppliers")
class SupplierCheckRunViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Supplier status checks: scheduled (beat) and manual runs with their counts and errors."""

    selector = selectors.check_run_list
    supplier_reads = True
    serializer_class = SupplierCheckRunSerializer
    filterset_class = CheckRunFilter
