"""Baselines: a program's plan frozen under a name (P6-style), to compare the forecast against later."""

from django.conf import settings
from django.db import models

from core.validators import validate_plain_name


class ProgramBaseline(models.Model):
    """The plan and forecast of every block and line of a project at one moment; several per project."""

    project = models.ForeignKey("orchestration.BuildProject", on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=100, validators=[validate_plain_name])
    note = models.TextField(blank=True)
    as_of = models.DateField(help_text="The day the forecast frozen with it was computed for.")
    planned_go_live = models.DateField(null=True, blank=True, help_text="The last block's plan when frozen.")
    forecast_go_live = models.DateField(null=True, blank=True, help_text="The program forecast when frozen.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["project", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="orchestration_programbaseline_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.project} baseline {self.name}"


class BaselineBlock(models.Model):
    """A block as frozen in a baseline."""

    baseline = models.ForeignKey(ProgramBaseline, on_delete=models.CASCADE, related_name="blocks")
    block = models.ForeignKey("orchestration.CapacityBlock", on_delete=models.CASCADE, related_name="+")
    planned_go_live = models.DateField()
    forecast_go_live = models.DateField(null=True, blank=True, help_text="None: could not be dated when frozen.")

    class Meta:
        ordering = ["baseline", "block__index"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "block"], name="orchestration_baselineblock_unique_block"),
        ]

    def __str__(self) -> str:
        return f"{self.baseline}: block {self.block_id} planned {self.planned_go_live}"


class BaselineLine(models.Model):
    """A contract line as frozen in a baseline: its required date and its forecast arrival and ready dates."""

    baseline = models.ForeignKey(ProgramBaseline, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("orchestration.ContractLine", on_delete=models.CASCADE, related_name="+")
    required_on_site = models.DateField(null=True, blank=True)
    forecast_arrival = models.DateField(null=True, blank=True, help_text="None: could not be dated when frozen.")
    forecast_ready = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["baseline", "line"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "line"], name="orchestration_baselineline_unique_line"),
        ]

    def __str__(self) -> str:
        return f"{self.baseline}: line {self.line_id} arriving {self.forecast_arrival}"
