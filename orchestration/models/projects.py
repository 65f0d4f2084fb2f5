"""Build projects, their capacity blocks, the bill of materials and the block event log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from changelog.tracking import audited
from core.validators import validate_plain_name
from orchestration.domain.model_band import plan_before_p10, plan_flag_text
from orchestration.models.choices import Category, Source, State


@audited(
    "program",
    fields=["site", "name", "target_mw", "block_mw", "blocks_per_phase", "planned_first_go_live",
            "blocks_interval_days", "grid_power_date"],
)
class BuildProject(models.Model):
    """A program of capacity at one site, built as blocks (e.g. 1 GW as 20 × 50 MW) in phases.

    The last stored forecast (`forecast_*`) is a cache written by `project_forecast_refresh`; the
    forecast API recomputes from the current promises on every call. `model_*` record the site model run
    at creation that gave every block its go-live band (`CapacityBlock.model_p10/p50/p90`).
    """

    site = models.ForeignKey("sitesel.Site", on_delete=models.PROTECT, related_name="build_projects")
    name = models.CharField(max_length=200, unique=True, validators=[validate_plain_name])
    target_mw = models.FloatField(help_text="Facility MW of the whole program.")
    block_mw = models.FloatField(help_text="Facility MW of one block.")
    blocks_per_phase = models.PositiveSmallIntegerField(default=5)
    planned_first_go_live = models.DateField()
    blocks_interval_days = models.PositiveIntegerField(default=45, help_text="Planned days between blocks.")
    grid_power_date = models.DateField(
        null=True, blank=True, help_text="Utility energisation forecast for the site; empty = not tracked."
    )
    forecast_go_live = models.DateField(null=True, blank=True, editable=False)
    forecast_mw_at_risk = models.FloatField(null=True, blank=True, editable=False)
    forecast = models.JSONField(default=dict, blank=True, editable=False, help_text="Last stored forecast.")
    forecast_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The site model the blocks' bands came from (empty for projects created before bands were stored).
    planned_from_model = models.BooleanField(
        default=False, editable=False, help_text="At creation, every block was planned at the site model's P50."
    )
    model_version = models.CharField(max_length=40, blank=True, editable=False)
    model_decision_date = models.DateField(
        null=True, blank=True, editable=False, help_text="Month 0 of the site model: the build decision."
    )
    model_run = models.ForeignKey(
        "sitesel.ScoringRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The scoring run whose scenario, seed and draws the model used; empty = the defaults.",
    )
    model_seed = models.IntegerField(null=True, blank=True, editable=False)
    model_draws = models.PositiveIntegerField(null=True, blank=True, editable=False)
    model_grid_energised_p50 = models.DateField(null=True, blank=True, editable=False)
    model_on_site_power = models.BooleanField(
        null=True, blank=True, editable=False, help_text="The model bridges the first blocks with on-site power."
    )
    model_missing_inputs = models.JSONField(
        default=list, blank=True, editable=False, help_text="Site facts the model filled in conservatively."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(target_mw__gt=0), name="orchestration_buildproject_target_mw_positive"),
            models.CheckConstraint(condition=Q(block_mw__gt=0), name="orchestration_buildproject_block_mw_positive"),
            models.CheckConstraint(
                condition=Q(blocks_per_phase__gte=1), name="orchestration_buildproject_blocks_per_phase_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audited(
    "block",
    fields=["project", "index", "phase", "mw", "gpus", "planned_go_live", "commissioning_days", "state",
            "power_available", "grid_energised", "cooling_ready", "commissioning_passed", "live_on"],
)
class CapacityBlock(models.Model):
    """A block of capacity that goes live as a unit. `state` moves only through `block_transition`."""

    project = models.ForeignKey(BuildProject, on_delete=models.CASCADE, related_name="blocks")
    index = models.PositiveIntegerField(help_text="1-based position in the project.")
    phase = models.PositiveSmallIntegerField(default=1)
    mw = models.FloatField()
    gpus = models.PositiveIntegerField(help_text="From the MW→GPU model (orchestration.domain.bom.size_compute).")
    planned_go_live = models.DateField()
    commissioning_days = models.PositiveIntegerField(default=45, help_text="Ready to live (integrated systems test).")
    state = models.CharField(max_length=24, choices=State.choices, default=State.PLANNED, editable=False)
    power_available = models.BooleanField(default=False, help_text="Grid or on-site power energised for the block.")
    grid_energised = models.BooleanField(
        default=False,
        help_text="The utility has energised the block's grid connection: its on-site generation no longer gates it.",
    )
    cooling_ready = models.BooleanField(default=False, help_text="Cooling loop filled, balanced, tested under load.")
    commissioning_passed = models.BooleanField(default=False, help_text="Integrated systems test signed off.")
    live_on = models.DateField(null=True, blank=True, editable=False, help_text="Set when the block goes live.")
    forecast_go_live = models.DateField(null=True, blank=True, editable=False)
    forecast_days_late = models.IntegerField(null=True, blank=True, editable=False)
    forecast_binding = models.JSONField(default=dict, blank=True, editable=False)
    model_block = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="The site model block (1-based) whose band this is."
    )
    model_p10 = models.DateField(null=True, blank=True, editable=False, help_text="Site model go-live P10.")
    model_p50 = models.DateField(null=True, blank=True, editable=False, help_text="Site model go-live P50.")
    model_p90 = models.DateField(null=True, blank=True, editable=False, help_text="Site model go-live P90.")

    class Meta:
        ordering = ["project", "index"]
        constraints = [
            models.UniqueConstraint(fields=["project", "index"], name="orchestration_capacityblock_unique_index"),
            models.CheckConstraint(condition=Q(mw__gt=0), name="orchestration_capacityblock_mw_positive"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="orchestration_capacityblock_state_valid"),
            models.CheckConstraint(
                condition=Q(state=State.LIVE, live_on__isnull=False) | (~Q(state=State.LIVE) & Q(live_on__isnull=True)),
                name="orchestration_capacityblock_live_on_iff_live",
            ),
            models.CheckConstraint(
                condition=Q(model_p10__isnull=True, model_p50__isnull=True, model_p90__isnull=True)
                | Q(model_p10__lte=F("model_p50"), model_p50__lte=F("model_p90")),
                name="orchestration_capacityblock_model_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} block {self.index}"

    @property
    def before_model_p10(self) -> bool:
        """The plan is earlier than the site model's P10 (re-read from the current plan every time)."""
        return plan_before_p10(self.planned_go_live, self.model_p10)

    @property
    def model_flag(self) -> str | None:
        return plan_flag_text(self.planned_go_live, self.model_p10)


@audited(
    "bom-line",
    fields=["block", "category", "item", "quantity", "unit", "lead_time_days", "install_days", "basis", "source"],
)
class BomLine(models.Model):
    """A line the bill of materials proposes for a block; planners adjust it, contracts are drawn from it."""

    block = models.ForeignKey(CapacityBlock, on_delete=models.CASCADE, related_name="bom_lines")
    category = models.CharField(max_length=24, choices=Category.choices)
    item = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=20)
    lead_time_days = models.PositiveIntegerField()
    install_days = models.PositiveIntegerField()
    basis = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["block", "category", "item"]
        verbose_name = "BOM line"
        constraints = [
            models.UniqueConstraint(fields=["block", "item"], name="orchestration_bomline_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="orchestration_bomline_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="orchestration_bomline_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block}: {self.item}"


class BlockEvent(models.Model):
    """Who changed a block (state, facts or plan), when and why."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", "State transition"
        FACTS = "facts", "Facts changed"
        PLAN = "plan", "Plan changed"

    block = models.ForeignKey(CapacityBlock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TRANSITION)
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    reason = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="transition") | ~Q(from_state=F("to_state")),
                name="orchestration_blockevent_transition_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block}: {self.from_state} → {self.to_state}"
