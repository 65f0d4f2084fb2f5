"""Contracts, contract lines and deliveries (promised vs actual), with ship notices and receipts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERROR_409
from core.errors import Conflict
from orchestration import selectors
from orchestration.api.contracts.filters import ContractFilter, ContractLineFilter, DeliveryFilter
from orchestration.api.contracts.serializers import (
    ContractLineSerializer,
    ContractSerializer,
    DeliveryEventSerializer,
    DeliveryInstallSerializer,
    DeliveryReceiptSerializer,
    DeliverySerializer,
    DeliveryUpdateSerializer,
    PromiseChangeSerializer,
)
from orchestration.api.permissions import ShipNoticeWriters
from orchestration.api.scoped_views import ERROR_404, READ, WRITE, ScopedViewMixin, crud_schema
from orchestration.feeds import ShipNoticeSerializer
from orchestration.models import Source
from orchestration.services.contracts import (
    contract_create,
    contract_delete,
    contract_line_create,
    contract_line_delete,
    contract_line_update,
    contract_update,
)
from orchestration.services.deliveries import (
    delivery_create,
    delivery_install,
    delivery_receive,
    delivery_update,
    ship_notice_apply,
)


@crud_schema(ContractSerializer, "contracts")
class ContractViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Contracts with their lines nested. Suppliers' users see their own contracts only."""

    selector = selectors.contract_list
    supplier_reads = True
    serializer_class = ContractSerializer
    filterset_class = ContractFilter

    def perform_create(self, serializer):
        contract = contract_create(**serializer.validated_data, actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=contract.pk)  # re-read: lines with receipts

    def perform_update(self, serializer):
        contract = contract_update(contract=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=contract.pk)

    def perform_destroy(self, instance):
        contract_delete(contract=instance)


@crud_schema(ContractLineSerializer, "contracts")
class ContractLineViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Contract lines: the blocks each gates, required-on-site dates, and receipts so far (derived)."""

    selector = selectors.contract_line_list
    supplier_reads = True
    serializer_class = ContractLineSerializer
    filterset_class = ContractLineFilter

    def get_permissions(self):
        if self.action == "ship_notices":
            return [ShipNoticeWriters()]
        return super().get_permissions()

    def perform_create(self, serializer):
        line = contract_line_create(**serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=line.pk)

    def perform_update(self, serializer):
        line = contract_line_update(line=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=line.pk)

    def perform_destroy(self, instance):
        contract_line_delete(line=instance)

    @extend_schema(
        request=ShipNoticeSerializer,
        responses={200: DeliverySerializer, 201: DeliverySerializer, **WRITE, 404: ERROR_404, 409: ERROR_409},
        summary="Post a ship notice for this line (supplier accounts: own lines only)",
        description="Creates or updates the delivery with this `shipment_ref` (unique per supplier): quantity, "
        "status scheduled | in_production | shipped (with shipped_on), and confirmed / expected dates. A later "
        "date is recorded as a slip. Receipts are recorded by the site team (deliveries/{id}/receipt/), not here.",
    )
    @action(detail=True, methods=["post"], url_path="ship-notices", url_name="ship-notices", filter_backends=())
    def ship_notices(self, request, pk=None):
        line = self.get_object()
        notice = ShipNoticeSerializer(data=request.data)
        notice.is_valid(raise_exception=True)
        result = ship_notice_apply(supplier=line.contract.supplier, line=line, notice=notice.validated_data,
                                   source=Source.API, actor=request.user)  # fmt: skip
        if result.outcome == "conflict":
            raise Conflict(result.message, field=result.field, code="ship_notice_conflict")
        code = status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
        return Response(DeliverySerializer(result.delivery).data, status=code)


@crud_schema(DeliverySerializer, "deliveries", destroy=False)
class DeliveryViewSet(
    ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Deliveries (shipments). Promise changes are logged as slips; receipts and installs have actions."""

    selector = selectors.delivery_list
    supplier_reads = True
    filterset_class = DeliveryFilter

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return DeliveryUpdateSerializer
        return DeliverySerializer

    def perform_create(self, serializer):
        serializer.instance = delivery_create(**serializer.validated_data, actor=self.request.user)

    def update(self, request, *args, **kwargs):
        delivery = self.get_object()
        data = DeliveryUpdateSerializer(delivery, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        delivery = delivery_update(delivery=delivery, actor=request.user, reason=reason, **fields)
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(request=DeliveryReceiptSerializer, responses={200: DeliverySerializer, **WRITE,
                                                                   404: ERROR_404, 409: ERROR_409},
                   summary="Record a receipt on site (site team / planner)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def receipt(self, request, pk=None):
        data = DeliveryReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = delivery_receive(delivery=self.get_object(), actor=request.user, **data.validated_data)
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(request=DeliveryInstallSerializer, responses={200: DeliverySerializer, **WRITE,
                                                                   404: ERROR_404, 409: ERROR_409},
                   summary="Mark the delivery installed")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def install(self, request, pk=None):
        data = DeliveryInstallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = delivery_install(delivery=self.get_object(), actor=request.user, **data.validated_data)
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(responses={200: DeliveryEventSerializer(many=True), **READ}, summary="The delivery's events")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            serializer_class=DeliveryEventSerializer)  # fmt: skip
    def events(self, request, pk=None):
        return Response(DeliveryEventSerializer(selectors.delivery_event_list(delivery=self.get_object()),
                                                  many=True).data)  # fmt: skip

    @extend_schema(responses={200: PromiseChangeSerializer(many=True), **READ}, summary="The delivery's slip log")
    @action(detail=True, methods=["get"], url_path="promise-changes", url_name="promise-changes", filter_backends=(),
            pagination_class=None, serializer_class=PromiseChangeSerializer)  # fmt: skip
    def promise_changes(self, request, pk=None):
        changes = selectors.promise_change_list(delivery=self.get_object())
        return Response(PromiseChangeSerializer(changes, many=True).data)
