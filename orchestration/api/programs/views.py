"""Programs (build projects), their capacity blocks and bills of materials: plan, forecast, alignment, gates."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.throttling import ExpensiveReadThrottle
from core.api import ERROR_400, ERROR_401, ERROR_409, ERROR_429
from orchestration import selectors
from orchestration.api.programs.filters import BlockFilter, BomLineFilter, ProjectFilter
from orchestration.api.programs.serializers import (
    AlignmentSerializer,
    BlockEventSerializer,
    BlockFactsSerializer,
    BlockPlanSerializer,
    BlockSerializer,
    BlockTransitionSerializer,
    BomLineSerializer,
    ForecastSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)
from orchestration.api.scoped_views import ERROR_404, READ, TRANSITION_409, WRITE, ScopedViewMixin, crud_schema
from orchestration.services.blocks import block_facts_update, block_plan_update, block_transition
from orchestration.services.bom import bom_line_create, bom_line_delete, bom_line_update
from orchestration.services.forecast import block_alignment, project_forecast
from orchestration.services.projects import project_create, project_update


@crud_schema(ProjectSerializer, "projects", create=ProjectCreateSerializer, destroy=False)
class ProjectViewSet(
    ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Build projects with their blocks (nested, read-only). Creating one proposes blocks and their BOM."""

    selector = selectors.project_list
    filterset_class = ProjectFilter

    def get_serializer_class(self):
        if self.action == "create":
            return ProjectCreateSerializer
        if self.action in ("update", "partial_update"):
            return ProjectUpdateSerializer
        return ProjectSerializer

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_create(**data.validated_data, actor=request.user)
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data, status=201)

    def update(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        project = project_update(project=data.instance, **data.validated_data)
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: ForecastSerializer, **READ, 429: ERROR_429},
                   summary="Recompute the project's forecast now (limited per user: 429 with Retry-After)")  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            throttle_classes=[ExpensiveReadThrottle])  # fmt: skip
    def forecast(self, request, pk=None):
        """Per-block forecast go-live and binding constraint, MW at risk, MW live by quarter, stranded equipment."""
        project = self.get_object()
        return Response(ForecastSerializer(project_forecast(project=project)).data)


@extend_schema(tags=["blocks"])
@extend_schema_view(
    list=extend_schema(responses={200: BlockSerializer(many=True), 400: ERROR_400, 401: ERROR_401}),
    retrieve=extend_schema(responses={200: BlockSerializer, **READ}),
)
class BlockViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Capacity blocks. State moves only through `transition`; site facts through `facts`."""

    selector = selectors.block_list
    serializer_class = BlockSerializer
    filterset_class = BlockFilter

    @extend_schema(
        request=BlockTransitionSerializer,
        responses={200: BlockSerializer, **WRITE, 404: ERROR_404, 409: TRANSITION_409},
        summary="Move a block to another state (guarded)",
        description="Forward one step at a time (planned → site_ready → powered → cooled → hardware_installed → "
        "commissioned → live), or back to any earlier state but planned, if the gate of the target holds. A refusal "
        "is a 409 whose `errors` list every reason with its input (`category`) and contract lines (`line_refs`); a "
        "concurrent change of the same block is a 409 `concurrent_change`. Each move is recorded (see events).",
    )
    @action(detail=True, methods=["post"], filter_backends=())
    def transition(self, request, pk=None):
        block = self.get_object()
        data = BlockTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block = block_transition(block=block, actor=request.user, **data.validated_data)
        return Response(BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(
        request=BlockPlanSerializer,
        responses={200: BlockSerializer, **WRITE, 404: ERROR_404, 409: ERROR_409},
        summary="Re-plan the block's go-live (recorded; flagged if earlier than the site model's P10)",
        description="Sets `planned_go_live` and records a `plan` event with the old and new date and the site "
        "model flag before and after. `before_model_p10` in the answer is re-read from the new plan. A live "
        "block's plan is history: 409 `block_live`.",
    )
    @action(detail=True, methods=["post"], filter_backends=())
    def plan(self, request, pk=None):
        block = self.get_object()
        data = BlockPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block_plan_update(block=block, actor=request.user, **data.validated_data)
        return Response(BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(request=BlockFactsSerializer, responses={200: BlockSerializer, **WRITE, 404: ERROR_404},
                   summary="Record site facts (power available, cooling ready, commissioning passed)")  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=())
    def facts(self, request, pk=None):
        block = self.get_object()
        data = BlockFactsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block_facts_update(block=block, actor=request.user, **data.validated_data)
        return Response(BlockSerializer(self.get_queryset().get(pk=block.pk)).data)

    @extend_schema(responses={200: AlignmentSerializer, **READ}, summary="The nine-input alignment matrix")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None)
    def alignment(self, request, pk=None):
        """Each of the nine inputs for this block: installed, received, on_track, late, missing (or not_required)."""
        return Response(AlignmentSerializer(block_alignment(block=self.get_object())).data)

    @extend_schema(responses={200: BlockEventSerializer(many=True), **READ}, summary="The block's event log")
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            serializer_class=BlockEventSerializer)  # fmt: skip
    def events(self, request, pk=None):
        events = selectors.block_event_list(block=self.get_object())
        return Response(BlockEventSerializer(events, many=True).data)


@crud_schema(BomLineSerializer, "projects")
class BomLineViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """Bill-of-materials lines proposed per block; planners adjust them before drawing contracts."""

    selector = selectors.bom_line_list
    serializer_class = BomLineSerializer
    filterset_class = BomLineFilter

    def perform_create(self, serializer):
        serializer.instance = bom_line_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = bom_line_update(line=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        bom_line_delete(line=instance)
