"""Scenarios, scoring runs, their chunks and their results (sites or national-screen cells)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from changelog.tracking import audited
from core.models import BackgroundRun
from core.validators import validate_plain_name
from sitesel.domain.run_progress import RunProgress, run_progress
from sitesel.models.sites import Site


@audited("scenario", fields=["name", "description", "spec"])
class Scenario(models.Model):
    """Weights, normalization, constraints, capacities and economics overrides (docs/scoring.md).

    `spec` is validated by sitesel.domain.scoring.scenario_from_dict before it is saved.
    """

    name = models.CharField(max_length=200, unique=True, validators=[validate_plain_name])
    description = models.TextField(blank=True)
    spec = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScoringRun(BackgroundRun):
    """One scoring of all (or a filtered set of) sites, or of the national grid, for each capacity."""

    class Status(models.TextChoices):  # the shared lifecycle, and a planner may cancel a run
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Mode(models.TextChoices):
        SITES = "sites", "Candidate sites"
        NATIONAL = "national", "National screen (grid cells)"

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    scenario_spec = models.JSONField(help_text="The scenario as it was when the run started.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SITES)
    site_filter = models.JSONField(default=dict, blank=True)
    cell_size_km = models.FloatField(null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)
    draws = models.PositiveIntegerField(default=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    items_total = models.PositiveIntegerField(default=0, help_text="Sites or cells to score.")
    items_done = models.PositiveIntegerField(default=0, help_text="Sites or cells whose chunk is stored.")
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    results_count = models.PositiveIntegerField(default=0)
    eligible_count = models.PositiveIntegerField(default=0)
    layer_versions = models.JSONField(default=dict, blank=True)
    layer_vintages = models.JSONField(default=dict, blank=True, help_text="Layer kind → vintage of that version.")
    oldest_vintage = models.CharField(
        max_length=10, blank=True, help_text="Oldest vintage of the layers the measures used; blank = unknown."
    )
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    ranking = models.BinaryField(
        null=True, blank=True, help_text="Per-criterion points of every result, by capacity (.npz)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    pinned = models.BooleanField(default=False, help_text="Kept forever: retention never deletes a pinned run.")

    class Meta(BackgroundRun.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(chunks_done__lte=models.F("chunks_total")), name="sitesel_scoringrun_chunks_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.scenario}, {self.status})"

    @property
    def progress_pct(self) -> float:
        if self.status == self.Status.SUCCEEDED:
            return 100.0
        # Computing the items is 95 % of the work; ranking everything at the end is the rest.
        return round(95.0 * self.items_done / self.items_total, 1) if self.items_total else 0.0

    @property
    def progress(self) -> RunProgress | None:
        """Items done, rate (items/s) and ETA (s) while the run works; None once it has ended or before it starts."""
        if self.status != self.Status.RUNNING or self.started_at is None:
            return None
        now = timezone.now()
        return run_progress(
            items_done=self.items_done,
            items_total=self.items_total,
            seconds_running=(now - self.started_at).total_seconds(),
            seconds_since_last_chunk=(now - self.heartbeat_at).total_seconds(),
            rank_seconds_per_million_items=settings.SCORING_RANK_SECONDS_PER_MILLION_ITEMS,
        )

    @property
    def capacities_mw(self) -> list[float]:
        return [float(c) for c in self.scenario_spec.get("capacities_mw", [])]


class ScoringChunk(models.Model):
    """A slice of a run's work: site ids, or a range of grid-cell ids. Done exactly once."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    site_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    cell_start = models.BigIntegerField(null=True, blank=True)
    cell_stop = models.BigIntegerField(null=True, blank=True)
    done = models.BooleanField(default=False)
    payload = models.BinaryField(
        null=True, blank=True, help_text="Measures and economics of the chunk's points, column by column (.npz)."
    )
    rank_input = models.BinaryField(
        null=True,
        blank=True,
        help_text="National runs, until ranked: per capacity the screens and each weighted criterion's sorted "
        "distinct values (.npz, uncompressed), so the ranking step merges instead of sorting every cell. One "
        "archive for the points, then one per capacity, end to end.",
    )
    rank_input_ends = ArrayField(
        models.BigIntegerField(),
        null=True,
        blank=True,
        help_text="Where each archive of rank_input ends (bytes): a capacity's step reads the points and its own.",
    )
    attempts = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="The Celery worker (name@host) that stored it.")

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="sitesel_scoringchunk_unique_index")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.index}"


