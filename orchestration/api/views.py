"""API views: thin adapters from HTTP to selectors (reads, scoped to the user) and services (writes).

Every failure leaves through config/api/errors.py as {"code", "message", "field", "errors"}; a refused
block transition lists the domain's reasons in `errors` (with the input and contract lines at fault).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.throttling import ExpensiveReadThrottle
from core.api import ERROR_400, ERROR_401, ERROR_403, ERROR_409, ERROR_429, ErrorResponseSerializer
from core.errors import Conflict
from orchestration import selectors
from orchestration.api import filters
from orchestration.api import serializers as s
from orchestration.api.permissions import ShipNoticeWriters
from orchestration.models import Source
from orchestration.selectors import user_scope
from orchestration.services.blocks import block_facts_update, block_plan_update, block_transition
from orchestration.services.bom import bom_line_create, bom_line_delete, bom_line_update
from orchestration.services.checks import feed_review_resolve, supplier_check_request
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
from orchestration.services.forecast import block_alignment, project_forecast
from orchestration.services.projects import project_create, project_update
from orchestration.services.suppliers import supplier_create, supplier_delete, supplier_update

ERROR_404 = OpenApiResponse(ErrorResponseSerializer, description="Not found (or not yours).")
TRANSITION_409 = OpenApiResponse(s.TransitionErrorSerializer, description="Refused: `errors` lists every reason.")
READ = {401: ERROR_401, 404: ERROR_404}
WRITE = {400: ERROR_400, 401: ERROR_401, 403: ERROR_403}


class ScopedViewMixin:
    """Querysets come from selectors scoped to the requesting user (supplier isolation).

    Permissions are the default by role; `supplier_reads = True` lets a supplier's user read the view
    (its own rows only, by the selector). Internal views leave it False: suppliers get 403 there.
    """

    selector = None
    supplier_reads = False

    @property
    def scope(self) -> selectors.Scope:
        return user_scope(self.request.user)

    def get_queryset(self):
        return type(self).selector(scope=self.scope)


def _crud_schema(serializer, tag: str, *, create=None, destroy: bool = True):
    views = {
        "list": extend_schema(responses={200: serializer(many=True), 400: ERROR_400, 401: ERROR_401}),
        "retrieve": extend_schema(responses={200: serializer, **READ}),
        # request=None would declare "no body": without a create serializer, the view's own is the body.
        "create": extend_schema(**({"request": create} if create else {}), responses={201: serializer, **WRITE}),
        "update": extend_schema(responses={200: serializer, **WRITE, 404: ERROR_404}),
        "partial_update": extend_schema(responses={200: serializer, **WRITE, 404: ERROR_404}),
    }
    if destroy:
        views["destroy"] = extend_schema(responses={204: None, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404,
                                                    409: ERROR_409})  # fmt: skip
    return lambda cls: extend_schema(tags=[tag])(extend_schema_view(**views)(cls))


# --- projects, blocks, BOM ----------------------------------------------------------------------------------


@_crud_schema(s.ProjectSerializer, "projects", create=s.ProjectCreateSerializer, destroy=False)
class ProjectViewSet(
    ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Build projects with their blocks (nested, read-only). Creating one proposes blocks and their BOM."""

    selector = selectors.project_list
    filterset_class = filters.ProjectFilter

    def get_serializer_class(self):
        if self.action == "create":
            return s.ProjectCreateSerializer
        if self.action in ("update", "partial_update"):
            return s.ProjectUpdateSerializer
        return s.ProjectSerializer

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_create(**data.validated_data, actor=request.user)
        project = self.get_queryset().get(pk=project.pk)
        return Response(s.ProjectSerializer(project, context=self.get_serializer_context()).data, status=201)

    def update(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        project = project_update(project=data.instance, **data.validated_data)
        project = self.get_queryset().get(pk=project.pk)
        return Response(s.ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: s.ForecastSerializer, **READ, 429: ERROR_429},
                   summary="Recompute the project's forecast now (limited per user: 429 with Retry-After)")  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            throttle_classes=[ExpensiveReadThrottle])  # fmt: skip
    def forecast(self, request, pk=None):
        """Per-block forecast go-live and binding constraint, MW at risk, MW live by quarter, stranded equipment."""
        project = self.get_object()
        return Response(s.ForecastSerializer(project_forecast(project=project)).data)