class ScoringChunkRank(models.Model):
    """A national chunk's points at one capacity: score, rank (0 = not eligible) and binding screen (.npz)."""

    chunk = models.ForeignKey(ScoringChunk, on_delete=models.CASCADE, related_name="ranks")
    capacity_index = models.PositiveSmallIntegerField()
    ranked = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chunk", "capacity_index"], name="sitesel_scoringchunkrank_unique")
        ]

    def __str__(self) -> str:
        return f"{self.chunk} capacity {self.capacity_index}"


class ScoringRankPart(models.Model):
    """One capacity of a national run ranked, its rows written; the run succeeds once every capacity has one."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="rank_parts")
    capacity_index = models.PositiveSmallIntegerField()
    eligible_count = models.PositiveIntegerField()
    results_count = models.PositiveIntegerField()
    timings = models.JSONField(default=dict)
    ranking = models.BinaryField(help_text="The stored rows' points per criterion (.npz), for the run's archive.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "capacity_index"], name="sitesel_scoringrankpart_unique")]

    def __str__(self) -> str:
        return f"run {self.run_id} capacity {self.capacity_index}"


class ScoringResult(models.Model):
    """The score of one site (or grid cell) at one capacity, with everything needed to explain it.

    The row holds what lists filter and sort on (score, rank, key economics). The full measures and
    economics live, column by column, in the chunk that computed them (`chunk_index`, `chunk_row`),
    which keeps a 200,000-row run cheap to write; `sitesel.selectors.result_measures` and `result_economics`
    read them back (a model does no I/O of its own).
    """

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="results")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="scores")
    cell_id = models.BigIntegerField(null=True, blank=True, help_text="National-screen cell (no Site row).")
    lon = models.FloatField()
    lat = models.FloatField()
    state = models.CharField(max_length=2, blank=True)
    county_fips = models.CharField(max_length=5, blank=True)
    capacity_mw = models.FloatField()
    eligible = models.BooleanField()
    binding_constraint = models.CharField(max_length=200, blank=True, help_text="The screen that excluded it.")
    score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    capex_per_mw_usd = models.FloatField(null=True)
    build_capex_per_mw_usd = models.FloatField(null=True, help_text="Capex per MW excluding IT equipment.")
    gpus = models.FloatField(null=True)
    time_to_power_p50_months = models.FloatField(null=True, help_text="P50 months from the decision to full capacity.")
    time_to_compute_p50_months = models.FloatField(
        null=True, help_text="P50 capacity-weighted go-live month from the decision (time to compute)."
    )
    power_binding_constraint = models.CharField(max_length=100, blank=True, help_text="What sets time to power.")
    grid_swing_flag = models.BooleanField(null=True)
    chunk_index = models.PositiveIntegerField(help_text="Chunk whose archive holds the measures and economics.")
    chunk_row = models.PositiveIntegerField()
    position = models.PositiveIntegerField(help_text="Row in the run's ranking archive (the breakdown).")

    class Meta:
        ordering = ["run", "capacity_mw", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "site", "capacity_mw"],
                condition=Q(site__isnull=False),
                name="sitesel_scoringresult_unique_site",
            ),
            models.UniqueConstraint(
                fields=["run", "cell_id", "capacity_mw"],
                condition=Q(cell_id__isnull=False),
                name="sitesel_scoringresult_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=False) ^ Q(cell_id__isnull=False), name="sitesel_scoringresult_site_xor_cell"
            ),
        ]
        indexes = [models.Index(fields=["run", "capacity_mw", "rank"], name="sitesel_result_rank_idx")]

    def __str__(self) -> str:
        target = f"site {self.site_id}" if self.site_id else f"cell {self.cell_id}"
        return f"run {self.run_id} {target} @ {self.capacity_mw:g} MW"