@extend_schema(tags=["blocks"])
@extend_schema_view(
    list=extend_schema(responses={200: s.BlockSerializer(many=True), 400: ERROR_400, 401: ERROR_401}),
    retrieve=extend_schema(responses={200: s.BlockSerializer, **READ}),
)
class BlockViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Capacity blocks. State moves only through `transition`; site facts through `facts`."""

    selector = selectors.block_list
    serializer_class = s.BlockSerializer
    filterset_class = filters.BlockFilter

    @extend_schema(
        request=s.BlockTransitionSerializer,
        responses={200: s.BlockSerializer, **WRITE, 404: ERROR_404, 409: TRANSITION_409},
        summary="Move a block to another state (guarded)",
        description="Forward one step at a time (planned → site_ready → powered → cooled → hardware_installed → "
        "commissioned → live), or back to any earlier state but planned, if the gate of the target holds. A refusal "
        "is a 409 whose `errors` list every reason with its input (`category`) and contract lines (`line_refs`); a "
        "concurrent change of the same block is a 409 `concurrent_change`. Each move is recorded (see events).",
    )
    @action(detail=True, methods=["post"], filter_backends=())
    def transition(self, request, pk=None):
        block = self.get_object()
        data = s.BlockTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block = block_transition(block=block, actor=request.user, **data.validated_data)
        return Response(s.BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(
        request=s.BlockPlanSerializer,
        responses={200: s.BlockSerializer, **WRITE, 404: ERROR_404, 409: ERROR_409},
        summary="Re-plan the block's go-live (recorded; flagged if earlier than the site model's P10)",
        description="Sets `planned_go_live` and records a `plan` event with the old and new date and the site "
        "model flag before and after. `before_model_p10` in the answer is re-read from the new plan. A live "
        "block's plan is history: 409 `block_live`.",
    )
    @action(detail=True, methods=["post"], filter_backends=())
    def plan(self, request, pk=None):
        block = self.get_object()
        data = s.BlockPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block_plan_update(block=block, actor=request.user, **data.validated_data)
        return Response(s.BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(request=s.BlockFactsSerializer, responses={200: s.BlockSerializer, **WRITE, 404: ERROR_404},
                   summary="Record site facts (power available, cooling ready, commissioning passed)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def facts(self, request, pk=None):
        block = self.get_object()
        data = s.BlockFactsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block_facts_update(block=block, actor=request.user, **data.validated_data)
        return Response(s.BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(responses={200: s.AlignmentSerializer, **READ}, summary="The nine-input alignment matrix")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None)
    def alignment(self, request, pk=None):
        """Each of the nine inputs for this block: installed, received, on_track, late, missing (or not_required)."""
        return Response(s.AlignmentSerializer(block_alignment(block=self.get_object())).data)

    @extend_schema(responses={200: s.BlockEventSerializer(many=True), **READ}, summary="The block's event log")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            serializer_class=s.BlockEventSerializer)  # fmt: skip
    def events(self, request, pk=None):
        events = selectors.block_event_list(block=self.get_object())
        return Response(s.BlockEventSerializer(events, many=True).data)


@_crud_schema(s.BomLineSerializer, "projects")
class BomLineViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Bill-of-materials lines proposed per block; planners adjust them before drawing contracts."""

    selector = selectors.bom_line_list
    serializer_class = s.BomLineSerializer
    filterset_class = filters.BomLineFilter

    def perform_create(self, serializer):
        serializer.instance = bom_line_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = bom_line_update(line=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        bom_line_delete(line=instance)


# --- suppliers, contracts, lines, deliveries ---------------------------------------------------------------------


@_crud_schema(s.SupplierSerializer, "suppliers")
class SupplierViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Suppliers with feed settings and their reliability record. Saving one ensures its check schedule."""

    selector = selectors.supplier_list
    supplier_reads = True
    serializer_class = s.SupplierSerializer
    filterset_class = filters.SupplierFilter

    def perform_create(self, serializer):
        serializer.instance = supplier_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = supplier_update(supplier=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        supplier_delete(supplier=instance)

    @extend_schema(request=None, responses={202: s.SupplierCheckRunSerializer, 401: ERROR_401, 403: ERROR_403,
                                            404: ERROR_404, 400: ERROR_400},
                   summary="Run the supplier's status check now (queued for the worker)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def check(self, request, pk=None):
        run = supplier_check_request(supplier=self.get_object(), actor=request.user)
        return Response(s.SupplierCheckRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@_crud_schema(s.ContractSerializer, "contracts")
class ContractViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Contracts with their lines nested. Suppliers' users see their own contracts only."""

    selector = selectors.contract_list
    supplier_reads = True
    serializer_class = s.ContractSerializer
    filterset_class = filters.ContractFilter

    def perform_create(self, serializer):
        contract = contract_create(**serializer.validated_data, actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=contract.pk)  # re-read: lines with receipts

    def perform_update(self, serializer):
        contract = contract_update(contract=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=contract.pk)

    def perform_destroy(self, instance):
        contract_delete(contract=instance)


@_crud_schema(s.ContractLineSerializer, "contracts")
class ContractLineViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Contract lines: the blocks each gates, required-on-site dates, and receipts so far (derived)."""

    selector = selectors.contract_line_list
    supplier_reads = True
    serializer_class = s.ContractLineSerializer
    filterset_class = filters.ContractLineFilter

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
        request=s.ShipNoticeSerializer,
        responses={200: s.DeliverySerializer, 201: s.DeliverySerializer, **WRITE, 404: ERROR_404, 409: ERROR_409},
        summary="Post a ship notice for this line (supplier accounts: own lines only)",
        description="Creates or updates the delivery with this `shipment_ref` (unique per supplier): quantity, "
        "status scheduled | in_production | shipped (with shipped_on), and confirmed / expected dates. A later "
        "date is recorded as a slip. Receipts are recorded by the site team (deliveries/{id}/receipt/), not here.",
    )
    @action(detail=True, methods=["post"], url_path="ship-notices", url_name="ship-notices", filter_backends=())
    def ship_notices(self, request, pk=None):
        line = self.get_object()
        notice = s.ShipNoticeSerializer(data=request.data)
        notice.is_valid(raise_exception=True)
        result = ship_notice_apply(supplier=line.contract.supplier, line=line, notice=notice.validated_data,
                                   source=Source.API, actor=request.user)  # fmt: skip
        if result.outcome == "conflict":
            raise Conflict(result.message, field=result.field, code="ship_notice_conflict")
        code = status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
        return Response(s.DeliverySerializer(result.delivery).data, status=code)


@_crud_schema(s.DeliverySerializer, "deliveries", destroy=False)
class DeliveryViewSet(
    ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Deliveries (shipments). Promise changes are logged as slips; receipts and installs have actions."""

    selector = selectors.delivery_list
    supplier_reads = True
    filterset_class = filters.DeliveryFilter

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.DeliveryUpdateSerializer
        return s.DeliverySerializer

    def perform_create(self, serializer):
        serializer.instance = delivery_create(**serializer.validated_data, actor=self.request.user)

    def update(self, request, *args, **kwargs):
        delivery = self.get_object()
        data = s.DeliveryUpdateSerializer(delivery, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        delivery = delivery_update(delivery=delivery, actor=request.user, reason=reason, **fields)
        return Response(s.DeliverySerializer(delivery).data)

    @extend_schema(request=s.DeliveryReceiptSerializer, responses={200: s.DeliverySerializer, **WRITE,
                                                                   404: ERROR_404, 409: ERROR_409},
                   summary="Record a receipt on site (site team / planner)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def receipt(self, request, pk=None):
        data = s.DeliveryReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = delivery_receive(delivery=self.get_object(), actor=request.user, **data.validated_data)
        return Response(s.DeliverySerializer(delivery).data)

    @extend_schema(request=s.DeliveryInstallSerializer, responses={200: s.DeliverySerializer, **WRITE,
                                                                   404: ERROR_404, 409: ERROR_409},
                   summary="Mark the delivery installed")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def install(self, request, pk=None):
        data = s.DeliveryInstallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = delivery_install(delivery=self.get_object(), actor=request.user, **data.validated_data)
        return Response(s.DeliverySerializer(delivery).data)

    @extend_schema(responses={200: s.DeliveryEventSerializer(many=True), **READ}, summary="The delivery's events")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            serializer_class=s.DeliveryEventSerializer)  # fmt: skip
    def events(self, request, pk=None):
        return Response(s.DeliveryEventSerializer(selectors.delivery_event_list(delivery=self.get_object()),
                                                  many=True).data)  # fmt: skip

    @extend_schema(responses={200: s.PromiseChangeSerializer(many=True), **READ}, summary="The delivery's slip log")
    @action(detail=True, methods=["get"], url_path="promise-changes", url_name="promise-changes", filter_backends=(),
            pagination_class=None, serializer_class=s.PromiseChangeSerializer)  # fmt: skip
    def promise_changes(self, request, pk=None):
        changes = selectors.promise_change_list(delivery=self.get_object())
        return Response(s.PromiseChangeSerializer(changes, many=True).data)


# --- alerts, reviews, runs --------------------------------------------------------------------------------------


def _read_schema(serializer, tag: str):
    return lambda cls: extend_schema(tags=[tag])(
        extend_schema_view(
            list=extend_schema(responses={200: serializer(many=True), 400: ERROR_400, 401: ERROR_401}),
            retrieve=extend_schema(responses={200: serializer, **READ}),
        )(cls)
    )


@_read_schema(s.AlertSerializer, "alerts")
class AlertViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Alerts: new slips, overdue lines, blocks whose forecast moved past plan (email + webhook)."""

    selector = selectors.alert_list
    serializer_class = s.AlertSerializer
    filterset_class = filters.AlertFilter


@_read_schema(s.FeedReviewSerializer, "suppliers")
class FeedReviewViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Feed rows held for review (unknown values or references, invalid or conflicting rows): never applied."""

    selector = selectors.feed_review_list
    supplier_reads = True
    serializer_class = s.FeedReviewSerializer
    filterset_class = filters.FeedReviewFilter

    @extend_schema(request=s.FeedReviewResolveSerializer, responses={200: s.FeedReviewSerializer, **WRITE,
                                                                     404: ERROR_404},
                   summary="Close a review (resolved after fixing the data by hand, or dismissed)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def resolve(self, request, pk=None):
        data = s.FeedReviewResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = feed_review_resolve(review=self.get_object(), status=data.validated_data["status"], actor=request.user)
        return Response(s.FeedReviewSerializer(review).data)


@_read_schema(s.SupplierCheckRunSerializer, "suppliers")
class SupplierCheckRunViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Supplier status checks: scheduled (beat) and manual runs with their counts and errors."""

    selector = selectors.check_run_list
    supplier_reads = True
    serializer_class = s.SupplierCheckRunSerializer
    filterset_class = filters.CheckRunFilter
